"""Benchmark of the read path: prints figures, asserts nothing.

Starts the sandboxes and the API in-process on loopback, then runs representative queries
several times and prints wall time (median, p95), upstream requests per query and the
process's peak RSS. Run: ``.venv/bin/python -m bench.read_path [--scale 5] [--runs 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions, start_sandbox

KEY = "bench-key"

QUERIES: dict[str, str] = {
    "dealerships with 100 vehicles, deals, ROs each": """{ dealerships { name
        vehicles(first: 100) { nodes { id vin stockNumber status year make model trim
          mileage exteriorColor askingPrice msrp cost updatedAt } }
        deals(first: 100) { nodes { id dealNumber status pricing { sellingPrice }
          vehicle { vin } buyer { displayName } } }
        repairOrders(first: 100) { nodes { id roNumber status openedAt
          customer { displayName } vehicle { vin } advisor { name }
          totals { grandTotal } } } } }""",
    "100 open ROs across stores with lines": """{ repairOrders(first: 100,
        filter: {status: [OPEN, IN_PROGRESS, WAITING_PARTS]}) { totalCount nodes {
          roNumber status customer { displayName phone } vehicle { vin make model }
          advisor { name } technicians { name }
          laborLines { opCode description hours amount } partLines { partNumber amount }
          totals { grandTotal } } } }""",
}


async def run(scale: float, runs: int) -> None:
    sandbox = await start_sandbox(SandboxOptions(scale=scale, rate_limit_per_minute=1_000_000))
    config, environ = sandbox_config(sandbox, KEY)
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/graphql"))
    headers = {"Authorization": f"Bearer {KEY}"}
    try:
        async with aiohttp.ClientSession() as http:
            print(f"scale {scale}, {runs} runs per query (first run is cold)")
            for name, query in QUERIES.items():
                times: list[float] = []
                upstream: list[int] = []
                size = 0
                for _ in range(runs):
                    for handle in sandbox.vendors.values():
                        handle.requests.reset()
                    start = time.perf_counter()
                    async with http.post(url, json={"query": query}, headers=headers) as resp:
                        body: Any = await resp.read()
                    times.append(time.perf_counter() - start)
                    upstream.append(sum(h.requests.count() for h in sandbox.vendors.values()))
                    size = len(body)
                warm = sorted(times[1:]) or times
                p95 = warm[min(len(warm) - 1, int(len(warm) * 0.95))]
                print(
                    f"- {name}: cold {times[0] * 1000:.0f} ms, warm median "
                    f"{statistics.median(warm) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                    f"upstream requests {upstream[0]} cold / {upstream[-1]} warm, "
                    f"response {size / 1024:.0f} KiB"
                )
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (API + sandboxes in one process): {peak:.0f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.scale, args.runs))


if __name__ == "__main__":
    main()
