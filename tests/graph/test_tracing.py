"""Tracing: a span per GraphQL operation continuing the caller's traceparent, a child span
per vendor request whose context reaches the vendor, and nothing of it when tracing is off."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import AsyncIterator

import aiohttp
import pytest
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode
from pydantic import SecretStr

from adapters.auth import BearerKeyAuth
from adapters.errors import UpstreamUnavailable
from adapters.http import HttpClient, HttpPolicy
from adapters.response_cache import NO_CACHE
from graph.config import ConfigError, TracingConfig
from graph.otel_tracing import OtelTracing
from graph.tracing import NoTracing
from graph.tracing_setup import build_tracing
from sandbox import SandboxOptions, start_sandbox
from sandbox.common.faults import Faults
from tests.graph.conftest import FULL_KEY, Api, start_api
from tests.virtual_clock import InstantClock

BOARD = """query Board($d: ID!) { dealership(id: $d) {
  repairOrders(first: 2) { nodes { id } } } }"""
CALLER_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN = "00f067aa0ba902b7"


@pytest.fixture
async def traced() -> AsyncIterator[tuple[Api, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    options = SandboxOptions(seed=3, rate_limit_per_minute=100_000)
    async for api in start_api(options, tracing=OtelTracing.exporting_to(exporter)):
        yield api, exporter


async def board(api: Api, vendor: str, headers: dict[str, str] | None = None) -> str:
    """Runs the Board query for ``vendor``'s dealership; the request id answered."""
    body = {"query": BOARD, "variables": {"d": api.dealership_id(vendor)}}
    sent = {"Authorization": f"Bearer {FULL_KEY}", **(headers or {})}
    async with api.http.post(api.url, json=body, headers=sent) as response:
        answer = await response.json()
        assert response.status == 200 and "errors" not in answer, answer
        return response.headers["X-Request-ID"]


def split(spans: tuple[ReadableSpan, ...]) -> tuple[ReadableSpan, list[ReadableSpan]]:
    operations = [s for s in spans if s.kind is SpanKind.SERVER]
    assert len(operations) == 1, [s.name for s in spans]
    return operations[0], [s for s in spans if s.kind is SpanKind.CLIENT]


async def test_an_operation_span_parents_a_span_per_vendor_request(
    traced: tuple[Api, InMemorySpanExporter],
) -> None:
    api, exporter = traced
    api.reset_upstream_counts()
    rid = await board(api, "autosoft")  # the first request signs in
    operation, vendor = split(exporter.get_finished_spans())

    assert operation.name == "query Board"
    assert operation.parent is None  # no traceparent came: a new trace
    assert dict(operation.attributes or {}) == {
        "dealergraph.client": "sandbox-demo",
        "dealergraph.request_id": rid,
        "graphql.operation.name": "Board",
        "graphql.operation.type": "query",
        "dealergraph.outcome": "ok",
    }
    assert len(vendor) == api.upstream_requests("autosoft") > 1
    for span in vendor:
        assert span.parent is not None and span.parent.span_id == operation.context.span_id
        assert span.context.trace_id == operation.context.trace_id
        attributes = dict(span.attributes or {})
        assert attributes["dealergraph.vendor"] == "autosoft"
        assert attributes["http.response.status_code"] == 200
        assert attributes["http.request.resend_count"] == 0
        assert span.name == f"autosoft {attributes['dealergraph.endpoint']}"
    endpoints = [dict(s.attributes or {})["dealergraph.endpoint"] for s in vendor]
    assert endpoints[0] == "sign_in" and "repair_orders" in endpoints


async def test_a_callers_traceparent_is_continued_and_reaches_every_vendor_request(
    traced: tuple[Api, InMemorySpanExporter],
) -> None:
    api, exporter = traced
    api.reset_upstream_counts()
    caller = f"00-{CALLER_TRACE}-{CALLER_SPAN}-01"
    await board(api, "autosync", {"traceparent": caller})
    operation, vendor = split(exporter.get_finished_spans())

    assert format(operation.context.trace_id, "032x") == CALLER_TRACE
    assert operation.parent is not None
    assert format(operation.parent.span_id, "016x") == CALLER_SPAN
    assert operation.parent.is_remote
    logged = [e.traceparent for e in api.sandbox.vendors["autosync"].requests.entries]
    sent = [f"00-{CALLER_TRACE}-{format(s.context.span_id, '016x')}-01" for s in vendor]
    assert logged and sorted(logged) == sorted(sent)  # type: ignore[type-var]
    assert {dict(s.attributes or {})["dealergraph.store"] for s in vendor} - {None}


