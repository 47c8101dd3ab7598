"""A write claimed by a process that was then killed is recovered at once by the next
process on the machine: resent to a vendor that deduplicates, else OUTCOME_UNKNOWN, never
a wait for the dead process's lease. The killed process is real (SIGKILL)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path
from typing import Any

import pytest

from graph.exactly_once import ExactlyOnce, OutcomeUnknown
from graph.idempotency import RecordState, SqliteIdempotencyStore
from graph.process_identity import ProcessIdentity, this_process

CLAIMER = """
import asyncio, sys
from pathlib import Path
from graph.idempotency import SqliteIdempotencyStore
from graph.process_identity import this_process

async def main() -> None:
    store = SqliteIdempotencyStore(Path(sys.argv[1]))
    for key in sys.argv[2:]:
        await store.claim("crm", key, "fp", "createLead", 120.0, str(this_process()))
    print("claimed", flush=True)
    await asyncio.sleep(3600)

asyncio.run(main())
"""
REPO = Path(__file__).resolve().parents[2]
HANG = 10.0
"""Real seconds after which a recovery counts as hung (it should not wait at all)."""


async def claimed_then_killed(path: Path, *keys: str) -> None:
    """A real process claims ``keys`` (leases of 120 s) and is killed mid-write."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        CLAIMER,
        str(path),
        *keys,
        stdout=asyncio.subprocess.PIPE,
        cwd=REPO,
    )
    assert process.stdout is not None
    assert (await process.stdout.readline()).strip() == b"claimed"
    process.send_signal(signal.SIGKILL)
    assert await process.wait() == -signal.SIGKILL


@pytest.fixture
async def store(tmp_path: Path) -> Any:
    path = tmp_path / "idempotency.sqlite3"
    await claimed_then_killed(path, "lead-1", "lead-2")
    opened = SqliteIdempotencyStore(path)
    yield opened
    await opened.close()


async def test_a_replay_after_a_kill_is_unknown_at_once(store: SqliteIdempotencyStore) -> None:
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
    store: SqliteIdempotencyStore,
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
