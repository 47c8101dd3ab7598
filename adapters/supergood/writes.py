"""Write helpers the Supergood-family vendors share (AutoSoft, Auto/Mate, Dealertrack,
DealerCenter): their common body shapes, the record a write made, and the answer every
family write gives (an id, ``status``, ``referenceId``, ``createdAt``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from adapters.commands import (
    Contact,
    DealChanges,
    LenderDecision,
    PaymentEstimate,
    WriteOutcome,
    written_record,
)
from adapters.convert import Raw, decimal, ident, integer, mapped, obj, text, timestamp
from adapters.fieldmap import written_as
from adapters.http import dumps, loads
from adapters.models import Canonical, DealStatus, Fee, FinanceProduct, VehicleRef
from adapters.supergood import fields as family
from adapters.supergood.mapping import ADDRESS, VEHICLE_REF
from adapters.writes import FieldNames, address_body, compact, spelled

Extra = Callable[[Raw], dict[str, Any]]


def e164(number: str) -> str:
    """A phone number as the family files it (``+15551234567``). Ten digits are a North
    American number (the dealership's own market); anything else unprefixed goes as typed,
    for the vendor to refuse in its own words."""
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.strip().startswith("+"):
        return "+" + digits
    if len(digits) == 10:
        return "+1" + digits
    if len(digits) == 11 and digits.startswith("1"):
        return "+" + digits
    return number


def person_body(contact: Contact) -> dict[str, Any]:
    """A person as the family's reads take them (``fields.CONTACT``), with an address."""
    return {
        **written_as(contact, family.CONTACT),
        "address": address_body(contact.address, ADDRESS),
    }


def vehicle_body(ref: VehicleRef | None) -> dict[str, Any] | None:
    return written_as(ref, VEHICLE_REF) if ref is not None else None


def lender_decision_body(decision: LenderDecision | None) -> dict[str, Any] | None:
    """A lender's answer as the Supergood-family deal updates take it."""
    if decision is None:
        return None
    return {
        "lenderId": decision.lender_id,
        "decision": decision.decision,
        "approvedApr": decision.approved_apr,
    }


def deal_change_body(
    vendor: str,
    statuses: Mapping[DealStatus, str],
    changes: DealChanges,
    reference_id: str,
    **figures: dict[str, Any],
) -> dict[str, Any]:
    """A family deal update (PATCH): the status in the vendor's words, the lender's decision,
    the vendor's own figure groups, and the update's reference id."""
    return {
        "status": spelled(vendor, "status", statuses, changes.status),
        "lenderDecision": lender_decision_body(changes.lender_decision),
        **figures,
        "referenceId": reference_id,
    }


def deal_change_fields(figures: Mapping[str, str]) -> FieldNames:
    """The field names of ``deal_change_body``, given the figures' (vendor path -> field)."""
    return FieldNames(
        exact={**figures, "status": "status"}, prefixes={"lenderDecision": "lender_decision"}
    )


def written(
    mapper: Callable[[Raw], Canonical],
    body: Raw,
    answer: Raw,
    vendor: str,
    *,
    change: bool = False,
) -> Canonical | None:
    """The record a Supergood-family write made: the vendor's read mapping over the request
    as it went on the wire, overlaid with the 2xx answer (its id, number, status and figures
    win). The family's reads of a created record are those same fields (the contracts).

    ``change``: a PATCH, whose record holds the changes only, and whose ``referenceId`` is
    the change's own key, not the one the record was created under."""
    record = {**loads(dumps(compact(body)).encode()), **answer}
    if change:
        record["referenceId"] = None
    return written_record(mapper, record, source=f"{vendor} write answer")


def outcome(
    raw: Raw,
    id_field: str,
    extra: Extra = lambda _: {},
    *,
    vendor: str,
    record: Canonical | None = None,
) -> WriteOutcome:
    """An answer's id, the fields every family write answer shares, ``extra``'s, and the
    ``record`` written (see ``written``)."""

    def read(r: Raw) -> WriteOutcome:
        return WriteOutcome(
            id=ident(r[id_field]),
            status_raw=text(r.get("status")),
            reference_id=text(r.get("referenceId")),
            occurred_at=timestamp(r.get("createdAt") or r.get("updatedAt")),
            record=record,
            **extra(r),
        )

    return mapped(read, raw, source=f"{vendor} write answer")


def recorded(
    vendor: str,
    mapper: Callable[[Raw], Canonical],
    body: Raw,
    raw: Raw,
    id_field: str,
    extra: Extra = lambda _: {},
    *,
    change: bool = False,
) -> WriteOutcome:
    """The outcome of a write whose record the vendor's read ``mapper`` gives (``written``)."""
    record = written(mapper, body, raw, vendor, change=change)
    return outcome(raw, id_field, extra, vendor=vendor, record=record)


def estimate(raw: Any) -> PaymentEstimate | None:
    options = obj(raw)
    monthly = decimal(options.get("monthly"))
    if monthly is None:
        return None
    return PaymentEstimate(
        monthly=monthly,
        term_months=integer(options.get("termMonths")),
        apr=decimal(options.get("apr")),
    )


def products_body(products: Iterable[FinanceProduct]) -> list[dict[str, Any]]:
    """F&I products as the family's deal bodies list them."""
    return [{"code": p.code, "name": p.name, "price": p.price} for p in products]


def fees_body(fees: Iterable[Fee]) -> list[dict[str, Any]]:
    """Fee lines with their description (Auto/Mate, DealerCenter)."""
    return [{"code": f.code, "description": f.description, "amount": f.amount} for f in fees]
