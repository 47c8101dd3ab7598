"""Exactly-once writes: one upstream call per (client, idempotency key), whatever the retries.

- A replay with the same key and input gets the recorded outcome; the DMS is not called.
- The same key with different input is refused (``KeyReused``).
- Concurrent duplicates wait for the one in flight and then replay its outcome.
- A write whose outcome is unknown is sent again (with the same reference id) only to a
  vendor that deduplicates by it; otherwise the key is marked unknown and every replay says
  so, with what to reconcile, and nothing is ever sent again under it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import time
from collections.abc import Awaitable, Callable
from typing import Any

from adapters.errors import AdapterError, UpstreamOutcomeUnknown
from graph.idempotency import ClaimResult, IdempotencyRecord, IdempotencyStore, RecordState
from graph.process_identity import ProcessIdentity, this_process

Outcome = dict[str, Any]


class KeyReused(Exception):
    """The key was used before with different input."""

    def __init__(self, operation: str) -> None:
        super().__init__(operation)
        self.operation = operation


class OutcomeUnknown(Exception):
    """The write may or may not have happened; ``record`` says what to reconcile."""

    def __init__(self, message: str, reference_id: str, resendable: bool) -> None:
        super().__init__(message)
        self.message = message
        self.reference_id = reference_id
        self.resendable = resendable


def reference_id_for(client: str, key: str) -> str:
    """The id sent upstream as the vendor's ``referenceId``: stable per (client, key),
    distinct across clients that happen to pick the same key, and short enough for vendors."""
    digest = hashlib.sha256(f"{client}\x00{key}".encode()).digest()
    return "dg-" + base64.b32encode(digest).decode().rstrip("=").lower()[:26]


class ExactlyOnce:
    def __init__(
        self,
        store: IdempotencyStore,
        *,
        lease_seconds: float = 120.0,
        wait_timeout: float = 90.0,
        poll_seconds: float = 0.05,
        resend_attempts: int = 2,
        identity: ProcessIdentity | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        """``identity``: how this process signs its claims (default: its own); ``sleep``:
        the pauses between resends and polls (tests pass a recorder)."""
        self.store = store
        self._sleep = sleep
        self.identity = identity or this_process()
        self.lease_seconds = lease_seconds
        self.wait_timeout = wait_timeout
        self.poll_seconds = poll_seconds
        self.resend_attempts = resend_attempts
        self._inflight: dict[tuple[str, str], asyncio.Future[None]] = {}

    async def run(
        self,
        *,
        client: str,
        key: str,
        fingerprint: str,
        operation: str,
        idempotent_upstream: bool,
        perform: Callable[[], Awaitable[Outcome]],
    ) -> tuple[Outcome, bool]:
        """(outcome, replayed). ``perform`` makes the upstream call and returns the outcome
        to record (success or the vendor's refusal); other ``AdapterError`` s it raises
        release the key, so the client may try again with it."""
        deadline = time.monotonic() + self.wait_timeout
        while True:
            result, record = await self.store.claim(
                client, key, fingerprint, operation, self.lease_seconds, str(self.identity)
            )
            if result is ClaimResult.CLAIMED:
                return await self._perform(client, key, idempotent_upstream, perform), False
            if record.fingerprint != fingerprint or record.operation != operation:
                raise KeyReused(record.operation)
            if record.state is RecordState.DONE:
                assert record.outcome is not None
                return record.outcome, True
            if record.state is RecordState.UNKNOWN:
                raise _unknown_from(record)
            # Pending: another request with this key is in flight.
            expired = record.lease_until is not None and record.lease_until < time.time()
            if (
                expired
                or self.identity.owner_is_gone(record.owner)
                or await self.store.owner_is_gone(record.owner)
            ):
                # Its owner died mid-write; nobody knows whether the vendor got it.
                if not idempotent_upstream:
                    message = "an earlier attempt with this key stopped mid-write"
                    await self.store.mark_unknown(
                        client, key, _unknown_outcome(message, client, key, False)
                    )
                    continue
                owner = str(self.identity)
                lease = record.lease_until
                if await self.store.take_over(client, key, lease, self.lease_seconds, owner):
                    return await self._perform(client, key, idempotent_upstream, perform), False
                continue
            if time.monotonic() > deadline:
                raise OutcomeUnknown(
                    "a write with this idempotency key is still in progress",
                    reference_id_for(client, key),
                    resendable=idempotent_upstream,
                )
            await self._wait(client, key)

    async def _wait(self, client: str, key: str) -> None:
        future = self._inflight.get((client, key))
        if future is not None:
            await asyncio.shield(future)
        else:  # owned by another process: poll the store
            await self._sleep(self.poll_seconds)

    async def _perform(
        self,
        client: str,
        key: str,
        idempotent_upstream: bool,
        perform: Callable[[], Awaitable[Outcome]],
    ) -> Outcome:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._inflight[(client, key)] = done
        try:
            attempts = 1 + (self.resend_attempts if idempotent_upstream else 0)
            for attempt in range(1, attempts + 1):
                try:
                    outcome = await perform()
                except UpstreamOutcomeUnknown as exc:
                    if attempt < attempts:
                        await self._sleep(0.2 * attempt)
                        continue  # the vendor deduplicates by our reference id
                    if idempotent_upstream:
                        await self.store.release(client, key)
                    else:
                        await self.store.mark_unknown(
                            client, key, _unknown_outcome(exc.message, client, key, False)
                        )
                    raise OutcomeUnknown(
                        exc.message, reference_id_for(client, key), idempotent_upstream
                    ) from exc
                except AdapterError:
                    await self.store.release(client, key)
                    raise
                except BaseException:
                    # A fault of ours (or cancellation) mid-write: we cannot tell whether
                    # the vendor got it, so treat it as unknown rather than free the key.
                    if idempotent_upstream:
                        await self.store.release(client, key)
                    else:
                        await self.store.mark_unknown(
                            client,
                            key,
                            _unknown_outcome("the write was interrupted", client, key, False),
                        )
                    raise
                await self.store.finish(client, key, outcome)
                return outcome
            raise AssertionError("unreachable")
        finally:
            del self._inflight[(client, key)]
            done.set_result(None)


def _unknown_outcome(message: str, client: str, key: str, resendable: bool) -> Outcome:
    return {
        "message": message,
        "referenceId": reference_id_for(client, key),
        "resendable": resendable,
    }


def _unknown_from(record: IdempotencyRecord) -> OutcomeUnknown:
    outcome = record.outcome or {}
    return OutcomeUnknown(
        str(outcome.get("message", "the outcome of this write is unknown")),
        str(outcome.get("referenceId", reference_id_for(record.client, record.key))),
        resendable=bool(outcome.get("resendable", False)),
    )
