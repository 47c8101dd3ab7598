"""Change-event latency and the vendor requests polling spends: prints figures, asserts
nothing.

Starts the AutoSync and AutoSoft sandboxes and the API in-process on loopback (sandbox
data dated from today, as in ``dealergraph serve``), then:

- **webhook to subscriber**: a ``dealershipEvents`` subscriber (graphql-transport-ws) is
  open; a work order moves on in the AutoSync sandbox, which POSTs its signed webhook; the
  time until the subscriber holds the event, over ``--rounds`` rounds;
- **change to polled event**: a lead is created in the AutoSoft sandbox through the graph;
  the time until a poller running every ``--interval`` seconds has recorded it (at most
  one interval plus one round's requests);
- **polling cost**: the vendor requests of idle poll rounds per store, and per minute at
  the default interval of 60 s.

Run: ``.venv/bin/python -m bench.events [--rounds 20] [--interval 1] [--dsn DSN]``;
``--dsn postgresql://postgres@127.0.0.1:5432/postgres`` keeps the log (and the idempotency
records) in PostgreSQL, as a deployment of several replicas does.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import random
import statistics
import tempfile
import time
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import ServerConfig
from graph.events.polling import Poller
from graph.ids import encode_global_id
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config, wire_sandbox_webhooks
from sandbox import SandboxOptions, start_sandbox

KEY = "bench-events-key"
SUBSCRIBE = "subscription { dealershipEvents { cursor type } }"
LEAD = """mutation($i: CreateLeadInput!) { createLead(input: $i) { lead { vendorId } } }"""


def _ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]
    return f"median {statistics.median(ordered) * 1000:.1f} ms, p90 {p90 * 1000:.1f} ms"


async def webhook_latency(http: aiohttp.ClientSession, url: str, sandbox: Any, rounds: int) -> None:
    ws = await http.ws_connect(url.replace("http://", "ws://"), protocols=["graphql-transport-ws"])
    await ws.send_json({"type": "connection_init", "payload": {"Authorization": f"Bearer {KEY}"}})
    await ws.receive_json()
    await ws.send_json({"id": "1", "type": "subscribe", "payload": {"query": SUBSCRIBE}})
    simulate = sandbox.vendors["autosync"].state.simulate_activity
    took = []
    for _ in range(rounds):
        started = time.perf_counter()
        if simulate() is None:
            break  # every work order has reached its end
        message = await ws.receive_json(timeout=10)
        assert message["type"] == "next", message
        took.append(time.perf_counter() - started)
    await ws.close()
    print(f"webhook to subscriber ({len(took)} events): {_ms(took)}")


async def polling(
    http: aiohttp.ClientSession,
    url: str,
    runtime: Runtime,
    sandbox: Any,
    interval: float,
    trials: int = 10,
) -> None:
    assert runtime.events is not None
    autosoft = [d for d in runtime.dealerships.values() if d.dms.value == "autosoft"]
    poller = Poller(autosoft, runtime.events.log, interval=interval, record=runtime.events.record)
    await poller.poll_all()  # marks
    await poller.poll_all()  # sign-in
    log = sandbox.vendors["autosoft"].requests
    log.reset()
    idle_rounds = 5
    for _ in range(idle_rounds):
        await poller.poll_all()
    per_round = log.count() / idle_rounds
    print(
        f"polling cost (idle): {per_round:.0f} requests per round per store "
        f"({len(poller.feeds())} feeds); {per_round:.0f} a minute per store at the default "
        f"60 s interval"
    )
    task = asyncio.create_task(poller.run())
    events = runtime.events.log
    dealer = autosoft[0].id
    headers = {"Authorization": f"Bearer {KEY}"}
    took = []
    for trial in range(trials):
        await asyncio.sleep(random.uniform(0, interval))  # any phase of the poll cycle
        before = await events.last_cursor()
        started = time.perf_counter()
        variables = {
            "i": {
                "dealershipId": encode_global_id("Dealership", dealer, dealer),
                "idempotencyKey": f"bench-{time.time()}-{trial}",
                "contact": {"firstName": "Bench", "lastName": "Lead", "email": "b@example.com"},
                "source": "website_digital_retail",
                "consent": {"email": True},
            }
        }
        body = {"query": LEAD, "variables": variables}
        async with http.post(url, json=body, headers=headers) as answer:
            assert "errors" not in await answer.json()
        while True:
            marker = events.marker()
            if await events.last_cursor() != before:
                break
            await events.wait(marker)
        took.append(time.perf_counter() - started)
    task.cancel()
    print(
        f"change to polled event (interval {interval:g} s, {trials} changes): {_ms(took)},"
        f" worst {max(took) * 1000:.0f} ms"
    )


async def main_async(rounds: int, interval: float, dsn: str | None) -> None:
    options = SandboxOptions(rate_limit_per_minute=100_000, today=datetime.date.today())
    sandbox = await start_sandbox(options, vendors=("autosoft", "autosync"))
    data_dir = tempfile.mkdtemp(prefix="bench-events-")
    server_config = ServerConfig(data_dir=data_dir, idempotency_dsn=dsn)
    config, environ = sandbox_config(sandbox, KEY, server_config)
    print(f"event log: {'PostgreSQL' if dsn else 'SQLite'}")
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    url = str(server.make_url("/graphql"))
    wire_sandbox_webhooks(sandbox, runtime, url.removesuffix("/graphql"))
    try:
        async with aiohttp.ClientSession() as http:
            await webhook_latency(http, url, sandbox, rounds)
            await polling(http, url, runtime, sandbox, interval)
    finally:
        await server.close()
        await runtime.close()
        await sandbox.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--dsn", default=None, help="PostgreSQL for the log (default: SQLite)")
    args = parser.parse_args()
    asyncio.run(main_async(args.rounds, args.interval, args.dsn))


if __name__ == "__main__":
    main()
