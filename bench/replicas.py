"""Several ``dealergraph serve`` processes on one configuration, sharing state on Redis:
what one more replica buys on this machine. Prints figures, asserts nothing.

The vendor sandboxes run in a child process of their own; each replica is a
``dealergraph serve --config`` child (``bench.execution.start_api``); this process is the
client, spreading requests round-robin over the replicas. Every cache is off, so every
request reaches the vendors. Measured: requests a second of the 10 x 10 list (one
dealership's first 10 vehicles, 10 fields each: ``bench.execution.SMALL_LIST``) and of the
dashboard (``bench.upstream.DASHBOARD`` over the sandboxes' dealerships, AutoSync's left
out: its budget of 100 requests a minute would pace the runs), with 1 replica without
Redis, 1 and 2 replicas with it. Each row prints the median requests a second over rounds with
their spread, and the replicas' CPU per request (less sensitive than throughput to whatever
else the machine runs).

The harness (the sandbox process, the replicas' configuration) is what
``tests/scale/test_replicas.py`` runs on too. Run:
``.venv/bin/python -m bench.replicas [--rounds 3] [--seconds 3] [--clients 20]``.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from multiprocessing.connection import Connection as Pipe
from typing import Any

import aiohttp
from redis.asyncio import Redis

from adapters.models import Dms
from bench.execution import KEY, SMALL_LIST, VENDOR_NAMES, ApiProcess, start_api
from bench.upstream import DASHBOARD
from graph.config import AppConfig, BudgetConfig, CacheConfig, ServerConfig, SharedConfig
from graph.ids import encode_global_id
from graph.sandbox_mode import DEMO_KEY_ENV, LocalVendor, local_config
from sandbox import SandboxOptions, start_sandbox
from sandbox.common.faults import Faults

REDIS_URL = os.environ.get("DEALERGRAPH_TEST_REDIS", "redis://127.0.0.1:6379/0")
SHARED_KEY_ENV = "DEALERGRAPH_SHARED_KEY"

Logged = tuple[str, str, int, float]
"""A request a sandbox received: method, path, status, when it arrived (the sandbox
process's monotonic clock)."""


# --- the sandboxes, in a child process -----------------------------------------------------


def _sandbox_child(options: dict[str, Any], pipe: Pipe) -> None:
    async def serve() -> None:
        sandbox = await start_sandbox(SandboxOptions(**options))
        pipe.send(
            [
                LocalVendor(n, h.base_url, dict(h.credentials), list(h.stores))
                for n, h in sandbox.vendors.items()
            ]
        )
        loop = asyncio.get_running_loop()
        while (ask := await loop.run_in_executor(None, pipe.recv)) != "stop":
            handle = sandbox.vendors[ask]
            pipe.send([(e.method, e.path, e.status, e.started) for e in handle.requests.entries])
        await sandbox.stop()

    asyncio.run(serve())


@dataclass
class SandboxProcess:
    vendors: list[LocalVendor]
    _pipe: Pipe
    _child: Any

    async def requests(self, vendor: str) -> list[Logged]:
        """Every request ``vendor``'s sandbox received so far."""
        self._pipe.send(vendor)
        return await asyncio.get_running_loop().run_in_executor(None, self._pipe.recv)


@asynccontextmanager
async def sandbox_process(**options: Any) -> AsyncIterator[SandboxProcess]:
    """The sandboxes (``SandboxOptions(**options)``) serving in a child process."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=_sandbox_child, args=(options, theirs), daemon=True)
    child.start()
    try:
        vendors = await asyncio.get_running_loop().run_in_executor(None, ours.recv)
        yield SandboxProcess(vendors, ours, child)
    finally:
        ours.send("stop")
        await asyncio.get_running_loop().run_in_executor(None, child.join, 10)
        if child.is_alive():
            child.terminate()


# --- the replicas ----------------------------------------------------------------------------


def replica_config(
    vendors: Sequence[LocalVendor],
    *,
    redis_prefix: str | None,
    server: dict[str, Any] | None = None,
    autosync_budget: tuple[int, float] | None = None,
) -> tuple[AppConfig, dict[str, str]]:
    """One configuration for every replica: every vendor, every cache off, client limits
    out of the way; on Redis under ``redis_prefix`` (None: nothing shared).
    ``autosync_budget``: AutoSync's (requests, seconds), where the sandbox was given another
    window than its page's minute."""
    settings = ServerConfig(
        max_query_cost=10**6,
        client_cost_capacity=10**9,
        client_cost_restore_rate=10**9,
        data_dir=tempfile.mkdtemp(prefix="dealergraph-replicas-"),
        **(server or {}),
    )
    config, environ = local_config(vendors, KEY, settings)
    budget = None
    if autosync_budget is not None:
        budget = BudgetConfig(requests=autosync_budget[0], per_seconds=autosync_budget[1])
    connections = [
        c.model_copy(update={"request_budget": budget})
        if budget is not None and c.dms is Dms.AUTOSYNC
        else c
        for c in config.connections
    ]
    update: dict[str, Any] = {
        "connections": connections,
        "cache": CacheConfig(**dict.fromkeys(CacheConfig.model_fields, 0)),
    }
    if redis_prefix is not None:
        update["shared"] = SharedConfig(redis_url=REDIS_URL, key_prefix=redis_prefix)
        environ[SHARED_KEY_ENV] = secrets.token_urlsafe(32)
    environ[DEMO_KEY_ENV] = KEY
    return AppConfig.model_validate({**config.model_dump(), **update}), environ


@asynccontextmanager
async def replicas(
    config: AppConfig, environ: dict[str, str], count: int
) -> AsyncIterator[list[ApiProcess]]:
    """``count`` ``dealergraph serve`` processes on ``config``, each ready (``/readyz``: its
    start-up round reached every connection); stopped afterwards."""
    started: list[ApiProcess] = []
    try:
        started = list(await asyncio.gather(*(start_api(config, environ) for _ in range(count))))
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(*(_until_ready(http, api) for api in started))
        yield started
    finally:
        for api in started:
            if api.process.returncode is None:
                api.process.terminate()
        for api in started:
            await api.process.wait()


async def _until_ready(http: aiohttp.ClientSession, api: ApiProcess) -> None:
    url = api.url.removesuffix("/graphql") + "/readyz"
    for _ in range(1200):  # a minute: several starting at once on a busy machine
        async with http.get(url) as answer:
            if answer.status == 200:
                return
        await asyncio.sleep(0.05)
    raise RuntimeError(f"{url} never became ready")


async def forget_keys(prefix: str) -> None:
    """Delete every Redis key under ``prefix`` (a run's own)."""
    redis = Redis.from_url(REDIS_URL)
    try:
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
    finally:
        await redis.aclose()


async def post(
    http: aiohttp.ClientSession, api: ApiProcess, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    body = {"query": query, "variables": variables}
    headers = {"Authorization": f"Bearer {KEY}"}
    async with http.post(api.url, json=body, headers=headers) as answer:
        return dict(await answer.json())


def dealership_id(config: AppConfig, dms: Dms) -> str:
    """The global id of the first dealership on ``dms``."""
    entry = next(d.id for c in config.connections if c.dms is dms for d in c.dealerships)
    return encode_global_id("Dealership", entry, entry)


# --- the measurement -------------------------------------------------------------------------


async def throughput(
    apis: Sequence[ApiProcess],
    query: str,
    variables: dict[str, Any],
    clients: int,
    seconds: float,
) -> tuple[float, float]:
    """Requests a second with ``clients`` posting back to back, spread over ``apis``, and
    the replicas' CPU seconds per request (every thread, from the kernel's accounting)."""
    done = 0
    stop = time.perf_counter() + seconds
    connector = aiohttp.TCPConnector(limit=clients * 2)
    async with aiohttp.ClientSession(connector=connector) as http:

        async def worker(n: int) -> None:
            nonlocal done
            api = apis[n % len(apis)]
            while time.perf_counter() < stop:
                answer = await post(http, api, query, variables)
                codes = {e["extensions"]["code"] for e in answer.get("errors", ())}
                if codes - {"NOT_SUPPORTED_BY_DMS"}:
                    messages = {e["message"] for e in answer["errors"]}
                    raise RuntimeError(f"unexpected errors {codes}: {messages}")
                done += 1

        cpu, begun = sum(api.cpu() for api in apis), time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        wall = time.perf_counter() - begun
        return done / wall, (sum(api.cpu() for api in apis) - cpu) / max(done, 1)


async def run(rounds: int, seconds: float, clients: int) -> None:
    setups = (("1 replica, no Redis", 1, False), ("1 replica, Redis", 1, True))
    setups += (("2 replicas, Redis", 2, True),)
    rows: dict[str, list[tuple[float, float]]] = {}
    prefixes: list[str] = []
    # The setups are separate deployments on the same sandbox logins, signing in within one
    # TOTP step: let them share a step's code, as separate users would each have their own.
    faults = {name: Faults(mfa_replay_check=False) for name in VENDOR_NAMES}
    options = {"seed": 1, "rate_limit_per_minute": 10**9, "faults": faults}
    async with (
        sandbox_process(**options) as sandbox,
        AsyncExitStack() as stack,
    ):
        vendors = [v for v in sandbox.vendors if v.name != "autosync"]  # its budget would pace
        try:
            # Every setup runs at once (each on a Redis prefix of its own) and the rounds
            # interleave them, so whatever else the machine does weighs on each alike.
            running = []
            for label, count, on_redis in setups:
                prefix = f"dealergraph-bench:{secrets.token_hex(6)}" if on_redis else None
                prefixes += [prefix] if prefix is not None else []
                config, environ = replica_config(vendors, redis_prefix=prefix)
                apis = await stack.enter_async_context(replicas(config, environ, count))
                await throughput(apis, DASHBOARD, {}, len(apis), 0.5)  # warm up
                running.append((label, apis, {"id": dealership_id(config, Dms.AUTOSOFT)}))
            for _ in range(rounds):
                for label, apis, small in running:
                    for name, query, variables in (
                        ("10 x 10 list", SMALL_LIST, small),
                        ("dashboard", DASHBOARD, {}),
                    ):
                        figures = await throughput(apis, query, variables, clients, seconds)
                        rows.setdefault(f"{name}, {label}", []).append(figures)
        finally:
            await stack.aclose()
            for prefix in prefixes:
                await forget_keys(prefix)
    print(f"bench.replicas: {rounds} rounds of {seconds:g} s, {clients} clients,")
    print(f"  {os.cpu_count()} CPUs shared by the replicas, the sandboxes and this client")
    print(f"  load average at the end: {os.getloadavg()}")
    print(f"{'':<36}{'requests/s':>11} {'[spread]':<15}{'API CPU ms/request':>19}")
    for label, samples in rows.items():
        rps = [r for r, _ in samples]
        cpu = statistics.median(c for _, c in samples) * 1e3
        spread = f"[{min(rps):.1f}-{max(rps):.1f}]"
        print(f"{label:<36}{statistics.median(rps):>11.1f} {spread:<15}{cpu:>19.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=3.0, help="per throughput run")
    parser.add_argument("--clients", type=int, default=20, help="concurrent requests")
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.seconds, args.clients))


if __name__ == "__main__":
    main()
