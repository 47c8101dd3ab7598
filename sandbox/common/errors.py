"""One exception for every contract error; each vendor renders it in its own body shape."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

from aiohttp import web

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ApiError(Exception):
    """A contract-level failure: HTTP status, vendor error code, human message."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        field: str | None = None,
        headers: Mapping[str, str] | None = None,
        details: Sequence[tuple[str, str]] = (),
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = dict(headers or {})
        self.details = list(details)
        """Every (field, message) a validation found; ``field`` is the first of them."""
        self.extra = dict(extra or {})
        """Members a vendor's renderer may merge into its error object (an MFA challenge);
        renderers that do not know them leave them out."""


ErrorRenderer = Callable[[ApiError], web.Response]


def invalid_parameter(field: str, message: str) -> ApiError:
    return ApiError(400, "invalid_parameter", message, field=field)


def not_found(what: str) -> ApiError:
    return ApiError(404, "not_found", f"{what} not found")


UNKNOWN_PATH = "No such resource"
"""The message of a 404 for a path the vendor does not serve."""
_REASONS = {404: UNKNOWN_PATH, 405: "Method not allowed for this resource"}


def error_middleware(
    render: ErrorRenderer, status_codes: Mapping[int, str]
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Turn ApiError, aiohttp's routing errors and crashes into the vendor's error body."""

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        try:
            return await handler(request)
        except ApiError as err:
            return render(err)
        except web.HTTPException as exc:
            if exc.status < 400:
                raise
            headers = {"Allow": exc.headers["Allow"]} if "Allow" in exc.headers else None
            code = status_codes.get(exc.status, status_codes[400])
            message = _REASONS.get(exc.status, exc.reason)
            return render(ApiError(exc.status, code, message, headers=headers))
        except Exception:
            log.exception("sandbox handler failed: %s %s", request.method, request.path)
            return render(ApiError(500, status_codes[500], "Internal server error"))

    return middleware
