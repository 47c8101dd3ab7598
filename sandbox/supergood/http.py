"""HTTP side of the Supergood style: app assembly, bearer guard, errors, lists."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from json import JSONDecodeError
from typing import Any

from aiohttp import web

from sandbox.common.errors import ApiError, Handler, error_middleware, not_found
from sandbox.common.faults import login_faults
from sandbox.common.filters import Predicate, Row, select
from sandbox.common.jsonenc import json_response
from sandbox.common.pagination import Paging, parse_paging
from sandbox.common.request_log import RequestLog, request_log_middleware
from sandbox.common.table import Table
from sandbox.supergood.auth import Session, SupergoodAuth

ERROR_CODES = {
    400: "invalid_parameter",
    401: "invalid_token",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_failed",
    429: "rate_limited",
    500: "internal_error",
}
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 50
_SESSION_KEY = web.RequestKey("supergood_session", Session)
_AUTH_KEY = web.AppKey("supergood_auth", SupergoodAuth)


def render_error(err: ApiError) -> web.Response:
    error: dict[str, Any] = {"code": err.code, "message": err.message}
    if err.details:
        error["details"] = [{"field": f, "message": m} for f, m in err.details]
    elif err.field:
        error["details"] = [{"field": err.field, "message": err.message}]
    error.update(err.extra)  # e.g. the "challenge" of an SMS or e-mail login
    return json_response({"error": error}, status=err.status, headers=err.headers or None)


def parse_page(query: Mapping[str, str]) -> Paging:
    return parse_paging(
        query,
        page_param="page",
        size_param="pageSize",
        default_size=DEFAULT_PAGE_SIZE,
        max_size=MAX_PAGE_SIZE,
    )


def list_body(rows: Sequence[dict[str, Any]], paging: Paging, total: int) -> dict[str, Any]:
    return {"items": list(rows), "page": paging.page, "pageSize": paging.size, "total": total}


def current_session(request: web.Request) -> Session:
    return request[_SESSION_KEY]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # below the integration prefix, e.g. "/vehicles/{vehicleId}"
    handler: Handler
    entitlement: str | None = None  # None: any signed-in user


def _guarded(handler: Handler, entitlement: str | None) -> Handler:
    async def guarded(request: web.Request) -> web.StreamResponse:
        if entitlement and entitlement not in current_session(request).user.entitlements:
            raise ApiError(403, "forbidden", f"This user is not entitled to '{entitlement}'")
        return await handler(request)

    return guarded


def _bearer_middleware(
    auth: SupergoodAuth, prefix: str, public: frozenset[str]
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if (path == prefix or path.startswith(prefix + "/")) and path not in public:
            request[_SESSION_KEY] = auth.authenticate(request.headers.get("Authorization"))
        return await handler(request)

    return middleware


async def _json_body(request: web.Request) -> object:
    text = await request.text()
    if not text.strip():
        return None
    try:
        return json.loads(text)
    except JSONDecodeError:
        raise ApiError(400, "invalid_parameter", "Request body is not valid JSON") from None


def build_supergood_app(
    *, prefix: str, auth: SupergoodAuth, routes: Iterable[Route], log: RequestLog
) -> web.Application:
    """An app serving ``/sessions``, ``/sessions/refresh`` and ``routes`` under ``prefix``."""

    async def create_session(request: web.Request) -> web.Response:
        body = await _json_body(request)
        faults = login_faults(request)
        return json_response(
            auth.login(
                request.headers.get("Authorization"),
                body,
                ttl_seconds=faults.token_ttl_seconds,
                replay_check=faults.mfa_replay_check,
            )
        )

    async def refresh_session(request: web.Request) -> web.Response:
        ttl = login_faults(request).token_ttl_seconds
        return json_response(auth.refresh(request.headers.get("Authorization"), ttl_seconds=ttl))

    public = frozenset({f"{prefix}/sessions", f"{prefix}/sessions/refresh"})
    app = web.Application(
        middlewares=[
            request_log_middleware(log),
            error_middleware(render_error, ERROR_CODES),
            _bearer_middleware(auth, prefix, public),
        ]
    )
    app[_AUTH_KEY] = auth
    app.router.add_post(f"{prefix}/sessions", create_session)
    app.router.add_post(f"{prefix}/sessions/refresh", refresh_session)
    for route in routes:
        app.router.add_route(
            route.method, prefix + route.path, _guarded(route.handler, route.entitlement)
        )
    return app


TableSource = Table[str] | Callable[[web.Request], Table[str]]
"""A table, or how to pick one per request (a vendor whose data is scoped by a parameter)."""


@dataclass(frozen=True)
class Collection:
    """A read-only resource: ``GET {path}`` (filtered, paged) and ``GET {path}/{id}``."""

    path: str
    id_param: str
    label: str
    table: TableSource
    filters: Callable[[Mapping[str, str]], list[Predicate]]
    entitlement: str | None = None
    list_view: Callable[[Row], Row] | None = None  # list items may be a subset of the detail


def _table_for(collection: Collection, request: web.Request) -> Table[str]:
    source = collection.table
    return source if isinstance(source, Table) else source(request)


def collection_routes(collection: Collection) -> list[Route]:
    async def list_rows(request: web.Request) -> web.Response:
        table = _table_for(collection, request)  # scope errors come before parameter ones
        paging = parse_page(request.query)
        rows = select(table.ordered(), collection.filters(request.query))
        page = paging.window(rows)
        if collection.list_view is not None:
            page = [collection.list_view(row) for row in page]
        return json_response(list_body(page, paging, len(rows)))

    async def get_row(request: web.Request) -> web.Response:
        row = _table_for(collection, request).get(request.match_info[collection.id_param])
        if row is None:
            raise not_found(collection.label)
        return json_response(row)

    detail = f"{collection.path}/{{{collection.id_param}}}"
    return [
        Route("GET", collection.path, list_rows, collection.entitlement),
        Route("GET", detail, get_row, collection.entitlement),
    ]
