"""What a query costs the API's CPU, from executing prebuilt objects to a whole request:
prints figures, asserts nothing.

Three processes, so the API's CPU is its own: the vendor sandboxes (one child process), the
API as ``dealergraph serve --config`` (a second child, started as an operator would), and
this client. API CPU per request is read from the kernel's scheduler statistics of the API
process (nanoseconds, every thread) around each request. Every cache is off, so every
request decodes and maps its vendor rows. The 33 dealerships are distinct stores: the
sandbox child runs seven sandboxes (seeds 1 to 7, each its own logins and records) of every
vendor but AutoSync, whose budget of 100 requests a minute per API key would pace the runs;
one API key sees the first 6 dealerships, another all 33. (Copies of one sandbox's stores
would read the same vendor answers, which one request shares: not what 33 stores cost.)

Last, what the serving GC settings cost in memory: a fresh API with them and one with
Python's defaults (``serve --default-gc``) get the same work; each prints its peak memory.

In-process figures run on the same 1,000 vehicles, read once through the adapter:
``json.dumps`` of the response, decoding the 10 vendor pages they came from (written as
JSON again) and mapping their rows to canonical models, building the graph objects, and
graphql-core execution on the prebuilt objects with the schema's own execution context,
all with the collector set as the API sets it (``graph.gc_tuning``). End to end less these
stages is the rest: HTTP on both sides, the request's dataloaders and collections,
encoding the response.

Every measurement runs once per round, rounds interleave them, and each row prints the
median with the spread (min-max) over rounds. Run:
``.venv/bin/python -m bench.execution [--rounds 5] [--scale 4] [--seconds 2]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import partial
from multiprocessing.connection import Connection as Pipe
from pathlib import Path
from typing import Any

import aiohttp
import strawberry
from graphql import execute, parse

from adapters.base import Capability, Window
from adapters.convert import mapped
from adapters.http import dumps as vendor_json
from adapters.http import loads
from adapters.vendors import VENDORS
from bench.upstream import DASHBOARD
from graph.config import AppConfig, CacheConfig, ClientConfig, ConnectionConfig, ServerConfig
from graph.gc_tuning import tune_for_serving
from graph.ids import encode_global_id
from graph.kinds import VEHICLES
from graph.pagination import Connection, connection_from_page
from graph.runtime import Runtime
from graph.sandbox_mode import DEMO_KEY_ENV, LocalVendor, local_config
from graph.schema import DealerGraphSchema, build_schema
from graph.types.convert import to_node
from graph.types.sales import InventoryVehicle
from graph.types.values import SCALAR_OVERRIDES
from sandbox import SandboxOptions, start_sandbox
from sandbox.common.faults import Faults

KEY = "bench-key"
SIX_KEY = "bench-six-key"
SIX_KEY_ENV = "DEALERGRAPH_BENCH_SIX_KEY"
FEW, MANY = 6, 33
PAGE_VENDOR = "autosoft"  # the DEALERSHIP profile: 300 vehicles at scale 1
FIELDS = """id vin stockNumber status year make model trim bodyStyle mileage mileageUnit
  exteriorColor interiorColor drivetrain transmission fuelType msrp askingPrice acquiredOn
  updatedAt"""  # 20 leaves: ids, enums, ints, Decimals, a date and a datetime
PAGE = "query($id: ID!, $first: Int) { dealership(id: $id) { vehicles(first: $first) {\n"
PAGE += f"  nodes {{ {FIELDS} }} }} }} }}"
SMALL_LIST = """query($id: ID!) { dealership(id: $id) { vehicles(first: 10) { nodes {
  id vin stockNumber status year make model trim mileage askingPrice } } } }"""
TYPENAME = "{ __typename }"
VENDOR_NAMES = [v.name for v in VENDORS]


# --- the sandboxes, in a child process -----------------------------------------------------


SANDBOXES = 7
"""Sandboxes of distinct stores, each with five of the 33 dealerships (Dealertrack's two
rooftops, one store of each other vendor but AutoSync)."""


def _sandbox_child(scale: float, pipe: Pipe) -> None:
    async def serve() -> None:
        # The 33-store configuration signs logins in several times at once: let them share
        # a TOTP step's code, as separate users would each have their own.
        faults = {name: Faults(mfa_replay_check=False) for name in VENDOR_NAMES}
        # No AutoSync: its budget (100 requests a minute per API key) would pace the runs.
        names = [n for n in VENDOR_NAMES if n != "autosync"]
        sandboxes = []
        for seed in range(1, SANDBOXES + 1):
            options = SandboxOptions(
                seed=seed, scale=scale, rate_limit_per_minute=10**9, faults=faults
            )
            sandboxes.append(await start_sandbox(options, vendors=names))
        pipe.send(
            [
                [
                    LocalVendor(n, h.base_url, dict(h.credentials), list(h.stores))
                    for n, h in sandbox.vendors.items()
                ]
                for sandbox in sandboxes
            ]
        )
        await asyncio.get_running_loop().run_in_executor(None, pipe.recv)
        for sandbox in sandboxes:
            await sandbox.stop()

    asyncio.run(serve())


@asynccontextmanager
async def distinct_stores(scale: float) -> AsyncIterator[list[list[LocalVendor]]]:
    """The sandbox child while the block runs: its sandboxes' vendors, as ``bench_config``
    takes them."""
    ctx = multiprocessing.get_context("spawn")
    ours, theirs = ctx.Pipe()
    child = ctx.Process(target=_sandbox_child, args=(scale, theirs), daemon=True)
    child.start()
    try:
        yield await asyncio.get_running_loop().run_in_executor(None, ours.recv)
    finally:
        ours.send("stop")
        child.join(timeout=10)


# --- the API's configuration ---------------------------------------------------------------


def bench_config(sandboxes: list[list[LocalVendor]]) -> tuple[AppConfig, dict[str, str]]:
    """Every cache off, limits out of the way, 33 dealerships of distinct stores, taken
    sandbox by sandbox; ``KEY`` sees all of them and ``SIX_KEY`` the first 6."""
    server = ServerConfig(
        max_page_size=1000,
        max_query_cost=10**6,
        client_cost_capacity=10**9,
        client_cost_restore_rate=10**9,
        data_dir=tempfile.mkdtemp(prefix="dealergraph-bench-"),
    )
    environ: dict[str, str] = {}
    connections: list[ConnectionConfig] = []
    config: AppConfig | None = None
    count = 0
    for copy, vendors in enumerate(sandboxes):
        made, secrets = local_config(vendors, KEY, server)
        config = config or made
        for conn in made.connections:
            dealerships = conn.dealerships[: MANY - count]
            if not dealerships:
                break
            # Every sandbox's secrets in environment variables of its own.
            own: dict[str, str] = {}
            for name, ref in conn.secrets.items():
                var = ref.removeprefix("env:")
                mine = f"{var}_{copy}" if copy else var
                environ[mine], own[name] = secrets[var], f"env:{mine}"
            update: dict[str, Any] = {"secrets": own}
            if copy:  # and ids of its own
                update["id"] = f"{conn.id}-{copy}"
                dealerships = [
                    d.model_copy(update={"id": f"{d.id}-{copy}", "name": f"{d.name} {copy}"})
                    for d in dealerships
                ]
            connections.append(conn.model_copy(update={**update, "dealerships": dealerships}))
            count += len(dealerships)
    if config is None or count < MANY:
        raise RuntimeError(f"{count} dealerships in {len(sandboxes)} sandboxes, {MANY} wanted")
    six = [d.id for c in connections for d in c.dealerships][:FEW]
    no_cache = CacheConfig(**dict.fromkeys(CacheConfig.model_fields, 0))
    clients = [
        *config.clients,
        config.clients[0].model_copy(update={"name": "bench-six", "key_env": SIX_KEY_ENV}),
    ]
    clients[-1] = ClientConfig.model_validate({**clients[-1].model_dump(), "dealerships": six})
    environ[SIX_KEY_ENV] = SIX_KEY
    environ[DEMO_KEY_ENV] = KEY
    final = {"connections": connections, "cache": no_cache, "clients": clients}
    return AppConfig.model_validate({**config.model_dump(), **final}), environ


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return "{" + ", ".join(f"{k} = {_toml_value(v)}" for k, v in value.items()) + "}"


def to_toml(config: AppConfig) -> str:
    lines: list[str] = []
    for name, value in config.model_dump(mode="json", exclude_none=True).items():
        rows = value if isinstance(value, list) else [value]
        for row in rows:
            lines.append(f"[[{name}]]" if isinstance(value, list) else f"[{name}]")
            lines.extend(f"{k} = {_toml_value(v)}" for k, v in row.items())
    return "\n".join(lines) + "\n"


# --- the API, as ``dealergraph serve`` in a child process ----------------------------------


def config_file(config: AppConfig) -> Path:
    """The configuration as a file ``dealergraph serve --config`` reads."""
    path = Path(tempfile.mkdtemp(prefix="dealergraph-bench-")) / "config.toml"
    path.write_text(to_toml(config))
    return path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ApiProcess:
    process: asyncio.subprocess.Process
    url: str
    started_seconds: float
    started_rss_mib: float = 0.0

    def cpu(self) -> float:
        """Seconds on CPU of every thread of the API process, to the nanosecond."""
        total = 0
        task_dir = Path(f"/proc/{self.process.pid}/task")
        for task in task_dir.iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                pass  # a thread that ended since the listing
        return total / 1e9

    def memory_mib(self, field: str = "VmRSS") -> float:
        """A memory figure of the API process from /proc (VmRSS now, VmHWM its peak)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
        return 0.0


