"""Reads and writes while one vendor fails 30% of its calls: prints how many queries came back
complete, partial or empty, and how many writes landed twice. Asserts nothing.

Run: ``.venv/bin/python -m bench.resilience [--queries 60] [--writes 40] [--error-rate 0.3]``.
Every query also reads the AutoSync shop, whose client-side budget (100 requests a minute,
as the vendor allows) paces runs much longer than the default.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
from collections import Counter
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import CacheConfig, ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions, start_sandbox

KEY = "bench-key"
FAILING = "autosoft"
READ = """{ dealerships { id customers(first: 10) { nodes { id } }
  repairOrders(first: 10) { nodes { id customer { displayName } } } } }"""
WRITE = """mutation($input: CreateLeadInput!) { createLead(input: $input) {
  replayed userErrors { code } lead { id } } }"""


async def run(queries: int, writes: int, error_rate: float) -> None:
    sandbox = await start_sandbox(SandboxOptions(rate_limit_per_minute=1_000_000))
    config, environ = sandbox_config(
        sandbox, KEY, ServerConfig(data_dir=tempfile.mkdtemp(prefix="dealergraph-bench-"))
    )
    # Every read reaches the vendors, so the injected faults meet every query.
    no_cache = CacheConfig(**dict.fromkeys(CacheConfig.model_fields, 0))
    config = config.model_copy(update={"cache": no_cache})
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/graphql"))
    headers = {"Authorization": f"Bearer {KEY}"}
    failing = sandbox.vendors[FAILING]
    dealer = next(d.id for d in runtime.dealerships.values() if d.dms.value == FAILING)
    from graph.ids import encode_global_id

    dealership_id = encode_global_id("Dealership", dealer, dealer)
    outcomes: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    attempts = 0
    try:
        async with aiohttp.ClientSession() as http:

            async def post(body: dict[str, Any]) -> dict[str, Any]:
                async with http.post(url, json=body, headers=headers) as resp:
                    result: dict[str, Any] = await resp.json()
                    return result

            await post({"query": READ})  # sign every connection in before the faults
            failing.faults.error_rate = error_rate
            for _ in range(queries):
                result = await post({"query": READ})
                data = result.get("data")
                # A store without a list answers NOT_SUPPORTED_BY_DMS every time: not a fault.
                faults = [
                    e
                    for e in result.get("errors", [])
                    if e["extensions"]["code"] != "NOT_SUPPORTED_BY_DMS"
                ]
                messages.update(e["message"].split(":")[0][:60] for e in faults)
                if not faults:
                    outcomes["complete"] += 1
                elif data and data.get("dealerships"):
                    outcomes["partial"] += 1
                    codes.update(e["extensions"]["code"] for e in faults)
                else:
                    outcomes["failed"] += 1
            # Each write is retried by the client, with the same key, until it has an answer.
            for n in range(writes):
                variables = {
                    "input": {
                        "dealershipId": dealership_id,
                        "idempotencyKey": f"bench-lead-{n}",
                        "contact": {
                            "firstName": "Bench",
                            "lastName": f"Lead{n}",
                            "email": f"bench.lead.{n}@example.com",
                        },
                        "source": "website_digital_retail",
                        "consent": {"email": True},
                    }
                }
                for _ in range(10):
                    attempts += 1
                    result = await post({"query": WRITE, "variables": variables})
                    if result.get("data") and result["data"]["createLead"]["lead"]:
                        break
            failing.faults.error_rate = 0
            # Count at the vendor by the lead's e-mail, which is unique per logical write.
            per_email = Counter(
                (row.get("customer") or {}).get("email")
                for row in failing.state.leads
                if str((row.get("customer") or {}).get("email", "")).startswith("bench.lead.")
            )
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()
    duplicates = sum(count - 1 for count in per_email.values())
    print(f"{queries} five-store queries with {error_rate:.0%} of {FAILING} calls failing:")
    for kind in ("complete", "partial", "failed"):
        print(f"- {kind}: {outcomes[kind]} ({outcomes[kind] / queries:.0%})")
    print(f"error codes in partial answers: {dict(codes)}; messages: {dict(messages)}")
    print(
        f"{writes} leads written to {FAILING} through {attempts} client attempts: "
        f"{len(per_email)} distinct leads at the vendor, {duplicates} duplicate writes"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=60)
    parser.add_argument("--writes", type=int, default=40)
    parser.add_argument("--error-rate", type=float, default=0.3)
    args = parser.parse_args()
    asyncio.run(run(args.queries, args.writes, args.error_rate))


if __name__ == "__main__":
    main()
