"""With every extrapolated endpoint answering 404, what the vendor pages show still reaches
the graph: relations from the data a record embeds, lookups by id through the documented
list (the connection learns the detail read is not served and stops asking for it)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from graph.ids import decode_global_id
from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api


@pytest.fixture(scope="module")
async def pages_only() -> AsyncIterator[Api]:
    async for value in start_api(
        SandboxOptions(seed=1, rate_limit_per_minute=100_000),
        vendors=("autosoft", "dealertrack"),
        documented_only=True,
    ):
        yield value


async def test_ro_customers_come_from_the_ro_itself(pages_only: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 10) { nodes {
             customer { id vendorId displayName phone } vehicle { vin } } } } }"""
    for vendor in ("autosoft", "dealertrack"):
        data = await pages_only.data(q, {"d": pages_only.dealership_id(vendor)})
        orders = data["dealership"]["repairOrders"]["nodes"]
        assert len(orders) == 10, vendor
        for order in orders:
            customer = order["customer"]
            assert customer["vendorId"] and customer["displayName"] and customer["phone"]
            assert decode_global_id(customer["id"]).native_id == customer["vendorId"]
            assert order["vehicle"]["vin"]


async def test_dealertrack_advisors_and_technicians_come_from_the_ro(pages_only: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 25) { nodes {
             advisor { vendorId name } technicians { vendorId name } } } } }"""
    data = await pages_only.data(q, {"d": pages_only.dealership_id("dealertrack")})
    orders = data["dealership"]["repairOrders"]["nodes"]
    assert len(orders) == 25
    assert sum(1 for o in orders if o["advisor"]) >= 20
    assert all(o["advisor"]["name"] for o in orders if o["advisor"])
    technicians = [t for o in orders for t in o["technicians"]]
    assert technicians and all(t["vendorId"] and t["name"] for t in technicians)


async def test_a_vehicle_id_resolves_through_the_documented_list(pages_only: Api) -> None:
    listed = await pages_only.data(
        """query($d: ID!) { dealership(id: $d) { vehicles(first: 3) { nodes { id vin } } } }""",
        {"d": pages_only.dealership_id("autosoft")},
    )
    vehicles = listed["dealership"]["vehicles"]["nodes"]
    assert len(vehicles) == 3
    node = """query($id: ID!) { node(id: $id) { ... on InventoryVehicle { vin } } }"""
    first = await pages_only.data(node, {"id": vehicles[0]["id"]})
    assert first["node"] == {"vin": vehicles[0]["vin"]}
    autosoft = pages_only.sandbox.vendors["autosoft"]
    autosoft.requests.reset()
    second = await pages_only.data(node, {"id": vehicles[1]["id"]})
    assert second["node"] == {"vin": vehicles[1]["vin"]}
    # The connection remembers the detail read is not served: the list answers at once.
    details = [e for e in autosoft.requests.entries if e.path.count("/vehicles/")]
    assert details == []
    status = await pages_only.data(
        """query($d: ID!) { dealership(id: $d) { connectionStatus { unservedEndpoints } } }""",
        {"d": pages_only.dealership_id("autosoft")},
    )
    assert status["dealership"]["connectionStatus"]["unservedEndpoints"] == ["/vehicles/{id}"]
