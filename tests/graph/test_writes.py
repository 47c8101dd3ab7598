"""Mutations end to end over HTTP: validation, scopes, support, and exactly-once delivery."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from graph.config import ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, FULL_KEY, Api, start_api
from tests.virtual_clock import VirtualClock

CREATE_LEAD = """mutation($input: CreateLeadInput!) { createLead(input: $input) {
  replayed referenceId userErrors { field code message }
  lead { id status source firstName email consent { tcpa email sms } } } }"""


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    data_dir = Path(tempfile.mkdtemp(prefix="dealergraph-writes-"))
    async for value in start_api(
        SandboxOptions(seed=2, rate_limit_per_minute=100_000), data_dir=data_dir
    ):
        yield value


def lead_input(api: Api, key: str, **over: Any) -> dict[str, Any]:
    value: dict[str, Any] = {
        "dealershipId": api.dealership_id("autosoft"),
        "idempotencyKey": key,
        "contact": {"firstName": "Jordan", "lastName": "Lee", "email": "jordan@example.com"},
        "source": "website_digital_retail",
        "consent": {"email": True},
    }
    value.update(over)
    return value


def posts(api: Api, vendor: str, path: str) -> int:
    return api.sandbox.vendors[vendor].requests.count(method="POST", path_contains=path)


async def test_create_lead_is_visible_to_the_next_query(api: Api) -> None:
    result = await api.data(CREATE_LEAD, {"input": lead_input(api, "lead-visible")})
    payload = result["createLead"]
    assert payload["userErrors"] == [] and payload["replayed"] is False
    lead = payload["lead"]
    assert lead["status"] == "NEW" and lead["email"] == "jordan@example.com"
    assert payload["referenceId"].startswith("dg-")
    again = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Lead { id firstName } } }", {"id": lead["id"]}
    )
    assert again["node"] == {"id": lead["id"], "firstName": "Jordan"}
    listed = await api.data(
        "query($d: ID!) { dealership(id: $d) { leads(first: 100, filter: {status: [NEW]}) "
        "{ nodes { id } } } }",
        {"d": api.dealership_id("autosoft")},
    )
    ids = {n["id"] for n in listed["dealership"]["leads"]["nodes"]}
    total = await api.data(
        "query($d: ID!) { dealership(id: $d) { leads(first: 0) { totalCount } } }",
        {"d": api.dealership_id("autosoft")},
    )
    assert lead["id"] in ids or total["dealership"]["leads"]["totalCount"] > 100


async def test_bad_input_is_refused_before_any_upstream_call(api: Api) -> None:
    before = posts(api, "autosoft", "/leads")
    result = await api.data(
        CREATE_LEAD,
        {
            "input": lead_input(
                api,
                "lead-bad",
                contact={"firstName": "A", "lastName": "B", "phone": "+1-412-555-0199"},
                consent={},
                vehicleOfInterest={"vin": "1FTEW1EP5PKD12346"},
                tradeIn={"vin": "2HGFB2F50CH000000", "payoff": "-5"},
            )
        },
    )
    errors = {(tuple(e["field"]), e["code"]) for e in result["createLead"]["userErrors"]}
    assert errors == {
        (("consent", "tcpa"), "MISSING_CONSENT"),
        (("consent", "sms"), "MISSING_CONSENT"),
        (("vehicleOfInterest", "vin"), "INVALID_VIN"),
        (("tradeIn", "vin"), "INVALID_VIN"),  # the vendor page's own example VIN
        (("tradeIn", "payoff"), "INVALID_MONEY"),
    }
    assert result["createLead"]["lead"] is None
    assert posts(api, "autosoft", "/leads") == before


async def test_replay_and_key_reuse(api: Api) -> None:
    first = (await api.data(CREATE_LEAD, {"input": lead_input(api, "lead-replay")}))["createLead"]
    count = posts(api, "autosoft", "/leads")
    again = (await api.data(CREATE_LEAD, {"input": lead_input(api, "lead-replay")}))["createLead"]
    assert again["replayed"] is True and again["lead"]["id"] == first["lead"]["id"]
    other = lead_input(api, "lead-replay", source="walk_in")
    reused = (await api.data(CREATE_LEAD, {"input": other}))["createLead"]
    assert [e["code"] for e in reused["userErrors"]] == ["IDEMPOTENCY_KEY_REUSED"]
    assert reused["lead"] is None
    assert posts(api, "autosoft", "/leads") == count


async def test_twenty_concurrent_duplicates_write_once(api: Api) -> None:
    before = posts(api, "autosoft", "/leads")
    variables = {"input": lead_input(api, "lead-burst")}
    results = await asyncio.gather(*(api.data(CREATE_LEAD, variables) for _ in range(20)))
    ids = {r["createLead"]["lead"]["id"] for r in results}
    assert len(ids) == 1
    assert sorted(r["createLead"]["replayed"] for r in results) == [False] + [True] * 19
    assert posts(api, "autosoft", "/leads") == before + 1


async def test_records_survive_a_restart(api: Api) -> None:
    first = (await api.data(CREATE_LEAD, {"input": lead_input(api, "lead-restart")}))["createLead"]
    count = posts(api, "autosoft", "/leads")
    config, environ = sandbox_config(
        api.sandbox, FULL_KEY, server=ServerConfig(data_dir=api.runtime.server.data_dir)
    )
    restarted = await Runtime.start(config, environ)
    try:
        from aiohttp.test_utils import TestServer

        from graph.app import create_app

        server = TestServer(create_app(restarted), host="127.0.0.1")
        await server.start_server()
        try:
            other = Api(api.http, str(server.make_url("/graphql")), restarted, api.sandbox)
            again = await other.data(CREATE_LEAD, {"input": lead_input(api, "lead-restart")})
        finally:
            await server.close()
    finally:
        await restarted.close()
    assert again["createLead"]["replayed"] is True
    assert again["createLead"]["lead"]["id"] == first["lead"]["id"]
    assert posts(api, "autosoft", "/leads") == count


async def test_key_without_scope_is_forbidden_and_nothing_is_sent(api: Api) -> None:
    before = posts(api, "autosync", "/customers")
    result = await api.query(
        """mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) {
             customer { id } } }""",
        {
            "input": {
                "dealershipId": api.dealership_id("autosync"),
                "idempotencyKey": "c-1",
                "firstName": "Mike",
                "lastName": "Rodriguez",
            }
        },
        key=AUTOSYNC_ONLY_KEY,
    )
    assert result["data"] is None
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert posts(api, "autosync", "/customers") == before


async def test_write_a_dms_cannot_do_says_so(api: Api) -> None:
    result = await api.query(
        CREATE_LEAD,
        {"input": lead_input(api, "lead-x", dealershipId=api.dealership_id("autosync"))},
    )
    [error] = result["errors"]
    assert error["extensions"]["code"] == "NOT_SUPPORTED_BY_DMS"
    assert error["extensions"]["dealershipId"] == api.dealership_id("autosync")
    capabilities = await api.data(
        "{ dealerships { dms supportedWrites } }",
    )
    writes = {d["dms"]: set(d["supportedWrites"]) for d in capabilities["dealerships"]}
    assert "CREATE_LEAD" in writes["AUTOSOFT"] and "CREATE_LEAD" not in writes["AUTOSYNC"]


async def _first_ids(api: Api, dms: str, field: str, n: int = 1) -> list[str]:
    data = await api.data(
        f"query($d: ID!) {{ dealership(id: $d) {{ {field}(first: {n}) {{ nodes {{ id }} }} }} }}",
        {"d": api.dealership_id(dms)},
    )
    return [node["id"] for node in data["dealership"][field]["nodes"]]


async def test_deal_from_another_dealership_is_refused(api: Api) -> None:
    [foreign_customer] = await _first_ids(api, "autosync", "customers")
    [vehicle] = await _first_ids(api, "autosoft", "vehicles")
    result = await api.data(
        """mutation($input: CreateDealInput!) { createDeal(input: $input) {
             userErrors { field code } deal { id } } }""",
        {
            "input": {
                "dealershipId": api.dealership_id("autosoft"),
                "idempotencyKey": "deal-foreign",
                "buyerId": foreign_customer,
                "vehicle": {"vehicleId": vehicle},
                "pricing": {"sellingPrice": "30000.00"},
            }
        },
    )
    assert result["createDeal"]["userErrors"] == [{"field": ["buyerId"], "code": "UNKNOWN_ID"}]


async def test_create_deal_then_advance_it(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) {
             vehicles(first: 1, filter: {status: [IN_STOCK]}) { nodes { id askingPrice } }
             customers(first: 1) { nodes { id } } } }""",
        {"d": api.dealership_id("autosoft")},
    )
    vehicle = data["dealership"]["vehicles"]["nodes"][0]
    customer = data["dealership"]["customers"]["nodes"][0]
    created = await api.data(
        """mutation($input: CreateDealInput!) { createDeal(input: $input) {
             userErrors { field code message }
             paymentEstimate { monthly termMonths apr }
             deal { id status buyer { id } vehicle { id } pricing { sellingPrice } } } }""",
        {
            "input": {
                "dealershipId": api.dealership_id("autosoft"),
                "idempotencyKey": "deal-1",
                "buyerId": customer["id"],
                "vehicle": {"vehicleId": vehicle["id"]},
                "saleType": "retail",
                "pricing": {
                    "sellingPrice": vehicle["askingPrice"],
                    "cashDown": "2500.00",
                    "taxRate": "0.07",
                    "docFee": "389.00",
                },
                "financing": {"termMonths": 60, "apr": "4.99", "lenderPreferences": ["ALLY"]},
            }
        },
    )
    payload = created["createDeal"]
    assert payload["userErrors"] == []
    deal = payload["deal"]
    assert deal["status"] == "DRAFT"
    assert deal["buyer"]["id"] == customer["id"] and deal["vehicle"]["id"] == vehicle["id"]
    estimate = payload["paymentEstimate"]
    assert estimate["termMonths"] == 60 and Decimal(estimate["monthly"]) > 0
    advanced = await api.data(
        """mutation($input: UpdateDealInput!) { updateDeal(input: $input) {
             userErrors { code } deal { id status } } }""",
        {"input": {"dealId": deal["id"], "idempotencyKey": "deal-1-pending", "status": "PENDING"}},
    )
    assert advanced["updateDeal"]["deal"] == {"id": deal["id"], "status": "PENDING"}
    skipped = await api.data(
        """mutation($input: UpdateDealInput!) { updateDeal(input: $input) {
             userErrors { code message } deal { status } } }""",
        {"input": {"dealId": deal["id"], "idempotencyKey": "deal-1-jump", "status": "DELIVERED"}},
    )
    assert [e["code"] for e in skipped["updateDeal"]["userErrors"]] == ["REJECTED_BY_DMS"]


