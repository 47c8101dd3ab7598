"""The one path every mutation takes: scope, dealership, support, validation, exactly once.

1. The API key must hold the write's scope (else FORBIDDEN, nothing sent).
2. The dealership must be visible to the key (else a user error; ids are not followed).
3. Its DMS must accept the write (else NOT_SUPPORTED_BY_DMS).
4. The input is validated and turned into a canonical command (else user errors).
5. The command runs exactly once per (client, idempotency key) and its outcome is recorded.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import strawberry

from adapters.base import DmsAdapter
from adapters.commands import Command, WriteOperation, WriteOutcome
from adapters.errors import AdapterError, NotSupported, UpstreamRejected
from graph.context import Info
from graph.errors import GraphError, dealership_error, require_scope, upstream_error
from graph.exactly_once import KeyReused, OutcomeUnknown, reference_id_for
from graph.kinds import Kind
from graph.mutations.checks import Checks, UserError, UserErrorCode
from graph.runtime import DealershipEntry
from graph.types.convert import to_node
from graph.types.registry import graph_type

SCOPES: dict[WriteOperation, str] = {
    WriteOperation.CREATE_LEAD: "leads",
    WriteOperation.UPSERT_CUSTOMER: "customers",
    WriteOperation.CREATE_DEAL: "deals",
    WriteOperation.UPDATE_DEAL: "deals",
    WriteOperation.POST_PAYMENT: "payments",
    WriteOperation.SCHEDULE_APPOINTMENT: "service",
    WriteOperation.CREATE_SERVICE_VEHICLE: "service",
    WriteOperation.CREATE_REPAIR_ORDER: "service",
    WriteOperation.SET_PART_STOCK: "service",
    WriteOperation.POST_JOURNAL_ENTRY: "accounting",
}
MAX_KEY_LENGTH = 255

log = logging.getLogger(__name__)

Send = Callable[[DmsAdapter, str | None, Any, str], Awaitable[WriteOutcome]]


@dataclass
class WriteResult:
    entry: DealershipEntry | None
    outcome: WriteOutcome | None = None
    user_errors: list[UserError] = field(default_factory=list)
    replayed: bool = False
    reference_id: str | None = None


def _fingerprint(operation: WriteOperation, target_id: str, command: Command) -> str:
    """Same operation, same target (dealership, deal, account) and same validated input."""
    canonical = json.dumps(
        {
            "operation": operation.value,
            "target": target_id,
            "input": command.model_dump(mode="json"),
        },
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def input_path(draft_field: str | None, known: dict[str, list[str]] | None) -> list[str]:
    """The GraphQL input path of a canonical draft field a vendor refused.

    Drafts are flat where inputs nest (``selling_price`` is ``pricing.sellingPrice``), so a
    mutation names its nested fields; the rest map by camel-casing each part.
    """
    if not draft_field:
        return []
    if known and draft_field in known:
        return known[draft_field]
    return [_camel(part) for part in draft_field.replace("[", ".").replace("]", "").split(".")]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(word.capitalize() for word in rest)


def _check_key(key: str, checks: Checks) -> None:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        checks.fail(
            ("idempotencyKey",),
            UserErrorCode.INVALID_VALUE,
            f"must be 1 to {MAX_KEY_LENGTH} printable characters",
        )


async def execute_write(
    info: Info,
    *,
    operation: WriteOperation,
    target_id: strawberry.ID,
    target_types: set[str],
    idempotency_key: str,
    build: Callable[[Checks], Command | None],
    send: Send,
    field_paths: dict[str, list[str]] | None = None,
) -> WriteResult:
    """``target_id`` names the dealership, or an object within it (a deal, an account)."""
    ctx = info.context
    require_scope(ctx.client.scopes, SCOPES[operation])

    resolved = ctx.resolve_id(target_id)
    if resolved is None or resolved[0].type_name not in target_types:
        names = " or ".join(sorted(target_types))
        error = UserError(
            field=["id" if "Dealership" not in target_types else "dealershipId"],
            code=UserErrorCode.UNKNOWN_ID,
            message=f"not the id of a {names} this API key may see",
        )
        return WriteResult(entry=None, user_errors=[error])
    gid, entry = resolved
    adapter = entry.adapter
    if operation not in adapter.writes:
        raise upstream_error(NotSupported(entry.dms, operation), entry.id)

    checks = Checks(ctx, entry)
    _check_key(idempotency_key, checks)
    command = build(checks)
    if not checks.ok or command is None:
        return WriteResult(entry=entry, user_errors=checks.errors)

    client = ctx.client.name
    reference_id = reference_id_for(client, idempotency_key)

    async def perform() -> dict[str, Any]:
        try:
            outcome = await send(adapter, entry.store_id, command, reference_id)
        except UpstreamRejected as exc:
            # The vendor's refusal is an outcome too: a replay returns it, unchanged.
            return {"rejected": {"field": exc.field, "message": exc.message}}
        return {"ok": outcome.model_dump(mode="json")}

    try:
        recorded, replayed = await ctx.runtime.exactly_once.run(
            client=client,
            key=idempotency_key,
            fingerprint=_fingerprint(operation, gid.encode(), command),
            operation=operation.value,
            idempotent_upstream=operation in adapter.idempotent_writes,
            perform=perform,
        )
    except KeyReused:
        error = UserError(
            field=["idempotencyKey"],
            code=UserErrorCode.IDEMPOTENCY_KEY_REUSED,
            message="this idempotency key was already used with different input",
        )
        return WriteResult(entry=entry, user_errors=[error])
    except OutcomeUnknown as exc:
        raise _unknown(exc, entry) from exc
    except AdapterError as exc:
        raise upstream_error(exc, entry.id) from exc

    result = WriteResult(entry=entry, replayed=replayed, reference_id=reference_id)
    if "rejected" in recorded:
        rejected = recorded["rejected"]
        result.user_errors = [
            UserError(
                field=input_path(rejected.get("field"), field_paths),
                code=UserErrorCode.REJECTED_BY_DMS,
                message=rejected["message"],
            )
        ]
    else:
        result.outcome = WriteOutcome.model_validate(recorded["ok"])
    return result


def _unknown(exc: OutcomeUnknown, entry: DealershipEntry) -> GraphError:
    advice = (
        "sending the same mutation with the same idempotencyKey again is safe"
        if exc.resendable
        else "check the DMS for this record before writing again (by the reference "
        f"{exc.reference_id} where the DMS keeps one); this key will not be sent again"
    )
    error = dealership_error(f"{exc.message}: {advice}", "OUTCOME_UNKNOWN", entry.id)
    error.extensions["referenceId"] = exc.reference_id
    error.extensions["safeToRetry"] = exc.resendable
    return error


async def load_written(info: Info, kind: Kind[Any, Any], result: WriteResult) -> Any:
    """The record a write created or changed: read fresh from the DMS where it can be, else
    as the DMS's 2xx answer (and the input) described it (``WriteOutcome.record``). The DMS
    took the write either way, so a failed read-back never turns it into an error."""
    outcome, entry = result.outcome, result.entry
    if outcome is None or entry is None:
        return None
    fresh = await _read_back(info, kind, entry, outcome.id)
    model = fresh if fresh is not None else outcome.record
    return None if model is None else to_node(graph_type(kind), model, entry.id)


async def _read_back(
    info: Info, kind: Kind[Any, Any], entry: DealershipEntry, vendor_id: str
) -> Any:
    """The record from the DMS's read endpoint; None when it is not there (the tenant may
    not have that endpoint: most detail reads are extrapolated) or the read fails."""
    key = (entry.id, vendor_id)
    loader = info.context.loaders[kind]
    loader.clear(key)  # read after write: never an earlier read of this request
    try:
        return await loader.load(key)
    except Exception as exc:
        # Adapter errors say nothing secret (adapters.errors); anything else, only its type.
        said = exc.message if isinstance(exc, GraphError | AdapterError) else type(exc).__name__
        log.warning(
            "%s %s at %s was written, but reading it back failed (%s); answering from the "
            "DMS's write answer",
            kind.name,
            vendor_id,
            entry.id,
            said,
        )
        return None
