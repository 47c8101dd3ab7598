"""Request ids: one per HTTP request, accepted from ``X-Request-ID`` when it is sane or
made here, echoed in the response, put on every log line written while the request runs
(``RequestIdFilter``) and sent on to the vendors (``adapters.http``), so a request can be
followed through this server's log and the vendor's."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Awaitable, Callable
from contextvars import ContextVar

from aiohttp import web

HEADER = "X-Request-ID"
_SANE = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
CURRENT: ContextVar[str] = ContextVar("request_id", default="")
REQUEST_ID = web.RequestKey("request_id", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def request_id_of(request: web.Request) -> str:
    """The request's id (a client's own when it is 1-128 letters, digits, ``._:-``)."""
    given = request.headers.get(HEADER, "")
    # 32 hex digits as uuid4().hex wrote them, all 128 bits random (uuid4 fixes 6) and from
    # the same source: unique across replicas, a quarter of uuid4's cost.
    return given if _SANE.match(given) else os.urandom(16).hex()


@web.middleware
async def request_id_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    rid = request_id_of(request)
    request[REQUEST_ID] = rid
    token = CURRENT.set(rid)
    try:
        try:
            response = await handler(request)
        except web.HTTPException as exc:
            exc.headers[HEADER] = rid
            raise
        if not response.prepared:
            response.headers[HEADER] = rid
        return response
    finally:
        CURRENT.reset(token)


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``-`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = CURRENT.get() or "-"
        return True
