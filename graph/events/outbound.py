"""Outbound webhooks: each API client with a ``webhook_url`` receives the events of the
dealerships it may see, POSTed one at a time in log order.

Every delivery carries ``X-Dealergraph-Event-Id`` (the event's cursor: receivers drop
repeats by it) and ``X-Dealergraph-Signature: t=<unix seconds>,v1=<hex>``, the
HMAC-SHA256 under the client's webhook secret of ``"<t>.<body>"``, so a receiver can check
both origin and age. A delivery answered with anything but 2xx (or not answered in 10 s)
is retried after 1, 2, 4 and 8 s; after the fifth failure the event goes to the client's
dead-letter list (``Query.webhookDeadLetters``) and delivery moves on. The position
delivered to is kept in the log's marks, so a restart resumes without repeating a
delivered event (an event in flight at a crash is sent again: at least once).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import Awaitable, Callable, Collection
from dataclasses import dataclass

import aiohttp

from graph.events.log import EventLog
from graph.events.model import Event

log = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Dealergraph-Signature"
EVENT_ID_HEADER = "X-Dealergraph-Event-Id"
RETRY_DELAYS = (1.0, 2.0, 4.0, 8.0)
TIMEOUT_SECONDS = 10.0


def signature(secret: bytes, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def event_body(event: Event, global_dealership_id: str, record_id: str | None) -> bytes:
    return json.dumps(
        {
            "id": str(event.cursor),
            "type": event.type.name,
            "dealershipId": global_dealership_id,
            "occurredAt": event.occurred_at.isoformat(),
            "recordId": record_id,
            "changes": event.changes,
        },
        separators=(",", ":"),
    ).encode()


@dataclass
class OutboundWebhook:
    client: str
    url: str
    secret: bytes
    dealership_ids: Collection[str]
    events: EventLog
    describe: Callable[[Event], tuple[str, str | None]]
    """An event's global dealership id and record id, as the graph shows them."""
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep

    @property
    def feed(self) -> str:
        return f"outbound:{self.client}"

    async def run(self, session: aiohttp.ClientSession) -> None:
        """Deliver forever (cancel to stop). Replicas sharing the log deliver each client's
        events from one of them: the others wait, asking for the duty again after each wait,
        so one takes over when the deliverer stops."""
        while True:
            marker = self.events.marker()
            if not await self.events.holds(self.feed) or not await self.deliver_pending(session):
                await self.events.wait(marker)

    async def deliver_pending(self, session: aiohttp.ClientSession) -> int:
        """Deliver every event past this client's mark; returns how many were handled."""
        stored = await self.events.watermark(self.feed)
        cursor = int(stored) if stored is not None else await self.events.last_cursor()
        if stored is None:  # a new subscriber starts from now
            await self.events.set_watermark(self.feed, str(cursor))
            return 0
        batch = await self.events.after(cursor, 100, dealership_ids=self.dealership_ids)
        for event in batch:
            await self._deliver(session, event)
            await self.events.set_watermark(self.feed, str(event.cursor))
        return len(batch)

    async def _deliver(self, session: aiohttp.ClientSession, event: Event) -> None:
        body = event_body(event, *self.describe(event))
        status = 0
        for delay in (*RETRY_DELAYS, None):
            status = await self._post(session, event, body)
            if 200 <= status < 300:
                return
            if delay is not None:
                await self.sleep(delay)
        tries = len(RETRY_DELAYS) + 1
        log.warning(
            "webhook to %s: event %d undelivered after %d tries", self.client, event.cursor, tries
        )
        await self.events.add_dead_letter(self.client, event.cursor, tries, status)

    async def _post(self, session: aiohttp.ClientSession, event: Event, body: bytes) -> int:
        stamp = int(self.clock())
        headers = {
            "Content-Type": "application/json",
            EVENT_ID_HEADER: str(event.cursor),
            SIGNATURE_HEADER: signature(self.secret, stamp, body),
        }
        try:
            async with session.post(
                self.url,
                data=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS),
            ) as answer:
                return answer.status
        except (aiohttp.ClientError, TimeoutError):
            return 0
