"""GraphQL errors that carry a machine-readable ``extensions.code``.

graphql-core copies an exception's ``extensions`` attribute into the error it reports, so
raising one of these from a resolver is all it takes. Anything else raised is an internal
fault and is masked (see ``graph.schema``).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from typing import Any

from adapters.commands import WriteOperation
from adapters.errors import AdapterError, NotSupported, UpstreamRateLimited
from graph.ids import encode_global_id


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


def require_scope(held: Collection[str], scope: str) -> None:
    """Refuse, before anything is sent, a write the API key's scopes do not cover."""
    if scope not in held:
        raise Forbidden(f"this API key lacks the {scope!r} scope", scope=scope)


def dealership_error(message: str, code: str, dealership_id: str) -> GraphError:
    """An error about one dealership; ``dealershipId`` equals that Dealership's ``id``."""
    return GraphError(
        message,
        code=code,
        dealershipId=encode_global_id("Dealership", dealership_id, dealership_id),
    )


def upstream_error(exc: AdapterError, dealership_id: str) -> GraphError:
    """An adapter failure as seen by a client: its code and the dealership it concerns;
    for ``UPSTREAM_RATE_LIMITED``, ``retryAfter``: whole seconds (rounded up) until the
    vendor's budget is expected to have room, where known."""
    message = _in_graphql_terms(exc) if isinstance(exc, NotSupported) else exc.message
    error = dealership_error(message, exc.code, dealership_id)
    if isinstance(exc, UpstreamRateLimited) and exc.retry_after is not None:
        error.extensions["retryAfter"] = max(0, math.ceil(exc.retry_after))
    return error


# Mutations whose names are not the write operation's camel-cased.
_MUTATION_NAMES = {WriteOperation.SCHEDULE_APPOINTMENT.value: "scheduleServiceAppointment"}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def mutation_name(operation: WriteOperation) -> str:
    """The GraphQL mutation that performs ``operation``."""
    return _MUTATION_NAMES.get(operation.value, _camel(operation.value))


def _in_graphql_terms(exc: NotSupported) -> str:
    """What the DMS lacks, named as the client named it (``repairOrders``, ``createLead``)."""
    if exc.capability in {w.value for w in WriteOperation}:
        name = mutation_name(WriteOperation(exc.capability))
        return f"{exc.dms.value} does not accept {name}; see the dealership's supportedWrites"
    return f"{exc.dms.value} has no {_camel(exc.capability)} list; see its capabilities"