async def test_payment_allocation_must_add_up(api: Api) -> None:
    [account] = await _first_ids(api, "autosoft", "accounts")
    result = await api.data(
        """mutation($input: PostPaymentInput!) { postPayment(input: $input) {
             userErrors { field code } payment { id } } }""",
        {
            "input": {
                "accountId": account,
                "idempotencyKey": "pay-1",
                "amount": "100.00",
                "method": "CARD",
                "allocation": {"principal": "80.00", "interest": "10.00", "lateFees": "5.00"},
            }
        },
    )
    assert result["postPayment"]["userErrors"] == [
        {"field": ["allocation"], "code": "ALLOCATION_MISMATCH"}
    ]


@pytest.fixture
def latency_clock() -> VirtualClock:
    """What the sandbox's injected latencies sleep on: a held answer leaves when advanced."""
    return VirtualClock()


@pytest.fixture
async def impatient(latency_clock: VirtualClock) -> AsyncIterator[Api]:
    # A read timeout shorter than the vendor's answer: the write lands, its answer does not.
    async for value in start_api(
        SandboxOptions(seed=3, rate_limit_per_minute=100_000, sleep=latency_clock.sleep),
        server={"upstream_read_timeout": 0.4},
    ):
        yield value


async def test_unknown_outcome_is_reported_and_never_resent(
    impatient: Api, latency_clock: VirtualClock
) -> None:
    api = impatient
    handle = api.sandbox.vendors["autosync"]
    upsert = """mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) {
                  userErrors { code } customer { id } } }"""
    variables = {
        "input": {
            "dealershipId": api.dealership_id("autosync"),
            "idempotencyKey": "cust-unknown",
            "firstName": "Unknown",
            "lastName": "Outcome",
            "emails": ["unknown.outcome@example.com"],
        }
    }
    await _first_ids(api, "autosync", "customers")  # connect before slowing the vendor
    before = handle.requests.count(method="POST", path_contains="/customers")
    handle.faults.write_latency_seconds = 1.0
    try:
        first = await api.query(upsert, variables)
        second = await api.query(upsert, variables)
    finally:
        handle.faults.write_latency_seconds = 0
    for result in (first, second):
        [error] = result["errors"]
        assert error["extensions"]["code"] == "OUTCOME_UNKNOWN"
        assert error["extensions"]["safeToRetry"] is False
        assert error["extensions"]["referenceId"].startswith("dg-")
    # Sent once, never again under that key; and the write did land at the vendor. (The
    # sandbox logs a request when it has answered, after the injected latency.)
    await latency_clock.advance(1.0)
    assert handle.requests.count(method="POST", path_contains="/customers") == before + 1
    found = await api.data(
        """query($d: ID!) { dealership(id: $d) {
             customers(filter: {search: "unknown.outcome@example.com"}) { totalCount } } }""",
        {"d": api.dealership_id("autosync")},
    )
    assert found["dealership"]["customers"]["totalCount"] == 1


def test_vendor_field_names_map_to_input_paths() -> None:
    from graph.mutations.execute import input_path
    from graph.mutations.sales import DEAL_INPUT_PATHS

    assert input_path("selling_price", DEAL_INPUT_PATHS) == ["pricing", "sellingPrice"]
    assert input_path("posted_on", None) == ["postedOn"]
    assert input_path("jobs[0].lines[1].kind", None) == ["jobs", "0", "lines", "1", "kind"]
    assert input_path(None, None) == []
