"""Instructions the API executes per request, counted by callgrind: figures that do not move
with the machine's other work, as CPU time does. Prints figures, asserts nothing.

The API runs as ``dealergraph serve`` under ``valgrind --tool=callgrind`` (about fifty times
slower: start-up takes a minute or two) over the same sandboxes, configuration and queries
as ``bench.execution``. Around each request the counters are zeroed and dumped
(``callgrind_control``); the figure is the dump's total of instructions, every thread of the
API, its own code and the libraries it calls, not the kernel's. Each row is the fewest of
five requests (one for a dashboard): the pages repeat to within about 1%, but whatever else
the process runs in a request's window (its timers, aiohttp's housekeeping) counts too, and
moves the smallest, ``{ __typename }``, by up to a fifth.

Instructions are not CPU time: the code a small request runs once, from the HTTP server to
the vendor request, executes at well below the rate of a large page's row loops (cold
caches, more branches), so CPU time weighs a request's fixed part more than its
instructions do. ``bench.execution`` gives the time; this, what the code does.

Needs valgrind (Debian: ``apt-get install valgrind``). Run:
``.venv/bin/python -m bench.instructions [--scale 4] [--no-dashboards]``.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

import aiohttp

from bench.execution import (
    DASHBOARD,
    FEW,
    KEY,
    MANY,
    PAGE,
    PAGE_VENDOR,
    SIX_KEY,
    SMALL_LIST,
    TYPENAME,
    bench_config,
    distinct_stores,
    post,
    serve,
)
from graph.config import AppConfig
from graph.ids import encode_global_id

COUNTED = 5
"""Requests counted of each kind but the dashboards; the row is the fewest instructions
among them."""


class CountedApi:
    """The API under callgrind: each request's instructions from a dump of its own."""

    def __init__(self, process: asyncio.subprocess.Process, url: str, dumps: Path) -> None:
        self.process = process
        self.url = url
        self.dumps = dumps

    async def _control(self, option: str) -> None:
        control = await asyncio.create_subprocess_exec(
            "callgrind_control",
            option,
            str(self.process.pid),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        if await control.wait() != 0:
            raise RuntimeError(f"callgrind_control {option} failed")

    async def instructions(self, answer: Callable[[], Awaitable[Any]]) -> int:
        """The instructions the API executes while ``answer()`` is answered."""
        await self._control("--zero")
        await answer()
        before = set(self.dumps.iterdir())
        await self._control("--dump")
        dumped = sorted(set(self.dumps.iterdir()) - before, key=lambda p: p.stat().st_mtime)
        if not dumped:
            raise RuntimeError("callgrind wrote no dump")
        return _total(dumped[-1])


def _total(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith(("totals:", "summary:")):
            return int(line.split()[1])
    raise RuntimeError(f"no total in {dump}")


async def start_counted(config: AppConfig, environ: dict[str, str]) -> CountedApi:
    dumps = Path(tempfile.mkdtemp(prefix="dealergraph-callgrind-"))
    under_callgrind = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={dumps}/callgrind.%p",
        sys.executable,
        "-c",
        "import sys; from graph.launch import main; sys.exit(main())",  # as the command runs
    ]
    process, url = await serve(config, environ, under_callgrind)
    return CountedApi(process, url, dumps)


async def run(scale: float, dashboards: bool) -> None:
    async with distinct_stores(scale) as sandboxes:
        config, environ = bench_config(sandboxes)
        begun = time.perf_counter()
        api = await start_counted(config, environ)
        started = time.perf_counter() - begun
        try:
            await _count(api, config, dashboards, started, scale)
        finally:
            api.process.terminate()
            await api.process.wait()
            shutil.rmtree(api.dumps, ignore_errors=True)


async def _count(
    api: CountedApi, config: AppConfig, dashboards: bool, started: float, scale: float
) -> None:
    entry_id = next(
        d.id for c in config.connections for d in c.dealerships if c.dms.value == PAGE_VENDOR
    )
    dealership = {"id": encode_global_id("Dealership", entry_id, entry_id)}
    requests: list[tuple[str, str, dict[str, Any], str]] = [
        ("{ __typename }", TYPENAME, {}, KEY),
        ("1-row page", PAGE, {**dealership, "first": 1}, KEY),
        ("100-row page", PAGE, {**dealership, "first": 100}, KEY),
        ("1,000-row page", PAGE, {**dealership, "first": 1000}, KEY),
        ("10 x 10 list", SMALL_LIST, dealership, KEY),
    ]
    if dashboards:
        requests += [
            (f"dashboard of {FEW} dealerships", DASHBOARD, {}, SIX_KEY),
            (f"dashboard of {MANY} dealerships", DASHBOARD, {}, KEY),
        ]
    timeout = aiohttp.ClientTimeout(total=1800)
    counted: dict[str, int] = {}
    async with aiohttp.ClientSession(timeout=timeout) as http:
        # Sign every login in and run each kind once before counting.
        for _, query, variables, key in requests:
            await post(http, api.url, query, variables, key)
        for label, query, variables, key in requests:
            times = COUNTED if "dashboard" not in label else 1
            answer = partial(post, http, api.url, query, variables, key)
            counted[label] = min([await api.instructions(answer) for _ in range(times)])
    print(f"bench.instructions: sandbox scale {scale}, API under callgrind")
    print(f"API: {started:.0f} s to the serving line under callgrind")
    print(f"{'':<44}{'instructions':>16}")
    for label, count in counted.items():
        print(f"{label:<44}{count:>16,}")
    pages = ("1-row page", "100-row page", "1,000-row page")
    page1, page100, page1000 = (counted[label] for label in pages)
    print(f"{'per row at 100 rows':<44}{page100 / 100:>16,.0f}")
    print(f"{'per row at 1,000 rows':<44}{page1000 / 1000:>16,.0f}")
    print(f"{'  per row at 100 against at 1,000':<44}{page100 / 100 / (page1000 / 1000):>16.3f}")
    print(f"{'each row from 100 to 1,000 rows':<44}{(page1000 - page100) / 900:>16,.0f}")
    print(f"{'per row at 100 rows, less the 1-row page':<44}{(page100 - page1) / 99:>16,.0f}")
    if dashboards:
        few = counted[f"dashboard of {FEW} dealerships"] / FEW
        many = counted[f"dashboard of {MANY} dealerships"] / MANY
        print(f"{'per dealership at ' + str(FEW):<44}{few:>16,.0f}")
        print(f"{'per dealership at ' + str(MANY):<44}{many:>16,.0f}")
        print(f"{'  per dealership at 33 against at 6':<44}{many / few:>16.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--no-dashboards", action="store_true", help="pages and lists only")
    args = parser.parse_args()
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        raise SystemExit("bench.instructions needs valgrind (Debian: apt-get install valgrind)")
    asyncio.run(run(args.scale, not args.no_dashboards))


if __name__ == "__main__":
    main()
