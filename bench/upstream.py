"""What the group dashboard costs the vendors: prints figures, asserts nothing.

Starts the sandboxes and the API in-process on loopback and runs the dashboard query (every
dealership: 25 vehicles; 25 deals with buyer and vehicle; 25 open repair orders with
customer, advisor, vehicle and totals). For each vendor it prints the vendor requests
(from the sandbox request logs) of three runs:

- cold: a fresh process (sign-ins, reference data, nothing cached);
- warm: sessions and reference data in place, the cross-request record cache emptied;
- repeated: the same query again within the cache's time to live;

against the floor derived from the contract docs (``floor()``, written down in
``docs/upstream-cost.md``), at sandbox scale 1 and 4, with the response size and the API's
CPU time for the warm run. Run: ``.venv/bin/python -m bench.upstream [--scales 1 4]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections.abc import Mapping
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions, start_sandbox

KEY = "bench-key"

DASHBOARD = """{ dealerships { id name dms
  vehicles(first: 25) { nodes { id vin year make model status askingPrice } }
  deals(first: 25) { nodes { id dealNumber status
    buyer { id displayName } vehicle { id vin } } }
  repairOrders(first: 25, filter: {status: [OPEN, IN_PROGRESS, WAITING_PARTS]}) {
    nodes { id roNumber status customer { id displayName phone } advisor { id name }
      vehicle { id vin } totals { grandTotal } } }
} }"""

# The floor, per store, from the contract docs (docs/upstream-cost.md): one request per
# list, one per raw status value the open-RO filter needs (vendors take one status per
# request), and for each relation whose selected fields the list rows do not embed,
# min(distinct ids, pages of the related listing): no vendor has a batch-by-id read, so
# N ids cost N detail reads or the whole listing, whichever is fewer.
LIST_REQUESTS: Mapping[str, int] = {
    "autosoft": 1 + 1 + 2,  # vehicles, deals, ROs: open | waiting_parts
    "automate": 1 + 1 + 3,  # ROs: open | in_progress | waiting_parts
    "dealertrack": 1 + 1 + 1,  # ROs: open (per rooftop)
    "dealercenter": 1 + 1,  # no service department
    "autosync": 2,  # work orders: in_progress | waiting_parts
}
# (list field, relation, related listing) whose selected fields the rows do not embed.
LOOKUPS: Mapping[str, tuple[tuple[str, str, str], ...]] = {
    "autosoft": (("deals", "buyer", "customers"),),  # deals carry buyer.customerId only
    # deals carry customerId only; ROs the customer's name but not the phone
    "automate": (("deals", "buyer", "customers"), ("repairOrders", "customer", "customers")),
    "dealertrack": (),  # deals embed the customer; ROs customer, advisor and vehicle
    "dealercenter": (("deals", "vehicle", "vehicles"),),  # deals carry vehicleId only
    # work orders embed the customer's name and the vehicle without phone or VIN
    "autosync": (
        ("repairOrders", "customer", "customers"),
        ("repairOrders", "vehicle", "serviceVehicles"),
    ),
}
TOTALS = """{ dealerships { id dms customers(first: 1) { totalCount }
  vehicles(first: 1) { totalCount } serviceVehicles(first: 1) { totalCount } } }"""
PAGE = 100  # every vendor's largest page


def floor(dashboard: Any, totals: Any) -> dict[str, int]:
    """The least warm vendor requests the dashboard's answer needs, per vendor."""
    sizes = {d["id"]: d for d in totals["data"]["dealerships"]}
    result: dict[str, int] = {}
    for store in dashboard["data"]["dealerships"]:
        vendor = store["dms"].lower()
        need = LIST_REQUESTS[vendor]
        grouped: dict[str, set[str]] = {}
        for field, relation, listing in LOOKUPS[vendor]:
            rows = (store.get(field) or {}).get("nodes") or []
            ids = {r[relation]["id"] for r in rows if r.get(relation)}
            grouped.setdefault(listing, set()).update(ids)
        for listing, ids in grouped.items():
            count = ((sizes[store["id"]].get(listing) or {}).get("totalCount")) or 0
            need += min(len(ids), -(-count // PAGE)) if ids else 0
        result[vendor] = result.get(vendor, 0) + need
    return result


def _cpu() -> float:
    return time.process_time()


async def _run_once(
    http: aiohttp.ClientSession, url: str, sandbox: Any
) -> tuple[dict[str, int], int, float, Any]:
    for handle in sandbox.vendors.values():
        handle.requests.reset()
    cpu = _cpu()
    async with http.post(
        url, json={"query": DASHBOARD}, headers={"Authorization": f"Bearer {KEY}"}
    ) as resp:
        raw = await resp.read()
    cpu = _cpu() - cpu
    counts = {name: h.requests.count() for name, h in sandbox.vendors.items()}
    return counts, len(raw), cpu, json.loads(raw)


def _clear_record_cache(runtime: Runtime) -> None:
    clear = getattr(runtime, "clear_caches", None)  # absent before the cache existed
    if clear is not None:
        clear()


async def measure(scale: float) -> None:
    sandbox = await start_sandbox(SandboxOptions(scale=scale, rate_limit_per_minute=1_000_000))
    config, environ = sandbox_config(sandbox, KEY)
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/graphql"))
    try:
        async with aiohttp.ClientSession() as http:
            cold, size, _, body = await _run_once(http, url, sandbox)
            errors = body.get("errors") or []
            _clear_record_cache(runtime)
            warm, _, warm_cpu, _ = await _run_once(http, url, sandbox)
            repeated, _, repeated_cpu, _ = await _run_once(http, url, sandbox)
            async with http.post(
                url, json={"query": TOTALS}, headers={"Authorization": f"Bearer {KEY}"}
            ) as resp:
                least = floor(body, await resp.json())
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()
    print(f"scale {scale}: response {size / 1024:.0f} KiB, {len(errors)} errors")
    print(f"  {'vendor':<13}{'cold':>6}{'warm':>6}{'repeated':>10}{'floor':>7}")
    for name in sorted(cold):
        print(
            f"  {name:<13}{cold[name]:>6}{warm[name]:>6}{repeated[name]:>10}{least.get(name, 0):>7}"
        )
    print(
        f"  {'all':<13}{sum(cold.values()):>6}{sum(warm.values()):>6}"
        f"{sum(repeated.values()):>10}{sum(least.values()):>7}"
    )
    print(
        f"  API+sandbox CPU in the client process: warm {warm_cpu * 1000:.0f} ms, "
        f"repeated {repeated_cpu * 1000:.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1.0, 4.0])
    args = parser.parse_args()
    for scale in args.scales:
        asyncio.run(measure(scale))


if __name__ == "__main__":
    main()
