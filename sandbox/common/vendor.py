"""What a vendor package hands the server: an app plus what tests and clients need to know."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp import web

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