async def serve(
    config: AppConfig, environ: dict[str, str], command: Sequence[str], *options: str
) -> tuple[asyncio.subprocess.Process, str]:
    """``command serve --config FILE --port PORT *options``, once it prints its serving
    line: the process and its GraphQL address."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        *command,
        "serve",
        "--config",
        str(config_file(config)),
        "--port",
        str(port),
        *options,
        env={**os.environ, **environ},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert process.stdout is not None
    while b"serving" not in (line := await process.stdout.readline()):
        if not line:
            raise RuntimeError("dealergraph serve ended before serving")
    return process, f"http://127.0.0.1:{port}/graphql"


async def start_api(config: AppConfig, environ: dict[str, str], *options: str) -> ApiProcess:
    exe = Path(sys.executable).with_name("dealergraph")
    begun = time.perf_counter()
    process, url = await serve(config, environ, [str(exe)], *options)
    api = ApiProcess(process, url, time.perf_counter() - begun)
    api.started_rss_mib = api.memory_mib()
    return api


# --- measurements --------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    unit: str
    scale: float = 1.0
    samples: list[float] = field(default_factory=list)

    def line(self) -> str:
        values = [v * self.scale for v in self.samples]
        if not values:
            return f"{self.label:<58} (no samples)"
        return (
            f"{self.label:<58}{statistics.median(values):>10.2f} {self.unit:<8}"
            f"[{min(values):.2f}-{max(values):.2f}] n={len(values)}"
        )


async def post(
    http: aiohttp.ClientSession, url: str, query: str, variables: dict[str, Any], key: str = KEY
) -> bytes:
    """The API's answer to one query; anything but a 200 with expected errors raises."""
    headers = {"Authorization": f"Bearer {key}"}
    body = {"query": query, "variables": variables}
    async with http.post(url, json=body, headers=headers) as resp:
        raw = await resp.read()
    if resp.status != 200:
        raise RuntimeError(f"{resp.status}: {raw[:300]!r}")
    if b'"errors"' in raw:
        # A DMS without a list (DealerCenter has no service side) is an expected answer.
        codes = {e["extensions"]["code"] for e in json.loads(raw)["errors"]}
        if codes - {"NOT_SUPPORTED_BY_DMS"}:
            raise RuntimeError(f"unexpected errors {codes}: {raw[-600:]!r}")
    return raw


