"""Every request a sandbox receives, so tests can count upstream calls."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from aiohttp import web

from sandbox.common.errors import Handler


@dataclass(frozen=True, slots=True)
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    status: int
    started: float = field(default=0.0, compare=False)
    """``time.monotonic()`` when the request arrived and when it was answered, so tests can
    see which upstream calls overlapped."""
    finished: float = field(default=0.0, compare=False)
    request_id: str | None = field(default=None, compare=False)
    """The caller's ``X-Request-ID``, as a vendor's own log would keep it."""
    traceparent: str | None = field(default=None, compare=False)
    """The caller's W3C ``traceparent`` (the span that sent the request), likewise."""


class RequestLog:
    def __init__(self) -> None:
        self.entries: list[RequestRecord] = []

    def record(self, entry: RequestRecord) -> None:
        self.entries.append(entry)

    def count(self, *, method: str | None = None, path_contains: str | None = None) -> int:
        wanted = method.upper() if method else None
        return sum(
            1
            for e in self.entries
            if (wanted is None or e.method == wanted)
            and (path_contains is None or path_contains in e.path)
        )

    def reset(self) -> None:
        self.entries.clear()


def request_log_middleware(
    log: RequestLog,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Outermost middleware: records the status the client really got."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        status = 500
        started = time.monotonic()
        try:
            response = await handler(request)
            status = response.status
            return response
        except web.HTTPException as exc:
            status = exc.status
            raise
        finally:
            log.record(
                RequestRecord(
                    request.method,
                    request.path,
                    dict(request.query),
                    status,
                    started=started,
                    finished=time.monotonic(),
                    request_id=request.headers.get("X-Request-ID"),
                    traceparent=request.headers.get("traceparent"),
                )
            )

    return middleware
