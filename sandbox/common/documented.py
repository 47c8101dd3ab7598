"""Documented-only mode: the vendor pages alone, every extrapolated endpoint gone.

Each vendor declares, next to its routes, which of them are extrapolated (not on its vendor
page; ``docs/contracts/<vendor>.md`` marks each one). With ``SandboxOptions.documented_only``
those answer the vendor's own 404 (``not_found``), as on a tenant that serves only what the
page shows, so clients can be tried against the page and nothing else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web

from sandbox.common.errors import UNKNOWN_PATH, ApiError, ErrorRenderer, Handler

RouteKey = tuple[str, str]
"""(HTTP method, path pattern as the app routes it, e.g. ``/v1/shops/{shop_id}/inventory``)."""


def list_and_detail(path: str, id_param: str) -> tuple[RouteKey, RouteKey]:
    """``GET path`` and ``GET path/{id_param}``: a collection both of whose reads are
    extrapolated."""
    return ("GET", path), ("GET", f"{path}/{{{id_param}}}")


def route_keys(base: str, routes: Iterable[RouteKey]) -> frozenset[RouteKey]:
    """``routes`` given below a vendor's base path, as the app's own patterns."""
    return frozenset((method.upper(), base + path) for method, path in routes)


def served_routes(app: web.Application) -> frozenset[RouteKey]:
    """Every (method, pattern) the app routes."""
    return frozenset(
        (route.method, route.resource.canonical)
        for route in app.router.routes()
        if route.resource is not None
    )


def documented_only_middleware(
    app: web.Application, extrapolated: frozenset[RouteKey], render_error: ErrorRenderer
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Answers the ``extrapolated`` routes 404 in the vendor's error shape, as an unknown path.

    Placed innermost (after the vendor's own auth), so the rest is exactly as any other 404:
    logged, rate-limited and authenticated like it. Refuses a declaration naming no route,
    so a typo cannot leave an extrapolated endpoint served."""
    unknown = extrapolated - served_routes(app)
    if unknown:
        raise ValueError(f"declared extrapolated but not routed: {sorted(unknown)}")

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        route = request.match_info.route
        if route.resource is not None and (route.method, route.resource.canonical) in extrapolated:
            return render_error(ApiError(404, "not_found", UNKNOWN_PATH))
        return await handler(request)

    return middleware
