"""Ten restarts inside one TOTP step: each process's first query signs in without the DMS
refusing a replayed code, because the steps used are kept in the data directory. The DMS
takes one code per step and the previous and next step, so the later sign-ins wait for
their step (on a virtual clock here) instead of failing."""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

from adapters.base import VehicleFilter, Window
from adapters.shared import SharedCredentials
from adapters.supergood.auth import TOTP_STEP
from adapters.totp_steps import FileTotpSteps, MemoryTotpSteps, TotpSteps
from graph.config import ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.virtual_clock import VirtualClock

KEY = "totp-restart-key"
RESTARTS = 10


async def first_read(runtime: Runtime, clock: VirtualClock) -> bool:
    """A freshly started process's first read (it signs in); True when it succeeded. When
    the sign-in waits for its TOTP step, the clock is moved on to that step."""
    (entry,) = runtime.dealerships.values()
    read = asyncio.ensure_future(entry.adapter.list_vehicles(None, VehicleFilter(), Window(0, 1)))
    while True:
        # Not done soon: it waits (on the virtual clock) for its step, so let the step come.
        # Moving on early is harmless: the DMS also takes the previous step's code.
        done, _ = await asyncio.wait({read}, timeout=0.05)
        if done:
            return read.exception() is None
        await clock.advance(TOTP_STEP)


async def restarts(durable: bool) -> tuple[RunningSandbox, int, int]:
    """``RESTARTS`` processes started one after another inside one TOTP step, each keeping
    its steps in the data directory (``durable``) or only in memory; returns the sandbox,
    the sign-ins it saw and the first reads that failed."""
    start = (int(time.time()) // TOTP_STEP) * TOTP_STEP + 1.0  # just after a step begins
    clock = VirtualClock(now=start)
    sandbox = await start_sandbox(SandboxOptions(seed=6, clock=clock), vendors=("autosoft",))
    data_dir = Path(tempfile.mkdtemp(prefix="dealergraph-totp-"))
    config, environ = sandbox_config(sandbox, KEY, ServerConfig(data_dir=str(data_dir)))
    failed = 0
    for _ in range(RESTARTS):
        steps: TotpSteps = (
            FileTotpSteps(data_dir / "totp-steps.json") if durable else MemoryTotpSteps()
        )
        shared = SharedCredentials(clock=clock, sleep=clock.sleep, wall=clock, totp_steps=steps)
        runtime = await Runtime.start(config, environ, shared=shared)
        try:
            failed += not await first_read(runtime, clock)
        finally:
            await runtime.close()
    log = sandbox.vendors["autosoft"].requests
    return sandbox, int(log.count(method="POST", path_contains="/sessions")), failed


async def test_restarts_inside_one_step_never_replay_a_code() -> None:
    sandbox, sessions, failed = await restarts(durable=True)
    try:
        assert (sessions, failed) == (RESTARTS, 0)  # one accepted sign-in each
    finally:
        await sandbox.stop()


async def test_without_the_record_restarts_replay_codes() -> None:
    sandbox, sessions, failed = await restarts(durable=False)
    try:
        assert sessions > RESTARTS or failed > 0  # refused replays
    finally:
        await sandbox.stop()


def test_a_file_claims_later_steps_across_instances(tmp_path: Path) -> None:
    first = FileTotpSteps(tmp_path / "steps.json")
    assert first.claim("login", 100) == 100
    again = FileTotpSteps(tmp_path / "steps.json")  # another process, the same file
    assert again.claim("login", 100) == 101
    assert again.claim("other", 100) == 100
    assert first.claim("login", 90) == 102
    assert first.claim("login", 200) == 200