async def test_spans_carry_no_secret(traced: tuple[Api, InMemorySpanExporter]) -> None:
    api, exporter = traced
    await board(api, "autosync")
    await board(api, "autosoft")
    secrets = {FULL_KEY}
    for handle in api.sandbox.vendors.values():
        secrets |= {v for v in handle.credentials.values() if len(v) >= 6}
    for span in exporter.get_finished_spans():
        text = f"{span.name} {dict(span.attributes or {})}"
        assert not [s for s in secrets if s in text], span.name


async def test_a_failed_operation_is_an_error_span(
    traced: tuple[Api, InMemorySpanExporter],
) -> None:
    api, exporter = traced
    answer = await api.query("query Broken { nope }")
    assert answer["errors"]
    (operation,) = exporter.get_finished_spans()
    assert dict(operation.attributes or {})["dealergraph.outcome"] == "error"
    assert operation.status.status_code is StatusCode.ERROR


async def test_each_retry_is_its_own_span_with_its_attempt() -> None:
    faults = {"autosync": Faults(fail_all=True)}
    sandbox = await start_sandbox(SandboxOptions(faults=faults), vendors=("autosync",))
    handle = sandbox.vendors["autosync"]
    exporter = InMemorySpanExporter()
    tracing = OtelTracing.exporting_to(exporter)
    clock = InstantClock()
    try:
        async with aiohttp.ClientSession() as session:
            http = HttpClient(
                session,
                handle.base_url,
                vendor="autosync",
                policy=HttpPolicy(cache_ttls=NO_CACHE, rate_budget=None, max_retries=2),
                auth=BearerKeyAuth(SecretStr(handle.credentials["api_key"])),
                clock=clock,
                sleep=clock.sleep,
                observer=tracing.observer,
            )
            with pytest.raises(UpstreamUnavailable):
                await http.get("/shops")
    finally:
        await sandbox.stop()
    spans = exporter.get_finished_spans()
    attempts = [dict(s.attributes or {})["http.request.resend_count"] for s in spans]
    assert attempts == [0, 1, 2] == list(range(handle.requests.count()))
    assert all(s.status.status_code is StatusCode.ERROR for s in spans)
    assert {dict(s.attributes or {})["http.response.status_code"] for s in spans} == {503}


async def test_off_by_default_nothing_is_sent_upstream(api: Api) -> None:
    assert isinstance(api.runtime.tracing, NoTracing) and not api.runtime.tracing.enabled
    api.reset_upstream_counts()
    api.runtime.clear_caches()
    await api.data(BOARD, {"d": api.dealership_id("autosync")})
    entries = api.sandbox.vendors["autosync"].requests.entries
    assert entries and all(e.traceparent is None for e in entries)


def test_tracing_on_without_the_extra_is_a_config_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in [m for m in sys.modules if m.startswith(("opentelemetry", "graph.otel"))]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "opentelemetry", None)  # as if not installed
    assert isinstance(build_tracing(TracingConfig()), NoTracing)  # off: never imported
    with pytest.raises(ConfigError, match=r"dealergraph\[tracing\]"):
        build_tracing(TracingConfig(exporter="otlp"))


def test_the_server_imports_nothing_of_opentelemetry() -> None:
    blocked = "import sys; sys.modules['opentelemetry'] = None; "
    modules = "import graph.app, graph.cli, graph.runtime; print('served')"
    ran = subprocess.run(
        [sys.executable, "-c", blocked + modules], capture_output=True, text=True, check=False
    )
    assert ran.returncode == 0 and ran.stdout.strip() == "served", ran.stderr


async def test_the_exporters_are_built_from_config() -> None:
    otlp = TracingConfig(exporter="otlp", endpoint="http://127.0.0.1:4318/v1/traces")
    for config in (TracingConfig(exporter="console"), otlp):
        tracing = build_tracing(config)
        assert tracing.enabled and tracing.observer is not None
        await tracing.close()  # the OTLP exporter's thread stops, nothing was sent
