"""One fake clock for a sandbox and the adapters talking to it: the sandbox checks its tokens
against it, the adapters time their sessions and sleep on it, and the test moves it on
instead of sleeping."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from adapters.shared import SharedCredentials

SETTLE_TIMEOUT = 5.0
"""Real seconds a woken task may take to sleep again or end (it may call a server)."""


@dataclass
class _Sleeper:
    until: float
    wake: asyncio.Future[None]
    task: asyncio.Task[object] | None


class VirtualClock:
    """Unix seconds (it starts at the real time, so TOTP codes stay valid) that move only
    when the test advances them. ``sleep`` returns once the clock has been advanced to its
    end, so a background task (a session keeper) wakes at the moments it asked for."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now
        self._sleepers: list[_Sleeper] = []
        self._slept = asyncio.Event()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        wake = asyncio.get_running_loop().create_future()
        self._sleepers.append(_Sleeper(self.now + max(seconds, 0.0), wake, asyncio.current_task()))
        self._slept.set()
        await wake

    def shared(self) -> SharedCredentials:
        """Credentials whose sessions (and budgets) run on this clock."""
        return SharedCredentials(clock=self, sleep=self.sleep, wall=self)

    async def advance(self, seconds: float) -> None:
        """Move ``seconds`` on, waking each sleeper at its end in turn and letting it run
        until it sleeps here again or ends."""
        await self._settle_new_tasks()
        end = self.now + seconds
        while True:
            due = [s for s in self._live() if s.until <= end]
            if not due:
                break
            self.now = max(self.now, min(s.until for s in due))
            woken = [s for s in due if s.until <= self.now]
            for sleeper in woken:
                sleeper.wake.set_result(None)
            async with asyncio.timeout(SETTLE_TIMEOUT):
                for sleeper in woken:
                    await self._until_asleep_or_done(sleeper.task)
        self.now = end
        await self._settle_new_tasks()

    def _live(self) -> list[_Sleeper]:
        self._sleepers = [s for s in self._sleepers if not s.wake.done()]
        return self._sleepers

    async def _until_asleep_or_done(self, task: asyncio.Task[object] | None) -> None:
        if task is None:
            await asyncio.sleep(0)
            return
        while not task.done() and not any(s.task is task for s in self._live()):
            self._slept.clear()
            slept = asyncio.ensure_future(self._slept.wait())
            await asyncio.wait({slept, task}, return_when=asyncio.FIRST_COMPLETED)
            slept.cancel()

    @staticmethod
    async def _settle_new_tasks() -> None:
        # Tasks just created (a keeper started by a sign-in) reach their first sleep.
        for _ in range(3):
            await asyncio.sleep(0)


class InstantClock:
    """Unix seconds (from the real time, so TOTP codes stay valid) that move when the test
    sets ``now`` or when anyone sleeps on it: ``sleep`` returns at once with the clock moved
    on by its length. For waits nothing else needs to line up with (backoff, pauses, a TOTP
    step), so a minute passes in no time; ``slept`` lists every sleep asked for."""

    def __init__(self, now: float | None = None) -> None:
        self.now = time.time() if now is None else now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)

    def shared(self) -> SharedCredentials:
        """Credentials whose sessions, budgets and circuits run on this clock."""
        return SharedCredentials(clock=self, sleep=self.sleep, wall=self)
