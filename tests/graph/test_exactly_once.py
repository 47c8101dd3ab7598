"""The idempotency record and the exactly-once rules, on each store: the embedded SQLite file
and PostgreSQL (shared by replicas on several machines)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.errors import UpstreamOutcomeUnknown, UpstreamUnavailable
from graph.exactly_once import ExactlyOnce, KeyReused, OutcomeUnknown, reference_id_for
from graph.idempotency import ClaimResult, IdempotencyStore, RecordState
from graph.process_identity import ProcessIdentity
from tests.graph.idempotency_backends import BACKENDS, location, open_store


@pytest.fixture(params=BACKENDS)
async def where(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[str, str]]:
    """(backend, location) of a fresh record store; several stores may open it."""
    async with location(request.param, tmp_path) as place:
        yield request.param, place


@pytest.fixture
async def store(where: tuple[str, str]) -> AsyncIterator[IdempotencyStore]:
    s = await open_store(*where)
    yield s
    await s.close()


class Upstream:
    """Counts calls; each call returns the next scripted result or raises it."""

    def __init__(self, *script: Any, delay: float = 0.0) -> None:
        self.calls = 0
        self.script = list(script)
        self.delay = delay

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        await asyncio.sleep(self.delay)
        result = self.script[min(self.calls, len(self.script)) - 1]
        if isinstance(result, BaseException):
            raise result
        return dict(result)


def run(once: ExactlyOnce, upstream: Upstream, *, fp: str = "f1", idem: bool = False) -> Any:
    return once.run(
        client="web",
        key="k-1",
        fingerprint=fp,
        operation="create_lead",
        idempotent_upstream=idem,
        perform=upstream,
    )


async def test_replay_returns_recorded_outcome_without_calling_upstream(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Upstream({"id": "ld_1"})
    assert await run(once, upstream) == ({"id": "ld_1"}, False)
    assert await run(once, upstream) == ({"id": "ld_1"}, True)
    assert upstream.calls == 1


async def test_same_key_other_input_is_refused(store: Any) -> None:
    once = ExactlyOnce(store)
    await run(once, Upstream({"id": "ld_1"}))
    with pytest.raises(KeyReused):
        await run(once, Upstream({"id": "ld_2"}), fp="f2")


async def test_twenty_concurrent_duplicates_make_one_call(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Upstream({"id": "ld_1"}, delay=0.2)
    results = await asyncio.gather(*(run(once, upstream) for _ in range(20)))
    assert upstream.calls == 1
    assert [r[0] for r in results] == [{"id": "ld_1"}] * 20
    assert sorted(r[1] for r in results) == [False] + [True] * 19


async def test_records_survive_a_restart(where: tuple[str, str]) -> None:
    first = await open_store(*where)
    await run(ExactlyOnce(first), Upstream({"id": "ld_1"}))
    await first.close()
    second = await open_store(*where)
    upstream = Upstream({"id": "other"})
    assert await run(ExactlyOnce(second), upstream) == ({"id": "ld_1"}, True)
    assert upstream.calls == 0
    await second.close()


async def test_unknown_outcome_is_never_resent_without_vendor_idempotency(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Upstream(UpstreamOutcomeUnknown("timed out after sending"), {"id": "ld_1"})
    with pytest.raises(OutcomeUnknown) as first:
        await run(once, upstream)
    assert first.value.reference_id == reference_id_for("web", "k-1")
    assert not first.value.resendable
    with pytest.raises(OutcomeUnknown):
        await run(once, upstream)
    assert upstream.calls == 1
    record = await store.get("web", "k-1")
    assert record is not None and record.state is RecordState.UNKNOWN


async def test_unknown_outcome_is_resent_to_a_deduplicating_vendor(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Upstream(UpstreamOutcomeUnknown("reset after sending"), {"id": "ld_1"})
    assert await run(once, upstream, idem=True) == ({"id": "ld_1"}, False)
    assert upstream.calls == 2


async def test_failure_before_sending_frees_the_key(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Upstream(UpstreamUnavailable("connection refused"), {"id": "ld_1"})
    with pytest.raises(UpstreamUnavailable):
        await run(once, upstream)
    assert await store.get("web", "k-1") is None
    assert await run(once, upstream) == ({"id": "ld_1"}, False)


async def test_expired_lease_of_a_dead_writer(store: Any) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1)
    with pytest.raises(OutcomeUnknown):
        await run(ExactlyOnce(store), Upstream({"id": "x"}))

    await store.claim("web", "k-2", "f1", "create_lead", lease_seconds=-1)
    upstream = Upstream({"id": "ld_2"})
    outcome = await ExactlyOnce(store).run(
        client="web",
        key="k-2",
        fingerprint="f1",
        operation="create_lead",
        idempotent_upstream=True,
        perform=upstream,
    )
    assert outcome == ({"id": "ld_2"}, False) and upstream.calls == 1


async def test_reference_ids_differ_per_client_and_key() -> None:
    ids = {reference_id_for(c, k) for c in ("a", "b") for k in ("1", "2")}
    assert len(ids) == 4
    assert all(len(i) <= 32 for i in ids)


class Blocked:
    """An upstream call that starts and then hangs until the test lets it go (or cancels it)."""

    def __init__(self, outcome: dict[str, Any]) -> None:
        self.calls = 0
        self.started = asyncio.Event()
        self.release = asyncio.Event()
        self.outcome = outcome

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        self.started.set()
        await self.release.wait()
        return dict(self.outcome)


async def test_cancelled_non_idempotent_write_leaves_its_key_unknown(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Blocked({"id": "ld_1"})
    task = asyncio.create_task(run(once, upstream))
    await upstream.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    record = await store.get("web", "k-1")
    assert record is not None and record.state is RecordState.UNKNOWN
    assert record.outcome is not None and record.outcome["resendable"] is False
    # The key is not freed: a retry is told the outcome is unknown and nothing is resent.
    retry = Upstream({"id": "ld_2"})
    with pytest.raises(OutcomeUnknown) as unknown:
        await run(once, retry)
    assert unknown.value.reference_id == reference_id_for("web", "k-1")
    assert retry.calls == 0 and upstream.calls == 1


async def test_cancelled_idempotent_write_frees_its_key_for_a_resend(store: Any) -> None:
    once = ExactlyOnce(store)
    upstream = Blocked({"id": "ld_1"})
    task = asyncio.create_task(run(once, upstream, idem=True))
    await upstream.started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await store.get("web", "k-1") is None
    assert await run(once, Upstream({"id": "ld_1"}), idem=True) == ({"id": "ld_1"}, False)


async def test_concurrent_take_overs_of_an_expired_lease_have_one_winner(store: Any) -> None:
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1)
    record = await store.get("web", "k-1")
    assert record is not None and record.lease_until is not None
    taken = await asyncio.gather(
        *(store.take_over("web", "k-1", record.lease_until, 120.0) for _ in range(2))
    )
    assert sorted(taken) == [False, True]
    after = await store.get("web", "k-1")
    assert after is not None and after.state is RecordState.PENDING
    assert after.lease_until is not None and after.lease_until > record.lease_until


async def test_two_writers_taking_over_one_expired_lease_call_upstream_once(
    store: Any,
) -> None:
    # Two processes (two ExactlyOnce over one store) find the same dead writer's record.
    await store.claim("web", "k-1", "f1", "create_lead", lease_seconds=-1)
    upstream = Blocked({"id": "ld_1"})
    writers = [ExactlyOnce(store, poll_seconds=0.01) for _ in range(2)]
    tasks = [asyncio.create_task(run(w, upstream, idem=True)) for w in writers]
    await upstream.started.wait()
    upstream.release.set()
    results = await asyncio.gather(*tasks)
    assert upstream.calls == 1
    assert sorted(r[1] for r in results) == [False, True]
    assert [r[0] for r in results] == [{"id": "ld_1"}] * 2


async def test_purge_deletes_old_finished_records_and_keeps_pending_ones(store: Any) -> None:
    for key in ("pending", "done", "unknown"):
        await store.claim("web", key, "f1", "create_lead", lease_seconds=120)
    await store.finish("web", "done", {"id": "ld_1"})
    await store.mark_unknown("web", "unknown", {"message": "m"})
    assert await store.purge(older_than_seconds=3600) == 0  # all are younger than an hour
    assert await store.purge(older_than_seconds=-60) == 2
    assert await store.get("web", "done") is None
    assert await store.get("web", "unknown") is None
    kept = await store.get("web", "pending")
    assert kept is not None and kept.state is RecordState.PENDING


async def test_two_replicas_racing_for_one_key_have_one_winner(where: tuple[str, str]) -> None:
    # Two store instances over the same records, as two server replicas have.
    replicas = [await open_store(*where) for _ in range(2)]
    try:
        claims = await asyncio.gather(
            *(
                replica.claim("web", "k-1", "f1", "create_lead", 120.0, f"replica-{i}/1/n")
                for i, replica in enumerate(replicas)
                for _ in range(10)
            )
        )
        winners = [record for result, record in claims if result is ClaimResult.CLAIMED]
        assert len(winners) == 1
        assert {record.owner for _, record in claims} == {winners[0].owner}

        upstream = Upstream({"id": "ld_1"}, delay=0.1)
        writers = [
            ExactlyOnce(replica, identity=ProcessIdentity(f"host-{i}", 1, "n"), poll_seconds=0.01)
            for i, replica in enumerate(replicas)
        ]
        results = await asyncio.gather(
            *(
                w.run(
                    client="web",
                    key="k-2",
                    fingerprint="f1",
                    operation="create_lead",
                    idempotent_upstream=False,
                    perform=upstream,
                )
                for w in writers
                for _ in range(5)
            )
        )
        assert upstream.calls == 1
        assert sorted(replayed for _, replayed in results) == [False] + [True] * 9
    finally:
        for replica in replicas:
            await replica.close()
