"""What an exactly-once write records and reports in each state, on the embedded SQLite store:
the outcome recorded when a write's fate is unknown, what a replay of such a key says, the
resends a deduplicating vendor gets (and their pauses), and how a duplicate waits for the
write in flight. Pauses run on a recorder, never on the wall clock."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.errors import UpstreamOutcomeUnknown
from graph.exactly_once import ExactlyOnce, KeyReused, OutcomeUnknown, reference_id_for
from graph.idempotency import RecordState, SqliteIdempotencyStore
from graph.process_identity import this_process

REFERENCE = "dg-qwhlbm22i4263niw2hyni26xs5"
"""reference_id_for("web", "k-1"): vendors deduplicate resends by it, across restarts and
releases, so it must never change."""


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SqliteIdempotencyStore]:
    s = SqliteIdempotencyStore(tmp_path / "idem.sqlite3")
    yield s
    await s.close()


class Pauses:
    """Records each pause asked for; ``on_pause`` may change the world meanwhile."""

    def __init__(self) -> None:
        self.asked: list[float] = []
        self.on_pause: Any = None

    async def __call__(self, seconds: float) -> None:
        self.asked.append(seconds)
        if self.on_pause is not None:
            await self.on_pause()


class Upstream:
    def __init__(self, *script: Any) -> None:
        self.calls = 0
        self.script = list(script)

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        result = self.script[min(self.calls, len(self.script)) - 1]
        if isinstance(result, BaseException):
            raise result
        return dict(result)


def write(once: ExactlyOnce, perform: Any, *, idem: bool = False, op: str = "create_lead") -> Any:
    return once.run(
        client="web",
        key="k-1",
        fingerprint="f1",
        operation=op,
        idempotent_upstream=idem,
        perform=perform,
    )


def test_reference_ids_are_stable_and_short() -> None:
    assert reference_id_for("web", "k-1") == REFERENCE
    assert reference_id_for("webk", "-1") != REFERENCE, "client and key are kept apart"


async def test_the_same_key_for_another_operation_is_refused_naming_the_first(
    store: SqliteIdempotencyStore,
) -> None:
    once = ExactlyOnce(store)
    await write(once, Upstream({"id": "ld_1"}))
    upstream = Upstream({"id": "ro_1"})
    with pytest.raises(KeyReused) as refused:
        await write(once, upstream, op="create_repair_order")  # same input fingerprint
    assert refused.value.operation == "create_lead"
    assert str(refused.value) == "create_lead"
    assert upstream.calls == 0


async def test_a_claim_is_signed_by_this_process_for_the_lease(
    store: SqliteIdempotencyStore,
) -> None:
    seen: list[Any] = []

    async def perform() -> dict[str, Any]:
        seen.append(await store.get("web", "k-1"))
        return {"id": "ld_1"}

    await write(ExactlyOnce(store), perform)
    (record,) = seen
    assert record.state is RecordState.PENDING
    assert record.owner == str(this_process())
    assert record.lease_until - record.created_at == pytest.approx(120.0)


async def test_an_unknown_outcome_is_recorded_with_what_to_reconcile(
    store: SqliteIdempotencyStore,
) -> None:
    once = ExactlyOnce(store, sleep=Pauses())
    with pytest.raises(OutcomeUnknown) as unknown:
        await write(once, Upstream(UpstreamOutcomeUnknown("timed out after sending")))
    assert (unknown.value.message, str(unknown.value)) == ("timed out after sending",) * 2
    assert (unknown.value.reference_id, unknown.value.resendable) == (REFERENCE, False)
    record = await store.get("web", "k-1")
    assert record is not None and record.state is RecordState.UNKNOWN
    assert record.outcome == {
        "message": "timed out after sending",
        "referenceId": REFERENCE,
        "resendable": False,
    }
    # A replay reports the same, and sends nothing.
    again = Upstream({"id": "ld_1"})
    with pytest.raises(OutcomeUnknown) as replayed:
        await write(once, again)
    assert (replayed.value.message, replayed.value.reference_id) == (
        "timed out after sending",
        REFERENCE,
    )
    assert replayed.value.resendable is False
    assert again.calls == 0


async def test_an_interrupted_write_is_recorded_as_interrupted(
    store: SqliteIdempotencyStore,
) -> None:
    with pytest.raises(RuntimeError):
        await write(ExactlyOnce(store), Upstream(RuntimeError("a bug of ours mid-write")))
    record = await store.get("web", "k-1")
    assert record is not None and record.outcome == {
        "message": "the write was interrupted",
        "referenceId": REFERENCE,
        "resendable": False,
    }


async def test_a_replay_reports_what_the_unknown_record_says(
    store: SqliteIdempotencyStore,
) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", 120.0)
    left = {"message": "left by a newer version", "referenceId": "dg-x", "resendable": True}
    await store.mark_unknown("web", "k-1", left)
    with pytest.raises(OutcomeUnknown) as unknown:
        await write(ExactlyOnce(store), Upstream({"id": "ld_1"}))
    assert (unknown.value.message, unknown.value.reference_id) == (
        "left by a newer version",
        "dg-x",
    )
    assert unknown.value.resendable is True


@pytest.mark.parametrize("outcome", [{}, {"note": "no fields"}])
async def test_a_replay_of_an_unknown_record_without_details_uses_the_defaults(
    store: SqliteIdempotencyStore, outcome: dict[str, Any]
) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", 120.0)
    await store.mark_unknown("web", "k-1", outcome)
    with pytest.raises(OutcomeUnknown) as unknown:
        await write(ExactlyOnce(store), Upstream({"id": "ld_1"}))
    assert unknown.value.message == "the outcome of this write is unknown"
    assert (unknown.value.reference_id, unknown.value.resendable) == (REFERENCE, False)


async def test_a_deduplicating_vendor_gets_two_resends_with_growing_pauses_then_the_key_is_freed(
    store: SqliteIdempotencyStore,
) -> None:
    pauses = Pauses()
    once = ExactlyOnce(store, sleep=pauses)
    upstream = Upstream(UpstreamOutcomeUnknown("reset after sending"))
    with pytest.raises(OutcomeUnknown) as unknown:
        await write(once, upstream, idem=True)
    assert upstream.calls == 3
    assert pauses.asked == [pytest.approx(0.2), pytest.approx(0.4)]
    assert unknown.value.message == "reset after sending"
    assert (unknown.value.reference_id, unknown.value.resendable) == (REFERENCE, True)
    # Released: the same reference id may be sent again, and is.
    assert await store.get("web", "k-1") is None
    assert await write(once, Upstream({"id": "ld_1"}), idem=True) == ({"id": "ld_1"}, False)


async def test_resend_attempts_bound_the_calls(store: SqliteIdempotencyStore) -> None:
    upstream = Upstream(UpstreamOutcomeUnknown("reset after sending"))
    with pytest.raises(OutcomeUnknown):
        await write(ExactlyOnce(store, resend_attempts=0, sleep=Pauses()), upstream, idem=True)
    assert upstream.calls == 1


async def test_a_duplicate_in_this_process_waits_for_the_write_without_polling(
    store: SqliteIdempotencyStore,
) -> None:
    pauses = Pauses()
    once = ExactlyOnce(store, sleep=pauses)
    started, release = asyncio.Event(), asyncio.Event()

    async def slow() -> dict[str, Any]:
        started.set()
        await release.wait()
        return {"id": "ld_1"}

    first = asyncio.create_task(write(once, slow))
    await started.wait()
    duplicate = asyncio.create_task(write(once, Upstream({"id": "other"})))
    await asyncio.sleep(0)  # the duplicate finds the key pending and waits
    release.set()
    assert await first == ({"id": "ld_1"}, False)
    assert await duplicate == ({"id": "ld_1"}, True)
    assert pauses.asked == [], "a write in flight here is awaited, not polled for"


async def test_a_write_in_flight_in_another_live_process_is_polled_for_until_it_finishes(
    store: SqliteIdempotencyStore,
) -> None:
    parent = this_process()
    other = f"{parent.host}/{os.getppid()}/other-nonce"  # a live process on this host
    await store.claim("web", "k-1", "f1", "create_lead", 120.0, other)
    pauses = Pauses()

    async def finish_on_the_second_poll() -> None:
        if len(pauses.asked) == 2:
            await store.finish("web", "k-1", {"id": "ld_9"})

    pauses.on_pause = finish_on_the_second_poll
    upstream = Upstream({"id": "never"})
    once = ExactlyOnce(store, poll_seconds=0.25, sleep=pauses)
    assert await write(once, upstream) == ({"id": "ld_9"}, True)
    assert pauses.asked == [0.25, 0.25]
    assert upstream.calls == 0


async def test_a_write_still_in_flight_past_the_wait_is_reported_unknown(
    store: SqliteIdempotencyStore,
) -> None:
    parent = this_process()
    await store.claim("web", "k-1", "f1", "create_lead", 120.0, f"{parent.host}/{os.getppid()}/n")
    for idem in (False, True):
        with pytest.raises(OutcomeUnknown) as unknown:
            await write(ExactlyOnce(store, wait_timeout=-1.0), Upstream({"id": "x"}), idem=idem)
        assert unknown.value.message == "a write with this idempotency key is still in progress"
        assert (unknown.value.reference_id, unknown.value.resendable) == (REFERENCE, idem)
    record = await store.get("web", "k-1")
    assert record is not None and record.state is RecordState.PENDING, "still the other's"


async def test_a_dead_writers_key_is_marked_unknown_for_a_vendor_that_cannot_deduplicate(
    store: SqliteIdempotencyStore,
) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1)
    upstream = Upstream({"id": "x"})
    with pytest.raises(OutcomeUnknown) as unknown:
        await write(ExactlyOnce(store), upstream)
    assert unknown.value.message == "an earlier attempt with this key stopped mid-write"
    assert (unknown.value.reference_id, unknown.value.resendable) == (REFERENCE, False)
    assert upstream.calls == 0


async def test_a_dead_writers_key_taken_over_is_signed_by_this_process_and_resent_as_before(
    store: SqliteIdempotencyStore,
) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1, owner="gone/1/x")
    owners: list[str | None] = []

    async def perform() -> dict[str, Any]:
        record = await store.get("web", "k-1")
        owners.append(record.owner if record is not None else None)
        if len(owners) == 1:
            raise UpstreamOutcomeUnknown("reset after sending")
        return {"id": "ld_1"}

    once = ExactlyOnce(store, sleep=Pauses())
    assert await write(once, perform, idem=True) == ({"id": "ld_1"}, False)
    assert owners == [str(this_process())] * 2, "taken over, then resent: deduplicated"


async def test_a_dead_writers_key_marked_unknown_records_what_to_reconcile(
    store: SqliteIdempotencyStore,
) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1)
    with pytest.raises(OutcomeUnknown):
        await write(ExactlyOnce(store), Upstream({"id": "x"}))
    record = await store.get("web", "k-1")
    assert record is not None and record.outcome == {
        "message": "an earlier attempt with this key stopped mid-write",
        "referenceId": REFERENCE,
        "resendable": False,
    }
