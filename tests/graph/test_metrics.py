"""/metrics: vendor requests as the sandboxes logged them, operations by name and outcome,
errors by code, and each dealership's connection state."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from graph.metrics import Metrics
from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api

RO = """query Board($d: ID!) { dealership(id: $d) { repairOrders(first: 3) { nodes { id } } } }"""
VEHICLES = """query Lot($d: ID!) { dealership(id: $d) { vehicles(first: 2) { nodes { id } } } }"""


@pytest.fixture
async def api() -> AsyncIterator[Api]:
    async for value in start_api(SandboxOptions(seed=8, rate_limit_per_minute=100_000)):
        yield value


async def scrape(api: Api) -> dict[str, list[tuple[dict[str, str], float]]]:
    async with api.http.get(api.url.replace("/graphql", "/metrics")) as answer:
        assert answer.status == 200
        text = await answer.text()
    return {
        family.name: [(s.labels, s.value) for s in family.samples if s.name.endswith("_total")]
        or [(s.labels, s.value) for s in family.samples]
        for family in text_string_to_metric_families(text)
    }


async def test_vendor_requests_match_the_vendors_logs(api: Api) -> None:
    for vendor in ("autosoft", "autosync"):
        await api.data(RO, {"d": api.dealership_id(vendor)})
    metrics = await scrape(api)
    sent = metrics["dealergraph_vendor_requests"]
    for vendor in ("autosoft", "autosync"):
        ours = sum(v for labels, v in sent if labels["vendor"] == vendor)
        logged = api.upstream_requests(vendor)
        assert ours == logged > 0, vendor
    endpoints = {labels["endpoint"] for labels, _ in sent}
    assert {"sign_in", "repair_orders"} <= endpoints
    assert all(labels["status"] == "200" for labels, _ in sent if labels["vendor"] == "autosync")


async def test_operations_errors_and_connection_states(api: Api) -> None:
    await api.data(RO, {"d": api.dealership_id("autosoft")})
    unsupported = await api.query(VEHICLES, {"d": api.dealership_id("autosync")})
    assert unsupported["errors"][0]["extensions"]["code"] == "NOT_SUPPORTED_BY_DMS"
    await api.query("{ nope }")
    metrics = await scrape(api)
    operations = {
        (labels["operation"], labels["outcome"]): value
        for labels, value in metrics["dealergraph_graphql_operations"]
    }
    assert operations[("Board", "ok")] == 1
    assert operations[("Lot", "partial")] == 1 or operations[("Lot", "error")] == 1
    assert operations[("-", "error")] == 1  # a document that does not validate has no name
    errors = {labels["code"]: value for labels, value in metrics["dealergraph_graphql_errors"]}
    assert errors["NOT_SUPPORTED_BY_DMS"] == 1 and errors["GRAPHQL_VALIDATION_FAILED"] == 1
    states = {
        labels["dealership"]: labels["state"]
        for labels, _ in metrics["dealergraph_dealership_connection_state"]
    }
    assert len(states) == 2 and states[next(iter(api.runtime.dealerships))] == "ok"


def test_operations_count_by_name_and_outcome() -> None:
    metrics = Metrics()
    answers: list[tuple[str | None, list[dict[str, object]], bool]] = [
        ("Board", [], True),
        ("Board", [{"extensions": {"code": "THROTTLED"}}], False),
        ("Board", [], True),
        ("Board", [{"message": "no code"}], True),
        (None, [], True),
    ]
    for name, errors, has_data in answers:
        metrics.operation(name, errors, has_data=has_data, seconds=0.25)
    families = {
        f.name: f.samples for f in text_string_to_metric_families(metrics.render().decode())
    }
    operations = {
        (s.labels["operation"], s.labels["outcome"]): s.value
        for s in families["dealergraph_graphql_operations"]
        if s.name.endswith("_total")
    }
    assert operations == {
        ("Board", "ok"): 2,
        ("Board", "error"): 1,
        ("Board", "partial"): 1,
        ("-", "ok"): 1,
    }
    timed = {
        s.labels["operation"]: s.value
        for s in families["dealergraph_graphql_operation_seconds"]
        if s.name.endswith("_count")
    }
    assert timed == {"Board": 4, "-": 1}
    errors = {
        s.labels["code"]: s.value
        for s in families["dealergraph_graphql_errors"]
        if s.name.endswith("_total")
    }
    assert errors == {"THROTTLED": 1, "-": 1}
