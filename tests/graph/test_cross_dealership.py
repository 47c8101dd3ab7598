"""Lists across dealerships, and one store's failure not failing the others."""

from __future__ import annotations

from tests.graph.conftest import Api


async def test_repair_orders_across_both_stores(api: Api) -> None:
    data = await api.data(
        """{ repairOrders(first: 100, filter: {status: [OPEN, IN_PROGRESS]}) {
               totalCount nodes { status dealership { dms } customer { displayName } } } }"""
    )
    nodes = data["repairOrders"]["nodes"]
    assert {n["dealership"]["dms"] for n in nodes} == {"AUTOSOFT", "AUTOSYNC"}
    assert {n["status"] for n in nodes} <= {"OPEN", "IN_PROGRESS"}
    assert all(n["customer"]["displayName"] for n in nodes)


async def test_cross_dealership_paging_visits_every_row_once(api: Api) -> None:
    q = """query($after: String) { repairOrders(first: 100, after: $after,
             filter: {status: [WAITING_PARTS]}) {
             totalCount pageInfo { hasNextPage endCursor } nodes { id } } }"""
    seen: list[str] = []
    after = None
    total = None
    for _ in range(20):
        page = (await api.data(q, {"after": after}))["repairOrders"]
        total = page["totalCount"]
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total is not None and total > 0
    assert len(seen) == len(set(seen)) == total


async def test_vehicles_by_vin_across_stores(api: Api) -> None:
    first = await api.data("{ vehicles(first: 1) { nodes { vin dealership { dms } } } }")
    vin = first["vehicles"]["nodes"][0]["vin"]
    data = await api.data(
        "query($vin: String!) { vehicles(filter: {vin: $vin}) { nodes { vin } } }", {"vin": vin}
    )
    assert [n["vin"] for n in data["vehicles"]["nodes"]] == [vin]


async def test_naming_a_store_without_the_list_adds_an_error_and_keeps_data(api: Api) -> None:
    result = await api.query(
        "query($ids: [ID!]) { vehicles(first: 5, dealershipIds: $ids) { nodes { vin } } }",
        {"ids": [api.dealership_id("autosoft"), api.dealership_id("autosync")]},
    )
    assert len(result["data"]["vehicles"]["nodes"]) == 5
    [error] = result["errors"]
    assert error["extensions"]["code"] == "NOT_SUPPORTED_BY_DMS"
    assert error["path"] == ["vehicles"]
    assert error["extensions"]["dealershipId"] == api.dealership_id("autosync")