class Client:
    def __init__(self, http: aiohttp.ClientSession, api: ApiProcess) -> None:
        self.http = http
        self.api = api

    async def post(self, query: str, variables: dict[str, Any], key: str = KEY) -> bytes:
        return await post(self.http, self.api.url, query, variables, key)

    async def cpu_of(self, query: str, variables: dict[str, Any], key: str = KEY) -> float:
        before = self.api.cpu()
        await self.post(query, variables, key)
        return self.api.cpu() - before

    async def throughput(
        self, query: str, variables: dict[str, Any], clients: int, seconds: float
    ) -> tuple[float, float]:
        """(requests a second, API CPU share) with ``clients`` posting back to back."""
        done = 0
        stop = time.perf_counter() + seconds

        async def worker() -> None:
            nonlocal done
            while time.perf_counter() < stop:
                await self.post(query, variables)
                done += 1

        cpu, begun = self.api.cpu(), time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        wall = time.perf_counter() - begun
        return done / wall, (self.api.cpu() - cpu) / wall


@dataclass
class Prebuilt:
    """1,000 vehicles read once, and a schema whose root holds them as built objects."""

    models: list[Any]
    dealership_id: str
    schema: DealerGraphSchema
    document: Any
    context_class: Any
    pages: list[bytes] = field(default_factory=list)
    """The vendor pages the models came from, as JSON again (``adapters.http.dumps``)."""
    mapper: Callable[[Any], Any] | None = None
    """The vendor's mapper of a row to its canonical model."""

    def decode(self) -> list[Any]:
        """The pages' rows, decoded as the adapters decode a vendor answer."""
        return [row for page in self.pages for row in loads(page)["items"]]

    def map(self, rows: list[Any]) -> list[Any]:
        assert self.mapper is not None
        return [mapped(self.mapper, row, source="bench") for row in rows]

    def build(self) -> Connection[InventoryVehicle]:
        from adapters.base import Page

        page = Page(items=self.models, has_next=True, total=None)
        window = Window(offset=0, limit=len(self.models))
        return connection_from_page(
            page, window, lambda m: to_node(InventoryVehicle, m, self.dealership_id)
        )

    def execute(self, connection: Connection[InventoryVehicle]) -> dict[str, Any]:
        result = execute(
            self.schema._schema,
            self.document,
            root_value=_BenchRoot(vehicles=connection),
            executor_class=self.context_class,
        )
        assert not isinstance(result, Awaitable) and not result.errors, result
        return {"data": result.data}


