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
    q = """query($first: Int, $after: String) { repairOrders(first: $first, after: $after,
             filter: {status: [WAITING_PARTS]}) {
             totalCount pageInfo { hasNextPage endCursor } nodes { id dealership { dms } } } }"""
    whole = (await api.data(q, {"first": 100}))["repairOrders"]
    assert not whole["pageInfo"]["hasNextPage"]
    expected = [n["id"] for n in whole["nodes"]]
    assert {n["dealership"]["dms"] for n in whole["nodes"]} == {"AUTOSOFT", "AUTOSYNC"}
    assert whole["totalCount"] == len(expected) == len(set(expected))
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = (await api.data(q, {"first": 10, "after": after}))["repairOrders"]
        pages += 1
        assert page["totalCount"] == len(expected)
        seen += [n["id"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert pages < 20, "the walk does not end"
    assert pages == -(-len(expected) // 10) > 1  # pages of ten, the last one partial or full
    assert seen == expected  # every row once, in the one-shot order


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
