"""Schema-aware fuzzing at scale: prints counts, asserts nothing.

Runs ``--operations`` random operations (``tests.graph.fuzz``) over HTTP against the API
on the five vendor sandboxes, in-process, and prints how many answered with data, with
each error code, with an HTTP 5xx and with ``INTERNAL_ERROR`` (the contract: 0 and 0).
Run: ``.venv/bin/python -m bench.fuzz [--operations 5000] [--seed 1]``.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import Counter

from graph.schema import build_schema
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, start_api
from tests.graph.fuzz import Fuzzer, outcome
from tests.graph.test_fuzz import real_ids

VENDORS = ("autosoft", "automate", "dealertrack", "dealercenter", "autosync")


async def run(operations: int, seed: int) -> None:
    options = SandboxOptions(seed=seed, rate_limit_per_minute=100_000)
    async for api in start_api(options, vendors=VENDORS):
        fuzzer = Fuzzer(build_schema()._schema, await real_ids(api), random.Random(seed))
        verdicts: Counter[str] = Counter()
        codes: Counter[str] = Counter()
        with_data = 0
        started = time.perf_counter()
        for _ in range(operations):
            query, variables = fuzzer.operation()
            response = await api.post({"query": query, "variables": variables}, key=FULL_KEY)
            json_body = response.content_type == "application/json"
            body = await response.json() if json_body else None
            verdicts[outcome(response.status, body)] += 1
            if body and body.get("data"):
                with_data += 1
            for error in (body or {}).get("errors") or ():
                codes[(error.get("extensions") or {}).get("code", "(none)")] += 1
        took = time.perf_counter() - started
        print(f"{operations} operations in {took:.1f} s; answered with data: {with_data}")
        print(f"HTTP 5xx: {verdicts['http-5xx']}; INTERNAL_ERROR: {verdicts['internal-error']}")
        for code, count in codes.most_common():
            print(f"  {code}: {count}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--operations", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    asyncio.run(run(args.operations, args.seed))


if __name__ == "__main__":
    main()