@strawberry.type
class _BenchRoot:
    vehicles: Connection[InventoryVehicle]


async def prebuilt(config: AppConfig, environ: dict[str, str], rows: int) -> Prebuilt:
    runtime = await Runtime.start(config, environ)
    try:
        entry = next(d for d in runtime.dealerships.values() if d.dms.value == PAGE_VENDOR)
        page = await VEHICLES.list(
            entry.adapter, entry.store_id, VEHICLES.empty_filter, Window(0, rows)
        )
        pages, mapper = await _vendor_pages(entry.adapter, rows)
    finally:
        await runtime.close()
    schema = DealerGraphSchema(query=_BenchRoot, scalar_overrides=SCALAR_OVERRIDES)
    document = parse(f"{{ vehicles {{ nodes {{ {FIELDS} }} }} }}")
    context_class = build_schema().execution_context_class
    models = list(page.items)
    return Prebuilt(models, entry.id, schema, document, context_class, pages, mapper)


async def _vendor_pages(adapter: Any, rows: int) -> tuple[list[bytes], Callable[[Any], Any]]:
    """The vendor pages a read of ``rows`` vehicles makes (as JSON again), and the mapper."""
    resource = adapter.spec.resources[Capability.VEHICLES]
    api = adapter._api  # the adapter's own REST reads: the bench wants the pages themselves
    size = api.style.max_page_size
    bodies = [
        await api.http.get(
            resource.path, {api.style.page_param: str(n), api.style.size_param: str(size)}
        )
        for n in range(1, -(-rows // size) + 1)
    ]
    return [vendor_json(body).encode() for body in bodies], resource.mapper


async def gc_cost(
    config: AppConfig, environ: dict[str, str], dealership: dict[str, str], rounds: int
) -> list[str]:
    """The same work on a fresh API with the serving GC settings and with Python's
    defaults: peak and final memory, and API CPU per 1,000-row page and 33-store dashboard."""
    lines = []
    for label, options in (("tuned GC", ()), ("default GC (--default-gc)", ("--default-gc",))):
        api = await start_api(config, environ, *options)
        try:
            async with aiohttp.ClientSession() as http:
                client = Client(http, api)
                await client.post(DASHBOARD, {})
                pages, boards = [], []
                for _ in range(rounds):
                    pages.append(await client.cpu_of(PAGE, {**dealership, "first": 1000}))
                    boards.append(await client.cpu_of(DASHBOARD, {}))
                await client.throughput(SMALL_LIST, dealership, 50, 2.0)
            lines.append(
                f"{label:<28} RSS at start {api.started_rss_mib:.0f} MiB, peak"
                f" {api.memory_mib('VmHWM'):.0f} MiB, at the end {api.memory_mib():.0f} MiB;"
                f" API CPU 1,000 x 20 page {statistics.median(pages) * 1e3:.1f} ms,"
                f" dashboard of 33 {statistics.median(boards) * 1e3:.0f} ms (medians of {rounds})"
            )
        finally:
            api.process.terminate()
            await api.process.wait()
    return lines


def _timed(fn: Callable[[], Any], repeat: int) -> float:
    best = []
    for _ in range(repeat):
        begun = time.process_time()
        fn()
        best.append(time.process_time() - begun)
    return statistics.median(best)


async def run(rounds: int, scale: float, seconds: float) -> None:
    async with distinct_stores(scale) as sandboxes:
        await _measure(rounds, scale, seconds, *bench_config(sandboxes))


async def _measure(
    rounds: int, scale: float, seconds: float, config: AppConfig, environ: dict[str, str]
) -> None:
    api = await start_api(config, environ)
    rows: dict[str, Row] = {}

    def row(label: str, unit: str, scale: float = 1.0) -> Row:
        return rows.setdefault(label, Row(label, unit, scale))

    try:
        pre = await prebuilt(config, environ, 1000)
        # The in-process stages with the collector set as the API sets it: with Python's
        # defaults they would count young collections the API does not run, and the rest
        # (end to end less the stages) would come out short, below zero in some rounds.
        tune_for_serving()
        entry_id = next(
            d.id for c in config.connections for d in c.dealerships if c.dms.value == PAGE_VENDOR
        )
        dealership = {"id": encode_global_id("Dealership", entry_id, entry_id)}
        connector = aiohttp.TCPConnector(limit=100)
        async with aiohttp.ClientSession(connector=connector) as http:
            client = Client(http, api)
            # Sign every login in and warm the API's code paths before measuring.
            await client.post(DASHBOARD, {})
            await client.post(PAGE, {**dealership, "first": 1000})
            for _ in range(rounds):
                built = pre.build()
                response = pre.execute(built)
                dumps = _timed(partial(json.dumps, response), 5)
                execution = _timed(partial(pre.execute, built), 3)
                row("json.dumps of the 1,000 x 20 response", "ms", 1e3).samples.append(dumps)
                row("execution on prebuilt objects, 1,000 x 20", "ms", 1e3).samples.append(
                    execution
                )
                row("  execution / json.dumps", "x").samples.append(execution / dumps)
                decoded = pre.decode()
                stages = {
                    "decoding the 10 vendor pages (loads)": _timed(pre.decode, 3),
                    "mapping 1,000 vendor rows to models": _timed(partial(pre.map, decoded), 3),
                    "building the graph objects, 1,000 rows": _timed(pre.build, 3),
                }
                for label, seconds in stages.items():
                    row(label, "ms", 1e3).samples.append(seconds)
                # Each round's request figures are medians of several requests (three
                # pages, five 100-row lists): one request's figure swings with whatever
                # else the machine does at that moment.
                page_cpu = statistics.median(
                    [await client.cpu_of(PAGE, {**dealership, "first": 1000}) for _ in range(3)]
                )
                row("API CPU end to end, 1,000 x 20 page", "ms", 1e3).samples.append(page_cpu)
                row("  end to end / json.dumps", "x").samples.append(page_cpu / dumps)
                rest = page_cpu - sum(stages.values()) - execution
                row("  less the stages above and execution", "ms", 1e3).samples.append(rest)
                row("  per row at 1,000 rows", "us", 1e6).samples.append(page_cpu / 1000)
                small = statistics.median(
                    [await client.cpu_of(PAGE, {**dealership, "first": 100}) for _ in range(5)]
                )
                row("API CPU per row at 100 rows", "us", 1e6).samples.append(small / 100)
                # What a list request costs before its rows: a 1-row page (one vendor
                # request of one row). The 100-row figure per row carries a hundredth of it,
                # the 1,000-row one a thousandth.
                fixed = statistics.median(
                    [await client.cpu_of(PAGE, {**dealership, "first": 1}) for _ in range(5)]
                )
                row("  API CPU of a 1-row page", "ms", 1e3).samples.append(fixed)
                row("  per row at 100 rows, less the 1-row page", "us", 1e6).samples.append(
                    (small - fixed) / 99
                )
                row("  per row at 1,000 rows, less the 1-row page", "us", 1e6).samples.append(
                    (page_cpu - fixed) / 999
                )
                # What each further row adds: flat per-row cost means this stays put.
                row("  each row from 100 to 1,000 rows", "us", 1e6).samples.append(
                    (page_cpu - small) / 900
                )
                six = await client.cpu_of(DASHBOARD, {}, key=SIX_KEY)
                many = await client.cpu_of(DASHBOARD, {})
                row("API CPU, dashboard of 6 dealerships", "ms", 1e3).samples.append(six)
                row("  per dealership at 6", "ms", 1e3).samples.append(six / FEW)
                row("API CPU, dashboard of 33 dealerships", "ms", 1e3).samples.append(many)
                row("  per dealership at 33", "ms", 1e3).samples.append(many / MANY)
                row("  each dealership from 6 to 33", "ms", 1e3).samples.append(
                    (many - six) / (MANY - FEW)
                )
                for query, name, variables in (
                    (TYPENAME, "{ __typename }", {}),
                    (SMALL_LIST, "10 x 10 list", dealership),
                ):
                    for clients in (10, 50):
                        rps, share = await client.throughput(query, variables, clients, seconds)
                        label = f"requests/s, {name}, {clients} clients"
                        row(label, "req/s").samples.append(rps)
                        row(f"  API CPU busy share, {name}, {clients}", "%", 100).samples.append(
                            share
                        )
        print(f"bench.execution: {rounds} rounds, sandbox scale {scale}, {os.cpu_count()} CPUs")
        print(f"load: {os.getloadavg()}")
        print(
            f"API: {api.started_seconds:.2f} s to the serving line; RSS at start"
            f" {api.started_rss_mib:.0f} MiB, at the end {api.memory_mib():.0f} MiB,"
            f" peak {api.memory_mib('VmHWM'):.0f} MiB"
        )
        print(f"{'':<58}{'median':>10} {'unit':<8}[spread]")
        for r in rows.values():
            print(r.line())
        api.process.terminate()
        await api.process.wait()
        print("GC settings, each on a fresh API given the same work:")
        for line in await gc_cost(config, environ, dealership, rounds):
            print(f"  {line}")
    finally:
        if api.process.returncode is None:
            api.process.terminate()
            await api.process.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--scale", type=float, default=4.0)
    parser.add_argument("--seconds", type=float, default=2.0, help="per throughput run")
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.scale, args.seconds))


if __name__ == "__main__":
    main()
