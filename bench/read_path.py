"""Benchmark of the read path: prints figures, asserts nothing.

Starts the sandboxes and the API in-process on loopback, then runs representative queries
several times and prints wall time (median, p95), upstream requests per query and the
process's peak RSS. Warm runs are served from the response cache; the fan-out runs empty it
before each query, so they measure concurrent vendor calls.
Run: ``.venv/bin/python -m bench.read_path [--scale 5] [--runs 20]``.
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

from adapters.base import Capability
from graph.app import create_app
from graph.ids import encode_global_id
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
    started = time.perf_counter()
    sandbox = await start_sandbox(SandboxOptions(scale=scale, rate_limit_per_minute=1_000_000))
    print(
        f"sandbox start, {len(sandbox.vendors)} vendors at scale {scale}: "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
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
                    f"upstream requests {upstream[0]} cold / {upstream[-1]} warm (cached), "
                    f"response {size / 1024:.0f} KiB"
                )
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()
    await fan_out(scale)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS (API + sandboxes in one process): {peak:.0f} MiB")


FAN_OUT_QUERY = """query($ids: [ID!]) { repairOrders(first: 50, dealershipIds: $ids,
  filter: {status: [OPEN, IN_PROGRESS]}) { nodes { roNumber customer { displayName }
  advisor { name } vehicle { vin } } } }"""


async def fan_out(scale: float, latency_ms: int = 100) -> None:
    """One cross-store query against each store alone, then against all of them at once,
    with the same latency injected on every vendor: concurrent fan-out makes the combined
    wall time close to the slowest store's, not the sum."""
    sandbox = await start_sandbox(
        SandboxOptions(scale=scale, rate_limit_per_minute=1_000_000, latency_ms=latency_ms)
    )
    config, environ = sandbox_config(sandbox, KEY)
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/graphql"))
    headers = {"Authorization": f"Bearer {KEY}"}
    ids = [
        encode_global_id("Dealership", d.id, d.id)
        for d in runtime.dealerships.values()
        if Capability.REPAIR_ORDERS in d.capabilities
    ]

    async def timed(http: aiohttp.ClientSession, dealership_ids: list[str]) -> float:
        body = {"query": FAN_OUT_QUERY, "variables": {"ids": dealership_ids}}
        runtime.clear_caches()  # every run reaches the vendors: this measures the fan-out
        start = time.perf_counter()
        async with http.post(url, json=body, headers=headers) as resp:
            result = await resp.json()
        assert "errors" not in result, result["errors"]
        return time.perf_counter() - start

    try:
        async with aiohttp.ClientSession() as http:
            await timed(http, ids)  # log every connection in first
            alone = [await timed(http, [i]) for i in ids]
            together = statistics.median([await timed(http, ids) for _ in range(5)])
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()
    print(
        f"- fan-out over {len(ids)} stores with {latency_ms} ms injected per upstream call: "
        f"each store alone {', '.join(f'{t * 1000:.0f}' for t in alone)} ms "
        f"(sum {sum(alone) * 1000:.0f} ms, slowest {max(alone) * 1000:.0f} ms); "
        f"all stores in one query {together * 1000:.0f} ms (median of 5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    asyncio.run(run(args.scale, args.runs))


if __name__ == "__main__":
    main()
