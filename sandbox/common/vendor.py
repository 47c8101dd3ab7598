"""What a vendor package hands the server: an app plus what tests and clients need to know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

from sandbox.common.documented import RouteKey
from sandbox.common.errors import ErrorRenderer
from sandbox.common.faults import RateLimitHeaders, StoreOf
from sandbox.common.request_log import RequestLog


@dataclass
class VendorApp:
    name: str
    app: web.Application
    base_path: str  # appended to http://host:port to make the vendor's base URL
    credentials: dict[str, str]
    stores: list[tuple[str | None, str]]
    requests: RequestLog
    state: Any
    # What injected faults need to look like this vendor (see sandbox/common/faults.py).
    render_error: ErrorRenderer | None = None
    login_paths: frozenset[str] = frozenset()
    rate_limit_headers: RateLimitHeaders | None = None
    # Which of ``stores`` a request names, for faults limited to some stores; None for a
    # server that is one store (there ``Faults.stores`` is ignored).
    store_of: StoreOf | None = None
    # The routes not on the vendor page (docs/contracts/<vendor>.md "extrapolated"), as
    # (method, the app's path pattern); documented-only mode answers them 404.
    extrapolated: frozenset[RouteKey] = frozenset()
