"""Lists a frontend asks for across stores: customers (with search), deals and appointments
at the root, and each dealership's time zone and address."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api
from tests.guards import each

VENDORS = ("autosoft", "dealercenter", "autosync")


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=5, scale=0.3, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=VENDORS):
        yield value


async def walk(api: Api, name: str) -> list[str]:
    """Every row's DMS, page by page (rows come store after store)."""
    query = f"""query($a: String) {{ {name}(first: 100, after: $a) {{ totalCount
      pageInfo {{ hasNextPage endCursor }} nodes {{ dealership {{ dms }} }} }} }}"""
    dms, after = [], None
    while True:
        page = (await api.data(query, {"a": after}))[name]
        dms += [n["dealership"]["dms"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(dms)
            return dms
        after = page["pageInfo"]["endCursor"]


async def test_root_customers_deals_and_appointments_span_the_stores(api: Api) -> None:
    customers = await walk(api, "customers")
    deals = await walk(api, "deals")
    appointments = await walk(api, "appointments")
    assert set(each(customers, at_least=3)) == {"AUTOSOFT", "DEALERCENTER", "AUTOSYNC"}
    assert set(each(deals, at_least=2)) == {"AUTOSOFT", "DEALERCENTER"}  # AutoSync: none
    assert "AUTOSYNC" in set(each(appointments))


async def test_customer_search_across_stores(api: Api) -> None:
    listed = await api.data("""{ customers(first: 1) { nodes { lastName } } }""")
    (someone,) = listed["customers"]["nodes"]
    query = """query($s: String) { customers(filter: {search: $s}, first: 50) {
      totalCount nodes { lastName } } }"""
    found = (await api.data(query, {"s": someone["lastName"]}))["customers"]
    names = [n["lastName"] for n in each(found["nodes"])]
    assert someone["lastName"] in names
    assert found["totalCount"] >= len(names)


async def test_dealerships_have_their_time_zone(api: Api) -> None:
    data = await api.data("{ dealerships { timeZone address { city } } }")
    zones = {d["timeZone"] for d in each(data["dealerships"], exactly=3)}
    assert zones == {"America/New_York"}  # the sandbox stores' configured zone


async def test_appointments_on_a_day_in_the_store_s_time_zone(api: Api) -> None:
    listed = await api.data(
        """{ appointments(first: 50) { nodes { id startsAt dealership { id } } } }"""
    )
    some = each(listed["appointments"]["nodes"], at_least=5)[3]
    zone = ZoneInfo("America/New_York")  # the sandbox stores' configured zone
    day = datetime.fromisoformat(some["startsAt"]).astimezone(zone).date()
    query = """query($d: ID!, $on: Date) { dealership(id: $d) {
      appointments(filter: {on: $on}, first: 100) { nodes { id startsAt } } } }"""
    data = await api.data(query, {"d": some["dealership"]["id"], "on": day.isoformat()})
    found = data["dealership"]["appointments"]["nodes"]
    assert some["id"] in {n["id"] for n in found}
    assert all(
        datetime.fromisoformat(n["startsAt"]).astimezone(zone).date() == day for n in each(found)
    )
    refused = await api.query(
        """query($d: ID!) { dealership(id: $d) { appointments(
          filter: {on: "2026-01-02", startsAfter: "2026-01-01T00:00:00Z"}) { totalCount } } }""",
        {"d": some["dealership"]["id"]},
    )
    assert refused["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
