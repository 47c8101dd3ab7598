"""Query cost: planned before execution, refused above the maximum or the client's budget,
and reported on every response."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from graphql import GraphQLSchema, parse

from graph.cost import CostSettings, PlanTooComplex, QueryPlan, alias_count
from graph.cost_extension import PlanCache, Planned
from graph.ids import encode_global_id
from graph.schema import build_schema
from graph.throttle import Allowance, CostBuckets
from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, FULL_KEY, Api, start_api

NESTED = """query($d: ID!) { dealership(id: $d) {
  vehicles(first: 50) { nodes { dealership {
    vehicles(first: 50) { nodes { dealership {
      vehicles(first: 50) { nodes { vin } } } } } } } } } }"""

DASHBOARD = """{ dealerships { id name
  vehicles(first: 25) { nodes { id vin status askingPrice } }
  deals(first: 25) { nodes { id dealNumber status buyer { displayName } vehicle { vin } } }
  repairOrders(first: 25) { nodes { id roNumber status customer { displayName phone }
    advisor { name } vehicle { vin } totals { grandTotal } } } } }"""

README_EXAMPLE = """{ dealerships { id name dms
  vehicles(first: 3) { totalCount nodes { vin year make model status askingPrice } }
  deals(first: 3) { nodes { dealNumber status buyer { displayName } vehicle { vin } } }
  repairOrders(first: 3) {
    nodes { roNumber status customer { displayName } advisor { name } totals { grandTotal } }
  } } }"""

WARM_UP = "{ dealerships { customers(first: 1) { nodes { id } } } }"

COST_KEYS = {
    "requestedQueryCost",
    "actualQueryCost",
    "maxQueryCost",
    "upstreamRequests",
    "throttleStatus",
}


def doubling_fragments(n: int) -> str:
    """A ~1 KB document whose fragment i spreads fragment i-1 twice: 2**n spreads unrolled."""
    parts = [
        f"query Doubling {{ ...F{n} }}",
        "fragment F1 on Query { dealerships { id name } }",
    ]
    parts += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(2, n + 1)]
    return "\n".join(parts)


# -- the plan itself ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def schema() -> GraphQLSchema:
    return build_schema()._schema


def plan(
    schema: GraphQLSchema,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    visible: int = 6,
    max_page_size: int = 100,
) -> QueryPlan:
    settings = CostSettings(
        default_page_size=25, max_page_size=max_page_size, visible_dealerships=visible
    )
    return QueryPlan(schema, parse(query), None, variables, settings)


def cost(
    schema: GraphQLSchema, query: str, variables: dict[str, Any] | None = None, **kw: Any
) -> int:
    return plan(schema, query, variables, **kw).cost()


def gid(type_name: str, dealership: str, native: str) -> str:
    return encode_global_id(type_name, dealership, native)


def test_nested_lists_multiply_by_the_rows_above_them(schema: GraphQLSchema) -> None:
    nested = plan(schema, NESTED, {"d": gid("Dealership", "a", "a")})
    assert nested.depth() == 9
    assert nested.cost() == 1 + 50 + 2500


def test_lists_cost_vendor_pages(schema: GraphQLSchema) -> None:
    one = '{ dealership(id: "x") { vehicles { nodes { vin } } } }'
    assert cost(schema, one) == 1  # default page size
    capped = '{ dealership(id: "x") { vehicles(first: 250) { nodes { vin } } } }'
    assert cost(schema, capped) == 1  # capped at max_page_size 100
    assert cost(schema, capped, max_page_size=300) == 3
    # A list under a list runs once per parent row; an empty window still asks once.
    history = """{ dealership(id: "x") { accounts(first: 20) { pageInfo { hasNextPage }
      nodes { payments(first: 50) { totalCount nodes { amount } } } } } }"""
    assert cost(schema, history) == 1 + 20
    assert cost(schema, '{ dealership(id: "x") { parts(first: 0) { totalCount } } }') == 1


def test_root_lists_cost_a_page_per_dealership(schema: GraphQLSchema) -> None:
    assert cost(schema, "{ vehicles(first: 150) { nodes { vin } } }", max_page_size=200) == 12
    chosen = '{ vehicles(first: 150, dealershipIds: ["a", "b", "a"]) { nodes { vin } } }'
    assert cost(schema, chosen, max_page_size=200) == 2 * 2
    # Rows of one dealership: their relations are one batched call.
    one = '{ repairOrders(first: 10, dealershipIds: ["a"]) { nodes { customer { id } } } }'
    assert cost(schema, one) == 1 + 1
    assert cost(schema, "{ dealerships { id name dms } }") == 0


def test_relations_cost_one_batched_call_per_store_and_level(schema: GraphQLSchema) -> None:
    deals = """{ dealerships { deals(first: 25) { nodes { buyer { displayName } coBuyer { id }
      vehicle { vin dealership { name } } pricing { salePrice } dealership { name } } } } }"""
    # deals: a page at each of 6 stores; buyer, coBuyer, vehicle: one call per store each;
    # pricing and the dealership back reference: nothing.
    assert cost(schema, deals) == 6 + 3 * 6
    assert cost(schema, deals, visible=2) == 2 + 3 * 2
    one_store = """{ dealership(id: "x") { repairOrders(first: 10) { nodes {
      technicianAssignments { technician { name } } advisor { name } technicians { name }
      totals { grandTotal } } } } }"""
    assert cost(schema, one_store) == 1 + 3


def test_variables_set_first_and_skip(schema: GraphQLSchema) -> None:
    query = """query($n: Int, $skip: Boolean!) { dealership(id: "x") {
      vehicles(first: $n) { nodes { dealership {
        vehicles(first: $n) @skip(if: $skip) { nodes { vin } } } } } } }"""
    assert cost(schema, query, {"n": 50, "skip": False}) == 1 + 50
    assert cost(schema, query, {"skip": False}) == 1 + 25  # default page size
    assert cost(schema, query, {"n": 50, "skip": True}) == 1
    defaulted = """query($n: Int = 10) { dealership(id: "x") { vehicles(first: $n) {
      nodes { dealership { vehicles(first: $n) @include(if: false) { nodes { vin } }
        customers(first: $n) { nodes { id } } } } } } }"""
    assert cost(schema, defaulted) == 1 + 10


def test_fragments_are_collected_like_execution(schema: GraphQLSchema) -> None:
    twice = """{ dealership(id: "x") { ...Stock ...Stock } }
      fragment Stock on Dealership { vehicles(first: 10) { nodes { vin } } }"""
    assert cost(schema, twice) == 1
    deal = gid("Deal", "a", "d1")
    merged = """query($id: ID!) { node(id: $id) { ... on Deal { buyer { id } } ...DealBits } }
      fragment DealBits on Deal { vehicle { vin } buyer { email } }"""
    # the lookup, then buyer (one field, merged) and vehicle
    assert cost(schema, merged, {"id": deal}) == 1 + 1 + 1
    # A fragment whose type never matches the parent's adds nothing.
    never = '{ dealership(id: "x") { ... on Deal { buyer { id } } name } }'
    assert cost(schema, never) == 0


def test_ids_cost_one_lookup_per_dealership(schema: GraphQLSchema) -> None:
    ids = [
        gid("Customer", "a", "1"),
        gid("Customer", "a", "2"),
        gid("Deal", "b", "9"),
        gid("Dealership", "c", "c"),  # served from configuration
        "not-an-id",
    ]
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Deal { buyer { id } } } }"
    # lookups at a and b; buyer: 4 objects from 3 dealerships, one batched call per store
    assert cost(schema, query, {"ids": ids}) == 2 + 3
    assert cost(schema, 'query { node(id: "%%%") { id } }') == 0


def test_mutations_cost_one_each_plus_their_selection(schema: GraphQLSchema) -> None:
    query = """mutation { a: createLead(input: {}) { lead { id customer { id } } }
      b: postPayment(input: {}) { userErrors { code } } }"""
    assert cost(schema, query) == (1 + 1) + 1


def test_depth_counts_like_the_depth_limiter(schema: GraphQLSchema) -> None:
    assert plan(schema, "{ dealerships { id } }").depth() == 1
    deep = (
        "{ dealerships { " + "vehicles { nodes { dealership { " * 5 + "id" + " } } }" * 5 + " } }"
    )
    assert plan(schema, deep).depth() == 16
    introspection = "{ __typename __schema { types { fields { name } } } }"
    assert plan(schema, introspection).depth() == 0
    assert plan(schema, introspection).cost() == 0
    via_fragment = """{ ...A } fragment A on Query { dealerships { ...B } }
      fragment B on Dealership { vehicles { nodes { vin } } }"""
    assert plan(schema, via_fragment).depth() == 3


def test_doubling_fragments_are_planned_in_linear_steps(schema: GraphQLSchema) -> None:
    # Small first: a walk that re-expands each spread fails here instead of hanging.
    for n in (10, 21, 30):
        document = doubling_fragments(n)
        started = time.perf_counter()
        planned = plan(schema, document)
        depth, planned_cost = planned.depth(), planned.cost()
        elapsed = time.perf_counter() - started
        print(
            f"\n{n} doubling fragments ({len(document)} bytes): planned in {elapsed * 1000:.1f} ms"
        )
        assert (depth, planned_cost) == (1, 0)
        # Each fragment: once for its depth, once when the cost walk first reaches it.
        assert planned.fragment_expansions <= 2 * n


def test_aliases_are_counted_per_spread_once_per_fragment() -> None:
    document = doubling_fragments(30).replace("{ dealerships {", "{ a: dealerships {")
    assert alias_count(parse(document)) == 2**29


def test_a_plan_too_large_to_walk_gives_up(
    schema: GraphQLSchema, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("graph.cost.MAX_PLAN_STEPS", 5)
    with pytest.raises(PlanTooComplex):
        cost(schema, DASHBOARD)


def test_kept_plans_are_bounded_and_belong_to_their_document() -> None:
    plans = PlanCache(maxsize=2)
    planned = Planned(depth=1, cost=1, subscription=False)
    documents = [parse("{ __typename }") for _ in range(3)]
    keys = [PlanCache.key(d, None, {"n": 1}, 6) for d in documents]
    for i, (document, key) in enumerate(zip(documents, keys, strict=True)):
        assert key is not None
        plans.put(key, document, planned)
        if i == 1:
            assert plans.get(keys[0], documents[0]) is planned
    assert plans.get(keys[1], documents[1]) is None  # the least recently used went
    assert plans.get(keys[0], documents[0]) is planned
    assert plans.get(keys[2], documents[2]) is planned
    assert plans.get(keys[2], documents[1]) is None  # another document under that id
    # Variables too many or too long to be worth keeping are planned each time.
    assert PlanCache.key(documents[0], None, {"ids": ["x"] * 100}, 6) is None
    assert PlanCache.key(documents[0], None, {"s": "x" * 1000}, 6) is None


# -- buckets -----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_bucket_takes_refuses_and_refills_on_its_clock() -> None:
    clock = FakeClock()
    buckets = CostBuckets(clock=clock)
    small = Allowance(capacity=10, restore_rate=2.0)
    assert buckets.take("web", 8, small).granted
    refused = buckets.take("web", 5, small)
    assert not refused.granted
    assert refused.retry_after == 1.5  # 3 short at 2 a second
    assert buckets.status("web", small).currently_available == 2  # nothing taken on refusal
    assert buckets.take("other", 10, small).granted  # buckets are per client
    clock.now += 1.49
    assert not buckets.take("web", 5, small).granted
    clock.now += 0.01
    assert buckets.take("web", 5, small).granted
    clock.now += 3600
    assert buckets.status("web", small).currently_available == 10  # never above capacity


def test_bucket_rounds_retry_after_up_and_takes_back_unspent_points() -> None:
    clock = FakeClock()
    buckets = CostBuckets(clock=clock)
    slow = Allowance(capacity=100, restore_rate=3.0)
    assert buckets.take("web", 100, slow).granted
    assert buckets.take("web", 1, slow).retry_after == 0.4  # 0.333 s up to a tenth
    buckets.give_back("web", 60, slow)
    assert buckets.status("web", slow).currently_available == 60
    buckets.give_back("web", 60, slow)
    status = buckets.status("web", slow).as_extension()
    assert status == {"maximumAvailable": 100, "currentlyAvailable": 100, "restoreRate": 3.0}


# -- over HTTP ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=4, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=tuple(VENDOR_FACTORIES)):
        yield value


def all_upstream_requests(api: Api) -> int:
    return sum(api.upstream_requests(vendor) for vendor in api.sandbox.vendors)


def assert_cost_matches_logs(api: Api, result: dict[str, Any]) -> dict[str, Any]:
    reported = result["extensions"]["cost"]
    assert set(reported) == COST_KEYS
    assert set(reported["throttleStatus"]) == {
        "maximumAvailable",
        "currentlyAvailable",
        "restoreRate",
    }
    assert reported["upstreamRequests"] == reported["actualQueryCost"]
    assert reported["upstreamRequests"] == all_upstream_requests(api)
    assert reported["maxQueryCost"] == 1000
    return dict(reported)


async def test_three_nested_lists_are_refused_before_any_vendor_call(api: Api) -> None:
    await api.data(WARM_UP)
    api.reset_upstream_counts()
    result = await api.query(NESTED, {"d": api.dealership_id("autosoft")})
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"] == {"code": "MAX_COST_EXCEEDED", "cost": 2551, "maxCost": 1000}
    assert "2551" in error["message"]
    assert {v: api.upstream_requests(v) for v in api.sandbox.vendors} == {
        v: 0 for v in api.sandbox.vendors
    }
    reported = assert_cost_matches_logs(api, result)
    assert reported["requestedQueryCost"] == 2551
    assert reported["upstreamRequests"] == 0


async def test_too_deep_is_refused_with_its_code(api: Api) -> None:
    deep = (
        "{ dealerships { " + "vehicles { nodes { dealership { " * 5 + "id" + " } } }" * 5 + " } }"
    )
    api.reset_upstream_counts()
    result = await api.query(deep)
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "MAX_DEPTH_EXCEEDED"
    assert "depth" in error["message"]
    assert all_upstream_requests(api) == 0
    assert_cost_matches_logs(api, result)


async def test_doubling_fragment_document_is_answered(api: Api) -> None:
    document = doubling_fragments(30)
    started = time.perf_counter()
    result = await api.query(document)
    elapsed = time.perf_counter() - started
    print(f"\n30 doubling fragments over HTTP: answered in {elapsed * 1000:.0f} ms")
    assert "errors" not in result, result["errors"]
    assert len(result["data"]["dealerships"]) == 6
    assert result["extensions"]["cost"]["requestedQueryCost"] == 0


async def test_every_response_reports_its_cost(api: Api) -> None:
    await api.data(WARM_UP)
    autosoft = api.dealership_id("autosoft")
    autosync = api.dealership_id("autosync")
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("success", README_EXAMPLE, {}),
        (
            "partial",
            """query($a: ID!, $b: ID!) {
                 a: dealership(id: $a) { vehicles(first: 2) { nodes { vin } } }
                 b: dealership(id: $b) { vehicles(first: 2) { nodes { vin } } } }""",
            {"a": autosoft, "b": autosync},
        ),
        ("invalid", "{ dealerships { noSuchField } }", {}),
        ("refused", NESTED, {"d": autosoft}),
        (
            "mutation",
            """mutation($input: CreateLeadInput!) { createLead(input: $input) {
                 userErrors { code } lead { id customer { id } } } }""",
            {
                "input": {
                    "dealershipId": autosoft,
                    "idempotencyKey": "cost-lead-1",
                    "contact": {"firstName": "Jordan", "lastName": "Lee", "email": "j@example.com"},
                    "source": "website_digital_retail",
                    "consent": {"email": True},
                }
            },
        ),
    ]
    for name, query, variables in cases:
        api.runtime.clear_caches()  # earlier tests in the module may have cached the answers
        api.reset_upstream_counts()
        result = await api.query(query, variables)
        reported = assert_cost_matches_logs(api, result)
        print(f"\n{name}: {reported}")
        if name == "success":
            assert reported["upstreamRequests"] > 0
            assert 0 < reported["requestedQueryCost"] <= 1000
        if name == "partial":
            codes = {e["extensions"]["code"] for e in result["errors"]}
            assert codes == {"NOT_SUPPORTED_BY_DMS"}
            assert result["data"]["a"]["vehicles"]["nodes"]
        if name == "invalid":
            assert reported["requestedQueryCost"] == 0 and reported["upstreamRequests"] == 0
        if name == "mutation":
            assert "errors" not in result, result["errors"]
            assert result["data"]["createLead"]["lead"]["id"]
            assert reported["requestedQueryCost"] == 1 + 1
            assert reported["upstreamRequests"] >= 1


async def test_a_kept_plan_serves_only_the_same_variables_and_dealerships(api: Api) -> None:
    # Plans are kept per document (graph.cost_extension.PlanCache): the same text sent again
    # costs what its variables and the key's dealerships make it. 1 and true hash alike, but
    # true is no Int: the default page size applies.
    query = """query($d: ID!, $n: Int) { vehicles(first: 1) { totalCount }
      dealership(id: $d) { vehicles(first: $n) { nodes { dealership {
        customers(first: 1) { totalCount } } } } } }"""
    ghost = gid("Dealership", "gone", "gone")  # answered null without a vendor request
    for n, key, planned in [
        (1, FULL_KEY, 6 + 1 + 1),
        (2, FULL_KEY, 6 + 1 + 2),
        (True, FULL_KEY, 6 + 1 + 25),
        (1, AUTOSYNC_ONLY_KEY, 1 + 1 + 1),
        (1, FULL_KEY, 6 + 1 + 1),
    ]:
        result = await api.query(query, {"d": ghost, "n": n}, key=key)
        assert result["extensions"]["cost"]["requestedQueryCost"] == planned, (n, key)


async def test_readme_and_dashboard_queries_are_admitted(api: Api) -> None:
    for name, query in (("README example", README_EXAMPLE), ("dashboard", DASHBOARD)):
        result = await api.query(query)
        codes = {e["extensions"]["code"] for e in result.get("errors", [])}
        assert codes <= {"NOT_SUPPORTED_BY_DMS"}, result["errors"]
        reported = result["extensions"]["cost"]
        print(
            f"\n{name} at 6 dealerships: planned {reported['requestedQueryCost']}, "
            f"made {reported['upstreamRequests']} vendor requests"
        )
        assert reported["requestedQueryCost"] <= reported["maxQueryCost"]
        assert len(result["data"]["dealerships"]) == 6
    assert reported["requestedQueryCost"] == 8 * 6  # the dashboard


# -- a client with a tiny budget ----------------------------------------------------------


@pytest.fixture(scope="module")
async def tiny() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=5, rate_limit_per_minute=100_000)
    server = {"client_cost_capacity": 3, "client_cost_restore_rate": 0.001}
    async for value in start_api(options, vendors=("autosoft",), server=server):
        yield value


async def test_a_spent_budget_is_throttled_before_any_vendor_call(tiny: Api) -> None:
    dealership = tiny.dealership_id("autosoft")
    # Planned at 3 (three dealerships named) but nobody asked: all 3 come back.
    ghosts = [gid("Customer", f"gone-{i}", "1") for i in range(3)]
    result = await tiny.query("query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ghosts})
    reported = result["extensions"]["cost"]
    assert (reported["requestedQueryCost"], reported["upstreamRequests"]) == (3, 0)
    assert reported["throttleStatus"]["currentlyAvailable"] == 3
    assert reported["maxQueryCost"] == 3  # the bucket is smaller than max_query_cost

    # Above the bucket's size, a query could never run: refused at once, nothing sent.
    tiny.reset_upstream_counts()
    four = "{ dealerships { a: customers(first: 1) { nodes { id } } b: deals(first: 1) { nodes {"
    four += " id buyer { id } vehicle { id } coBuyer { id } } } } }"
    result = await tiny.query(four)
    assert result["data"] is None
    assert result["errors"][0]["extensions"] == {
        "code": "MAX_COST_EXCEEDED",
        "cost": 5,
        "maxCost": 3,
    }
    assert tiny.upstream_requests("autosoft") == 0

    lead = """mutation($input: CreateLeadInput!) { createLead(input: $input) { lead { id } } }"""
    for spent in (1, 2, 3):
        result = await tiny.query(
            lead,
            {
                "input": {
                    "dealershipId": dealership,
                    "idempotencyKey": f"tiny-{spent}",
                    "contact": {"firstName": "Ann", "lastName": "Lee", "email": "a@example.com"},
                    "source": "website_digital_retail",
                    "consent": {"email": True},
                }
            },
        )
        assert result["data"]["createLead"]["lead"]["id"]
        status = result["extensions"]["cost"]["throttleStatus"]
        assert status["currentlyAvailable"] == 3 - spent

    tiny.reset_upstream_counts()
    query = "query($d: ID!) { dealership(id: $d) { customers(first: 1) { nodes { id } } } }"
    result = await tiny.query(query, {"d": dealership})
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "THROTTLED"
    assert error["extensions"]["cost"] == 1
    # 1 point at 0.001 a second, less the little refilled since
    assert 990 < error["extensions"]["retryAfter"] <= 1000
    assert tiny.upstream_requests("autosoft") == 0
    reported = result["extensions"]["cost"]
    assert (reported["requestedQueryCost"], reported["upstreamRequests"]) == (1, 0)

    # What costs nothing is still answered.
    assert len((await tiny.data("{ dealerships { id } }"))["dealerships"]) == 1
