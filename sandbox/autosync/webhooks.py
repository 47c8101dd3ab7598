"""AutoSync's webhooks, sent: each change a write makes (and each simulated piece of shop
activity) is POSTed to every registered URL as the page shows it, ``{event, shop_id,
timestamp, data}``, with ``X-AutoSync-Signature``: the hex HMAC-SHA256 of the body under the
webhook secret.

The timestamp is the wall clock's (when the event is sent), not the shifted clock the
generated records use, as a receiver checks a delivery's age against its own clock. A
delivery answered with anything but 2xx is retried twice, after 0.5 s and 1 s.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp

from sandbox.common.jsonenc import dumps

SIGNATURE_HEADER = "X-AutoSync-Signature"
RETRY_DELAYS = (0.5, 1.0)


@dataclass(frozen=True, slots=True)
class Delivery:
    url: str
    event: str
    status: int
    """The receiver's HTTP status; 0 when it could not be reached."""


@dataclass
class WebhookSender:
    secret: str
    clock: Callable[[], float] = time.time
    targets: list[str] = field(default_factory=list)
    """URLs to deliver to; change at run time (``VendorHandle.state.webhooks``)."""
    deliveries: list[Delivery] = field(default_factory=list)
    _session: aiohttp.ClientSession | None = None
    _pending: set[asyncio.Task[None]] = field(default_factory=set)

    def emit(self, event: str, shop_id: int, data: dict[str, Any]) -> None:
        """Send ``event`` to every target in the background."""
        if not self.targets:
            return
        stamp = datetime.fromtimestamp(self.clock(), UTC).isoformat().replace("+00:00", "Z")
        payload = {"event": event, "shop_id": shop_id, "timestamp": stamp, "data": data}
        body = dumps(payload).encode()
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest(),
        }
        for url in list(self.targets):
            task = asyncio.get_running_loop().create_task(self._deliver(url, event, body, headers))
            self._pending.add(task)
            task.add_done_callback(self._pending.discard)

    async def _deliver(self, url: str, event: str, body: bytes, headers: dict[str, str]) -> None:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        for delay in (*RETRY_DELAYS, None):
            status = 0
            with contextlib.suppress(aiohttp.ClientError, TimeoutError):
                async with self._session.post(url, data=body, headers=headers) as answer:
                    status = answer.status
            self.deliveries.append(Delivery(url, event, status))
            if 200 <= status < 300 or delay is None:
                return
            await asyncio.sleep(delay)

    async def flush(self) -> None:
        """Wait for every delivery under way (tests)."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._pending):
            task.cancel()
        await asyncio.gather(*list(self._pending), return_exceptions=True)
        if self._session is not None:
            await self._session.close()
            self._session = None


def webhook_secret(seed: int) -> str:
    """The shop's webhook secret (Settings -> Webhooks), deterministic per seed."""
    return "whsec_" + hashlib.sha256(f"{seed}:autosync-webhooks".encode()).hexdigest()[:32]
