"""Change events in the graph: ``Query.events`` pages the log, the subscription
``dealershipEvents`` follows it live; both show only dealerships the API key may see."""

from __future__ import annotations

import base64
import binascii
import datetime
from collections.abc import AsyncGenerator, Sequence

import strawberry

from graph.context import Info
from graph.errors import BadUserInput, GraphError
from graph.events.log import EventLog
from graph.events.model import Event
from graph.events.model import EventType as Kinds
from graph.ids import encode_global_id
from graph.loaders import Loaders
from graph.nodes import resolve_node
from graph.subscription_billing import EventBilling
from graph.throttle import Allowance
from graph.types.dealership import Dealership
from graph.types.node import Node

EventType = strawberry.enum(Kinds, name="EventType", description="What happened.")
MAX_EVENTS_PAGE = 100
_PREFIX = "event:"


def encode_event_cursor(cursor: int) -> str:
    return base64.urlsafe_b64encode(f"{_PREFIX}{cursor}".encode()).decode().rstrip("=")


def decode_event_cursor(value: str) -> int:
    try:
        raw = base64.urlsafe_b64decode((value + "=" * (-len(value) % 4)).encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raw = ""
    number = raw.removeprefix(_PREFIX)
    if not raw.startswith(_PREFIX) or not number.isdigit():
        raise BadUserInput("after must be a cursor an event gave", argument="after")
    return int(number)


@strawberry.type(description="A field an event says changed, with its new value as text.")
class EventChange:
    field: str
    value: str | None


@strawberry.type(description="Something that happened at a dealership, in the order recorded.")
class DealershipEvent:
    cursor: str = strawberry.field(description="Pass as `after` to continue after this one.")
    type: EventType  # type: ignore[valid-type]
    occurred_at: datetime.datetime
    record_id: strawberry.ID | None = strawberry.field(
        description="The global id of the record it concerns, if any."
    )
    changes: list[EventChange]
    dealership_id: strawberry.Private[str]

    @classmethod
    def from_event(cls, event: Event) -> DealershipEvent:
        record = None
        if event.record_type is not None and event.native_id is not None:
            record = encode_global_id(event.record_type, event.dealership_id, event.native_id)
        return cls(
            cursor=encode_event_cursor(event.cursor),
            type=event.type,
            occurred_at=event.occurred_at,
            record_id=strawberry.ID(record) if record else None,
            changes=[EventChange(field=k, value=v) for k, v in event.changes.items()],
            dealership_id=event.dealership_id,
        )

    @strawberry.field
    def dealership(self, info: Info) -> Dealership | None:
        entry = info.context.dealership(self.dealership_id)
        return Dealership.from_entry(entry) if entry is not None else None

    @strawberry.field(
        description="The record as the DMS has it now (one vendor read; null if it is gone)."
    )
    async def record(self, info: Info) -> Node | None:
        if self.record_id is None:
            return None
        found: Node | None = await resolve_node(info, self.record_id)
        return found


@strawberry.type
class EventPage:
    nodes: list[DealershipEvent]
    end_cursor: str | None = strawberry.field(
        description="The last event's cursor (or the `after` given, when there are none)."
    )
    has_next_page: bool


def _log(info: Info) -> EventLog:
    events = info.context.runtime.events
    if events is None:
        raise GraphError("change events are not enabled on this server", code="NOT_SUPPORTED")
    return events.log


def _scope(info: Info, dealership_ids: Sequence[strawberry.ID] | None) -> list[str]:
    """The dealerships asked for that the key may see (all it sees when none are named)."""
    visible = [d.id for d in info.context.visible_dealerships()]
    if dealership_ids is None:
        return visible
    named = set()
    for value in dealership_ids:
        resolved = info.context.resolve_id(value)
        if resolved is not None and resolved[0].type_name == "Dealership":
            named.add(resolved[1].id)
    return [d for d in visible if d in named]


async def events_page(
    info: Info,
    after: str | None,
    first: int,
    dealership_ids: Sequence[strawberry.ID] | None,
    types: Sequence[Kinds] | None,
) -> EventPage:
    if not 0 < first <= MAX_EVENTS_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_EVENTS_PAGE}", argument="first")
    start = decode_event_cursor(after) if after is not None else 0
    scope = _scope(info, dealership_ids)
    found = await _log(info).after(
        start, first + 1, dealership_ids=scope, types=set(types) if types else None
    )
    page = [DealershipEvent.from_event(e) for e in found[:first]]
    return EventPage(
        nodes=page,
        end_cursor=page[-1].cursor if page else after,
        has_next_page=len(found) > first,
    )


async def follow_events(
    info: Info,
    after: str | None,
    dealership_ids: Sequence[strawberry.ID] | None,
    types: Sequence[Kinds] | None,
) -> AsyncGenerator[DealershipEvent, None]:
    """Every event after ``after`` (or from now), live, oldest first, each once."""
    log = _log(info)
    cursor = decode_event_cursor(after) if after is not None else await log.last_cursor()
    scope = _scope(info, dealership_ids)
    wanted = set(types) if types else None
    context = info.context
    billing = EventBilling(
        info.schema.cost_buckets,  # type: ignore[attr-defined]
        context.client.name,
        Allowance(context.client.cost_capacity, context.client.cost_restore_rate),
        context.event_cost,
        context.upstream,
    )
    # The scope stays current while each event's selection runs (in this task, after the
    # yield), so its vendor reads are counted, billed and queued fairly as this client's.
    with context.upstream.opened():
        try:
            while True:
                marker = log.marker()
                batch = await log.after(cursor, MAX_EVENTS_PAGE, dealership_ids=scope, types=wanted)
                for event in batch:
                    cursor = event.cursor
                    await billing.admit()
                    # A subscription lives long: each event reads the DMS afresh.
                    context.loaders = Loaders(context.runtime.dealerships)
                    yield DealershipEvent.from_event(event)
                if not batch:
                    await log.wait(marker)
        finally:
            await billing.settle()


@strawberry.type(description="An event this API key's webhook could not take after every try.")
class WebhookDeadLetter:
    event: DealershipEvent
    attempts: int
    last_status: int = strawberry.field(
        description="The receiver's last HTTP status; 0 when it could not be reached."
    )
    failed_at: datetime.datetime


async def dead_letters(info: Info, first: int) -> list[WebhookDeadLetter]:
    if not 0 < first <= MAX_EVENTS_PAGE:
        raise BadUserInput(f"first must be between 1 and {MAX_EVENTS_PAGE}", argument="first")
    found = await _log(info).dead_letters(info.context.client.name, first)
    return [
        WebhookDeadLetter(
            event=DealershipEvent.from_event(d.event),
            attempts=d.attempts,
            last_status=d.last_status,
            failed_at=d.failed_at,
        )
        for d in found
        if info.context.client.may_see(d.event.dealership_id)
    ]
