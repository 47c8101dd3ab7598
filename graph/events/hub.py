"""The running event machinery of one server: the log, the webhook receivers, the pollers
and the retention sweep, started and stopped with the runtime."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from functools import partial

import aiohttp

from graph.events.autosync_webhooks import WebhookEndpoint
from graph.events.log import EventLog
from graph.events.model import Event, NewEvent
from graph.events.outbound import OutboundWebhook
from graph.events.polling import Poller

log = logging.getLogger(__name__)

SWEEP_SECONDS = 3600.0


@dataclass
class EventHub:
    log: EventLog
    webhooks: Mapping[str, WebhookEndpoint]
    """AutoSync connection id -> its receiver (connections with a ``webhook_secret``)."""
    poller: Poller | None
    webhook_max_age_seconds: float
    retention_seconds: float
    clock: Callable[[], float] = time.time
    forget_cached: Callable[[str], None] = lambda dealership_id: None
    """Drops a dealership's cached reads when an event says they may be stale."""
    outbound: list[OutboundWebhook] = field(default_factory=list)
    """The API clients' webhooks, delivered over ``session``."""
    session: aiohttp.ClientSession | None = None
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def record(self, event: NewEvent) -> Event | None:
        """Keep ``event`` (once) and let the store's next reads meet the DMS."""
        recorded = await self.log.append(event)
        if recorded is not None:
            self.forget_cached(event.dealership_id)
        return recorded

    def start(self) -> None:
        if self.poller is not None:
            self._tasks.append(asyncio.create_task(self._forever(self.poller.run)))
        for hook in self.outbound:
            assert self.session is not None
            run = partial(hook.run, self.session)
            self._tasks.append(asyncio.create_task(self._forever(run)))
        self._tasks.append(asyncio.create_task(self._forever(self._sweep)))

    async def _sweep(self) -> None:
        while True:
            dropped = await self.log.purge(self.retention_seconds)
            if dropped:
                log.info("event log: %d events past retention dropped", dropped)
            await asyncio.sleep(SWEEP_SECONDS)

    @staticmethod
    async def _forever(run: Callable[[], Awaitable[None]]) -> None:
        # A fault in one round must not end the feed: log it and start again.
        while True:
            try:
                await run()
                return
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("event task failed; restarting in 5 s")
                await asyncio.sleep(5)

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks.clear()
        await self.log.close()
