"""A clock and a counting vendor for the response cache's tests."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Vendor:
    """Counts the reads that reach it; each answer names its read number (counted when the
    read arrives), and a read waits at ``gate`` when one is set."""

    def __init__(self) -> None:
        self.calls = 0
        self.gate: asyncio.Event | None = None

    def reader(self, path: str) -> Callable[[], Awaitable[Any]]:
        async def fetch() -> Any:
            self.calls += 1
            call = self.calls
            if self.gate is not None:
                await self.gate.wait()
            return {"path": path, "call": call}

        return fetch
