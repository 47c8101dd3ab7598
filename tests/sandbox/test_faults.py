"""Injected latency, at start and at run time."""

from __future__ import annotations

import time

import aiohttp

from sandbox import SandboxOptions, start_sandbox


async def _timed_get(url: str, headers: dict[str, str]) -> tuple[float, int]:
    async with aiohttp.ClientSession() as http:
        start = time.perf_counter()
        async with http.get(url, headers=headers) as response:
            await response.read()
        return time.perf_counter() - start, response.status


async def test_latency_from_options_and_changed_live() -> None:
    async with await start_sandbox(SandboxOptions(latency_ms=1000), vendors=("autosync",)) as sb:
        handle = sb.vendors["autosync"]
        url = f"{handle.base_url}/shops"
        headers = {"Authorization": f"Bearer {handle.credentials['api_key']}"}
        slow, status = await _timed_get(url, headers)
        assert status == 200
        assert slow >= 1.0
        handle.faults.latency_seconds = 0
        fast, _ = await _timed_get(url, headers)
        assert fast < 1.0  # a wide margin: this checks the switch, not speed
        assert handle.requests.count(path_contains="/shops") == 2
