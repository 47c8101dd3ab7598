"""Start vendor sandboxes on the caller's event loop and hand back what clients need."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import TracebackType
from typing import Any

from aiohttp import web

from adapters.vendors import VENDORS, load
from sandbox.common.documented import RouteKey, documented_only_middleware, served_routes
from sandbox.common.faults import FAULTS_KEY, Faults, fault_rng, faults_middleware
from sandbox.common.request_log import RequestLog
from sandbox.common.vendor import VendorApp
from sandbox.options import DEFAULT_OPTIONS, SandboxOptions

# Started in name order by default, as they always were.
VENDOR_FACTORIES: dict[str, Callable[[SandboxOptions], VendorApp]] = {
    v.name: load(v.sandbox) for v in sorted(VENDORS, key=lambda v: v.name)
}


@dataclass
class VendorHandle:
    """One running vendor server."""

    name: str
    base_url: str
    credentials: dict[str, str]
    stores: list[tuple[str | None, str]]
    requests: RequestLog
    state: Any
    faults: Faults = field(default_factory=Faults)
    routes: frozenset[RouteKey] = frozenset()
    """Every route served: (method, path pattern, e.g. ``/v1/shops/{shop_id}/vehicles``)."""
    extrapolated: frozenset[RouteKey] = frozenset()
    """Those of ``routes`` not on the vendor page."""
    _runner: web.AppRunner | None = field(default=None, repr=False, compare=False)

    def code_login_credentials(self, method: str) -> dict[str, str]:
        """The credentials of this Supergood-family vendor's login whose MFA is a code sent
        by ``method`` ("sms" or "email"): no TOTP secret, so a client must wait for a
        person's code (the sandbox logs each one it sends)."""
        users = getattr(self.state, "mfa_users", None)
        if not users or method not in users:
            raise ValueError(f"{self.name} has no login with {method!r} MFA")
        user = users[method]
        kept = {k: v for k, v in self.credentials.items() if k != "totp_secret"}
        return {**kept, "username": user.username, "password": user.password}

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


@dataclass
class RunningSandbox:
    vendors: dict[str, VendorHandle]

    async def stop(self) -> None:
        for handle in self.vendors.values():
            await handle.stop()

    async def __aenter__(self) -> RunningSandbox:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def serve_vendor(
    vendor: VendorApp,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    latency_seconds: float = 0.0,
    faults: Faults | None = None,
    seed: int = DEFAULT_OPTIONS.seed,
    documented_only: bool = False,
    sleep: Callable[[float], Awaitable[None]] | None = None,
) -> VendorHandle:
    """Serve one vendor app on ``host:port`` (0 picks a free port).

    ``faults`` is used as given (not copied); without it only ``latency_seconds`` is set.
    ``documented_only``: the vendor's extrapolated routes answer its 404 (see
    ``sandbox.common.documented``). ``sleep``: what injected latencies wait on (None:
    ``asyncio.sleep``).
    """
    if faults is None:
        faults = Faults(latency_seconds=latency_seconds)
    middleware = faults_middleware(
        faults,
        rng=fault_rng(seed, vendor.name),
        render_error=vendor.render_error,
        login_paths=vendor.login_paths,
        rate_limit_headers=vendor.rate_limit_headers,
        store_of=vendor.store_of,
        sleep=sleep or asyncio.sleep,
    )
    # Inside the request log, so logged requests include the injected ones.
    vendor.app.middlewares.insert(1, middleware)
    if documented_only:
        if vendor.render_error is None:
            raise ValueError(f"{vendor.name}: documented-only mode needs its error renderer")
        # Innermost, so a blocked route meets the vendor's auth and limits as any 404 does.
        vendor.app.middlewares.append(
            documented_only_middleware(vendor.app, vendor.extrapolated, vendor.render_error)
        )
    vendor.app[FAULTS_KEY] = faults
    runner = web.AppRunner(vendor.app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound_host, bound_port = runner.addresses[0][:2]
    except BaseException:
        await runner.cleanup()
        raise
    url_host = f"[{bound_host}]" if ":" in str(bound_host) else bound_host
    return VendorHandle(
        name=vendor.name,
        base_url=f"http://{url_host}:{bound_port}{vendor.base_path}",
        credentials=dict(vendor.credentials),
        stores=list(vendor.stores),
        requests=vendor.requests,
        state=vendor.state,
        faults=faults,
        routes=served_routes(vendor.app),
        extrapolated=vendor.extrapolated,
        _runner=runner,
    )


async def start_sandbox(
    options: SandboxOptions = DEFAULT_OPTIONS,
    *,
    host: str = "127.0.0.1",
    ports: Mapping[str, int] | None = None,
    vendors: Sequence[str] = tuple(VENDOR_FACTORIES),
) -> RunningSandbox:
    unknown = [v for v in vendors if v not in VENDOR_FACTORIES]
    if unknown:
        raise ValueError(f"unknown sandbox vendor(s) {unknown}; known: {sorted(VENDOR_FACTORIES)}")
    unknown = [v for v in options.faults or {} if v not in VENDOR_FACTORIES]
    if unknown:
        raise ValueError(f"faults for unknown sandbox vendor(s) {unknown}")
    running = RunningSandbox(vendors={})
    try:
        for name in vendors:
            app = VENDOR_FACTORIES[name](options)
            port = (ports or {}).get(name, 0)
            running.vendors[name] = await serve_vendor(
                app,
                host=host,
                port=port,
                faults=_initial_faults(options, name),
                seed=options.seed,
                documented_only=options.documented_only,
                sleep=options.sleep,
            )
    except BaseException:
        await running.stop()
        raise
    return running


def _initial_faults(options: SandboxOptions, vendor: str) -> Faults:
    """A copy per server, so changing one at run time leaves the options untouched;
    ``latency_ms`` applies unless the vendor's own faults set a latency."""
    given = (options.faults or {}).get(vendor)
    if given is None:
        return Faults(latency_seconds=options.latency_ms / 1000)
    faults = replace(given)
    if faults.latency_seconds == 0:
        faults.latency_seconds = options.latency_ms / 1000
    return faults
