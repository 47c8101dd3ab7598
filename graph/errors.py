"""GraphQL errors that carry a machine-readable ``extensions.code``.

graphql-core copies an exception's ``extensions`` attribute into the error it reports, so
raising one of these from a resolver is all it takes. Anything else raised is an internal
fault and is masked (see ``graph.schema``).
"""

from __future__ import annotations

from typing import Any

from adapters.errors import AdapterError


class GraphError(Exception):
    code = "INTERNAL_ERROR"

    def __init__(self, message: str, *, code: str | None = None, **extra: Any) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.extensions: dict[str, Any] = {"code": self.code, **extra}


class BadUserInput(GraphError):
    code = "BAD_USER_INPUT"


class NotFound(GraphError):
    code = "NOT_FOUND"


class Forbidden(GraphError):
    code = "FORBIDDEN"


def upstream_error(exc: AdapterError, dealership_id: str) -> GraphError:
    """An adapter failure as seen by a client: its code and the dealership it concerns."""
    return GraphError(exc.message, code=exc.code, dealershipId=dealership_id)
