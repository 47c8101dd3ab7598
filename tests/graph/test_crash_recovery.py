"""A write claimed by a process that was then killed is recovered at once by the next
process: resent to a vendor that deduplicates, else OUTCOME_UNKNOWN, never a wait for the
dead process's lease. The killed process is real (SIGKILL). On SQLite it ran on this machine
(its pid is checked); on PostgreSQL it signs as a process on another machine, whose pid
cannot be checked: its connection's end tells."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.exactly_once import ExactlyOnce, OutcomeUnknown
from graph.idempotency import IdempotencyStore, RecordState
from graph.process_identity import ProcessIdentity, this_process
from tests.graph.idempotency_backends import BACKENDS, location, open_store

CLAIMER = """
import asyncio, sys
from graph.process_identity import ProcessIdentity, this_process
from tests.graph.idempotency_backends import open_store

async def main() -> None:
    backend, where, *keys = sys.argv[1:]
    me = this_process()
    if backend == "postgres":  # a replica on another machine
        me = ProcessIdentity("another-machine", me.pid, me.nonce)
    store = await open_store(backend, where)
    for key in keys:
        await store.claim("crm", key, "fp", "createLead", 120.0, str(me))
    print("claimed", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""
REPO = Path(__file__).resolve().parents[2]
HANG = 10.0
"""Real seconds after which a recovery counts as hung (it should not wait at all)."""


async def claimed_then_killed(backend: str, where: str, *keys: str) -> None:
    """A real process claims ``keys`` (leases of 120 s) and is killed mid-write."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLAIMER,
        backend,
        where,
        *keys,
        stdout=asyncio.subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"claimed"
    process.send_signal(signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


async def server_noticed_the_kill(store: IdempotencyStore, key: str) -> None:
    """PostgreSQL ends a dead client's backend (and its locks) on its own schedule, a few
    milliseconds after the kill: wait for that, not for any lease."""
    record = await store.get("crm", key)
    assert record is not None
    owner = ProcessIdentity.parse(record.owner)
    if owner is not None and owner.host == this_process().host:
        return  # the pid check answers on this machine
    for _ in range(int(HANG / 0.01)):
        if await store.owner_is_gone(record.owner):
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the killed process's connection was never dropped")


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    async with location(request.param, tmp_path) as where:
        await claimed_then_killed(request.param, where, "lead-1", "lead-2")
        opened = await open_store(request.param, where)
        await server_noticed_the_kill(opened, "lead-1")
        yield opened
        await opened.close()


async def test_a_replay_after_a_kill_is_unknown_at_once(store: IdempotencyStore) -> None:
    once = ExactlyOnce(store, wait_timeout=90, poll_seconds=60)  # waiting would hang
    sent: list[str] = []

    async def perform() -> dict[str, Any]:
        sent.append("lead-1")
        return {"ok": True}

    with pytest.raises(OutcomeUnknown) as err:
        async with asyncio.timeout(HANG):
            await once.run(
                client="crm",
                key="lead-1",
                fingerprint="fp",
                operation="createLead",
                idempotent_upstream=False,
                perform=perform,
            )
    assert not err.value.resendable
    assert sent == []  # a vendor that cannot deduplicate is never sent it again
    record = await store.get("crm", "lead-1")
    assert record is not None and record.state is RecordState.UNKNOWN


async def test_a_deduplicating_vendor_gets_the_write_again_at_once(
    store: IdempotencyStore,
) -> None:
    once = ExactlyOnce(store, wait_timeout=90, poll_seconds=60)
    sent: list[str] = []

    async def perform() -> dict[str, Any]:
        sent.append("lead-2")
        return {"leadId": "L-9"}

    async with asyncio.timeout(HANG):
        outcome, replayed = await once.run(
            client="crm",
            key="lead-2",
            fingerprint="fp",
            operation="createLead",
            idempotent_upstream=True,
            perform=perform,
        )
    assert (outcome, replayed, sent) == ({"leadId": "L-9"}, False, ["lead-2"])
    record = await store.get("crm", "lead-2")
    assert record is not None and record.state is RecordState.DONE


def test_owners_are_told_apart() -> None:
    me = this_process()
    assert not me.owner_is_gone(str(me))  # in flight here: wait for it
    earlier_life = ProcessIdentity(me.host, me.pid, "0" * 12)
    assert me.owner_is_gone(str(earlier_life))  # the same pid, restarted
    assert not me.owner_is_gone(str(ProcessIdentity("other-host", 1, "abc")))  # lease decides
    assert not me.owner_is_gone(str(ProcessIdentity(me.host, os.getppid(), "x")))  # alive
    assert not me.owner_is_gone(None) and not me.owner_is_gone("garbage")
