"""AutoSync's webhooks: ``POST /webhooks/autosync/{connection id}``.

The page documents the payload (``event``, ``shop_id``, ``timestamp``, ``data``) and the
``X-AutoSync-Signature`` header, an HMAC-SHA256 of the payload with the webhook secret
(hex; a ``sha256=`` prefix is accepted). The signature is checked over the raw body, in
constant time, before anything is parsed; a delivery older than the configured window is
refused (a replayed capture); each of the eight documented events becomes a canonical
event, recorded once however often it is delivered. Events for shops this server does not
serve, or of kinds the page does not list, are acknowledged and dropped, so AutoSync does
not retry them.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import web

from graph.events.model import Event, EventType, NewEvent

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-AutoSync-Signature"
PATH = "/webhooks/autosync/{connection_id}"
FUTURE_SKEW_SECONDS = 300.0
"""How far ahead of this server's clock a delivery's timestamp may be (clock skew)."""

# event -> (canonical type, graph type of the record, the data member holding its id)
EVENTS: dict[str, tuple[EventType, str, str]] = {
    "workorder.created": (EventType.REPAIR_ORDER_CREATED, "RepairOrder", "id"),
    "workorder.updated": (EventType.REPAIR_ORDER_UPDATED, "RepairOrder", "id"),
    "workorder.completed": (EventType.REPAIR_ORDER_COMPLETED, "RepairOrder", "id"),
    "payment.received": (EventType.PAYMENT_RECEIVED, "Payment", "id"),
    "customer.created": (EventType.CUSTOMER_CREATED, "Customer", "id"),
    "appointment.created": (EventType.APPOINTMENT_CREATED, "ServiceAppointment", "id"),
    # A DVI belongs to a work order: the event points at the order it was done on.
    "inspection.completed": (EventType.INSPECTION_COMPLETED, "RepairOrder", "work_order_id"),
    "inventory.low_stock": (EventType.PART_LOW_STOCK, "Part", "id"),
}


@dataclass(frozen=True, slots=True)
class WebhookEndpoint:
    """One AutoSync connection's receiver: its secret and the dealership of each shop."""

    connection_id: str
    secret: bytes = field(repr=False)
    dealerships: Mapping[str, str]
    """Shop id (as configured ``store_id``) -> dealership id."""


def sign(secret: bytes, body: bytes) -> str:
    return hmac.new(secret, body, hashlib.sha256).hexdigest()


def signature_is_valid(secret: bytes, body: bytes, header: str | None) -> bool:
    if not header:
        return False
    given = header.strip().removeprefix("sha256=").lower()
    return hmac.compare_digest(given, sign(secret, body))


def _camel(key: str) -> str:
    head, *rest = key.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _changes(data: Mapping[str, Any], prefix: str = "") -> dict[str, str | None]:
    """The data's scalar members, dotted and camel-cased (``customer.name``)."""
    out: dict[str, str | None] = {}
    for key, value in data.items():
        name = prefix + _camel(str(key))
        if isinstance(value, Mapping):
            out.update(_changes(value, name + "."))
        elif not isinstance(value, list):
            out[name] = None if value is None else str(value)
    return out


def _timestamp(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def to_event(
    payload: Any, endpoint: WebhookEndpoint, now: float, max_age_seconds: float
) -> NewEvent | None:
    """The canonical event a verified delivery carries; None for one to drop."""
    if not isinstance(payload, Mapping):
        raise Refused(400, "BAD_USER_INPUT", "the payload is not a JSON object")
    occurred = _timestamp(payload.get("timestamp"))
    if occurred is None:
        raise Refused(400, "BAD_USER_INPUT", "the payload has no valid timestamp")
    age = now - occurred.timestamp()
    if age > max_age_seconds or age < -FUTURE_SKEW_SECONDS:
        raise Refused(400, "STALE_DELIVERY", "the delivery is outside the accepted window")
    known = EVENTS.get(str(payload.get("event")))
    dealership_id = endpoint.dealerships.get(str(payload.get("shop_id")))
    if known is None or dealership_id is None:
        return None
    event_type, record_type, id_member = known
    data = payload.get("data") if isinstance(payload.get("data"), Mapping) else {}
    native = data.get(id_member)
    native_id = None if native is None else str(native)
    return NewEvent(
        type=event_type,
        dealership_id=dealership_id,
        occurred_at=occurred,
        record_type=record_type if native_id is not None else None,
        native_id=native_id,
        changes=_changes(data),
        dedupe_key=(
            f"autosync:{payload.get('event')}:{payload.get('shop_id')}:{native_id}:"
            f"{payload.get('timestamp')}"
        ),
    )


def _answer(status: int, **body: Any) -> web.Response:
    return web.json_response(body, status=status)


def webhook_handler(
    endpoints: Mapping[str, WebhookEndpoint],
    record: Callable[[NewEvent], Awaitable[Event | None]],
    *,
    max_age_seconds: float,
    clock: Callable[[], float],
) -> Callable[[web.Request], Any]:
    async def receive(request: web.Request) -> web.Response:
        endpoint = endpoints.get(request.match_info["connection_id"])
        if endpoint is None:
            return _answer(404, code="NOT_FOUND", message="no AutoSync webhook receiver here")
        body = await request.read()
        if not signature_is_valid(endpoint.secret, body, request.headers.get(SIGNATURE_HEADER)):
            return _answer(401, code="BAD_SIGNATURE", message="missing or wrong signature")
        try:
            event = to_event(json.loads(body), endpoint, clock(), max_age_seconds)
        except ValueError:
            return _answer(400, code="BAD_USER_INPUT", message="the body is not JSON")
        except Refused as refused:
            return _answer(refused.status, code=refused.code, message=refused.message)
        if event is None:
            log.info(
                "autosync webhook to %s ignored: event or shop not served", endpoint.connection_id
            )
            return _answer(202, recorded=False)
        recorded = await record(event)
        return _answer(200, recorded=recorded is not None)

    return receive
