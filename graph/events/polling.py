"""Polling feeds: change events from the Supergood family's ``updatedFrom`` filters.

Every ``interval`` seconds each polled dealership lists, per kind it offers, the rows
updated since its high-water mark (minus ``overlap`` seconds, for rows a vendor commits
late). Each row becomes an event, keyed by its id and update time, so overlapping windows
and restarts record it once; the mark (the newest update time seen, on the vendor's clock)
is kept in the event log, so a restart resumes where the last run stopped. A feed's first
run starts at this server's now: history is not replayed as events.

Cost: one request per kind per dealership per interval when nothing changed (a page of
``PAGE_SIZE`` rows per further hundred changes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from adapters import base
from adapters.base import Capability, DmsAdapter, Window
from adapters.errors import AdapterError
from adapters.upstream_scope import UpstreamScope
from graph.events.log import EventLog
from graph.events.model import Event, EventType, NewEvent
from graph.kinds import CUSTOMERS, DEALS, LEADS, PAYMENTS, REPAIR_ORDERS, VEHICLES, Kind

log = logging.getLogger(__name__)


class PolledStore(Protocol):
    """What polling needs of a dealership (``graph.runtime.DealershipEntry``)."""

    @property
    def id(self) -> str: ...
    @property
    def store_id(self) -> str | None: ...
    @property
    def adapter(self) -> DmsAdapter: ...
    @property
    def capabilities(self) -> frozenset[Capability]: ...


PAGE_SIZE = 100
POLLER_CLIENT = "(event polling)"
POLLING_DUTY = "event polling"
"""Held by one replica of those sharing an event log (``EventLog.holds``)."""
"""The name the polls queue under for the vendors' budgets, beside the API clients."""


@dataclass(frozen=True, slots=True)
class PolledKind:
    kind: Kind[Any, Any]
    record_type: str
    since: Callable[[datetime], Any]
    """The adapter filter for rows changed since then."""
    created: EventType
    updated: EventType
    stamp: str = "updated_at"
    """The model field the vendor's filter compares."""


POLLED: tuple[PolledKind, ...] = (
    PolledKind(
        VEHICLES,
        "InventoryVehicle",
        lambda t: base.VehicleFilter(updated_since=t),
        EventType.VEHICLE_CREATED,
        EventType.VEHICLE_UPDATED,
    ),
    PolledKind(
        CUSTOMERS,
        "Customer",
        lambda t: base.CustomerFilter(updated_since=t),
        EventType.CUSTOMER_CREATED,
        EventType.CUSTOMER_UPDATED,
    ),
    PolledKind(
        LEADS,
        "Lead",
        lambda t: base.LeadFilter(updated_since=t),
        EventType.LEAD_CREATED,
        EventType.LEAD_UPDATED,
    ),
    PolledKind(
        DEALS,
        "Deal",
        lambda t: base.DealFilter(updated_since=t),
        EventType.DEAL_CREATED,
        EventType.DEAL_UPDATED,
    ),
    PolledKind(
        REPAIR_ORDERS,
        "RepairOrder",
        lambda t: base.RepairOrderFilter(updated_since=t),
        EventType.REPAIR_ORDER_CREATED,
        EventType.REPAIR_ORDER_UPDATED,
    ),
    PolledKind(
        PAYMENTS,
        "Payment",
        lambda t: base.PaymentFilter(received_since=t),
        EventType.PAYMENT_RECEIVED,
        EventType.PAYMENT_RECEIVED,
        stamp="received_at",
    ),
)


def _aware(value: Any) -> datetime | None:
    if not isinstance(value, datetime):
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Poller:
    def __init__(
        self,
        dealerships: Sequence[PolledStore],
        events: EventLog,
        *,
        interval: float,
        overlap: float = 60.0,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Any] = asyncio.sleep,
        record: Callable[[NewEvent], Awaitable[Event | None]] | None = None,
    ) -> None:
        """``record``: how an event is kept (default: appended to ``events``; the hub also
        drops the store's cached reads)."""
        self.dealerships = list(dealerships)
        self.events = events
        self._record = record or events.append
        self.interval = interval
        self.overlap = timedelta(seconds=overlap)
        self._clock = clock
        self._sleep = sleep

    def feeds(self) -> list[tuple[PolledStore, PolledKind]]:
        return [
            (entry, polled)
            for entry in self.dealerships
            for polled in POLLED
            if polled.kind.capability in entry.capabilities
        ]

    async def run(self) -> None:
        """Poll every feed, then wait ``interval``; forever (cancel to stop)."""
        while True:
            await self.round()
            await self._sleep(self.interval)

    async def round(self) -> int:
        """One polling round, by the one replica that holds the polling duty (the others
        send the vendors nothing); returns how many events were new."""
        if not await self.events.holds(POLLING_DUTY):
            return 0
        return await self.poll_all()

    async def poll_all(self) -> int:
        recorded = 0
        # Fresh reads: an answer kept by the response cache would hide the latest changes.
        with UpstreamScope(client=POLLER_CLIENT, fresh=True).opened():
            for entry, polled in self.feeds():
                try:
                    recorded += await self.poll(entry, polled)
                except AdapterError as exc:  # one store or kind down leaves the others
                    log.warning("polling %s %s: %s", entry.id, polled.kind.name, exc.code)
        return recorded

    async def poll(self, entry: PolledStore, polled: PolledKind) -> int:
        """Record the feed's changes since its mark; returns how many events were new."""
        feed = f"poll:{entry.id}:{polled.kind.name}"
        stored = await self.events.watermark(feed)
        if stored is None:
            now = datetime.fromtimestamp(self._clock(), UTC)
            await self.events.set_watermark(feed, now.isoformat())
            return 0
        mark = datetime.fromisoformat(stored)
        since = mark - self.overlap
        newest, recorded = mark, 0
        for row in await self._changed(entry, polled, since):
            stamp = _aware(getattr(row, polled.stamp, None))
            if stamp is None:
                continue
            created = _aware(getattr(row, "created_at", None))
            event_type = polled.created if created and created >= since else polled.updated
            event = NewEvent(
                type=event_type,
                dealership_id=entry.id,
                occurred_at=stamp,
                record_type=polled.record_type,
                native_id=row.id,
                dedupe_key=f"{feed}:{row.id}:{stamp.isoformat()}",
            )
            if await self._record(event) is not None:
                recorded += 1
            newest = max(newest, stamp)
        if newest > mark:
            await self.events.set_watermark(feed, newest.isoformat())
        return recorded

    async def _changed(self, entry: PolledStore, polled: PolledKind, since: datetime) -> list[Any]:
        rows: list[Any] = []
        flt = polled.since(since)
        while True:
            page = await polled.kind.list(
                entry.adapter, entry.store_id, flt, Window(len(rows), PAGE_SIZE)
            )
            rows += page.items
            if not page.has_next or not page.items:
                return rows
