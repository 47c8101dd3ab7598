"""Query paths over both stores, through the adapters, against the sandboxes over HTTP."""

from __future__ import annotations

from decimal import Decimal

from tests.graph.conftest import Api
from tests.guards import each


def _errors_by_dms(result: dict, api: Api) -> dict[str, list[str]]:  # type: ignore[type-arg]
    out: dict[str, list[str]] = {}
    for error in result.get("errors", []):
        dealer = error["extensions"].get("dealershipId")
        dms = api.dms_of(dealer) if dealer else "?"
        out.setdefault(dms, []).append(error["extensions"]["code"])
    return out


async def test_both_stores_first_vehicles_deals_and_repair_orders(api: Api) -> None:
    result = await api.query(
        """{ dealerships { name dms
              vehicles(first: 3) { totalCount nodes { vin stockNumber status askingPrice } }
              deals(first: 3) { totalCount nodes { status pricing { sellingPrice } } }
              repairOrders(first: 3) { totalCount nodes { roNumber status totals { grandTotal } } }
        } }"""
    )
    by_dms = {d["dms"]: d for d in result["data"]["dealerships"]}
    autosoft, autosync = by_dms["AUTOSOFT"], by_dms["AUTOSYNC"]
    assert len(autosoft["vehicles"]["nodes"]) == 3
    assert autosoft["vehicles"]["totalCount"] >= 100
    assert all(len(v["vin"]) == 17 for v in autosoft["vehicles"]["nodes"])
    assert len(autosoft["deals"]["nodes"]) == 3
    assert len(autosoft["repairOrders"]["nodes"]) == 3
    assert len(autosync["repairOrders"]["nodes"]) == 3
    for ro in autosoft["repairOrders"]["nodes"] + autosync["repairOrders"]["nodes"]:
        assert Decimal(ro["totals"]["grandTotal"]) > 0
    # AutoSync is a repair-shop system: no inventory, no deals. Those fields error with a
    # code naming the dealership; they are null, never an empty list that reads as "none".
    assert autosync["vehicles"] is None and autosync["deals"] is None
    assert _errors_by_dms(result, api) == {
        "autosync": ["NOT_SUPPORTED_BY_DMS", "NOT_SUPPORTED_BY_DMS"]
    }


async def test_money_is_an_exact_decimal_string(api: Api) -> None:
    data = await api.data(
        "query($d: ID!) { dealership(id: $d) { vehicles(first: 20) { nodes { askingPrice } } } }",
        {"d": api.dealership_id("autosoft")},
    )
    prices = [n["askingPrice"] for n in data["dealership"]["vehicles"]["nodes"]]
    assert prices and all(isinstance(p, str) for p in prices)
    assert all(Decimal(p) == Decimal(p).quantize(Decimal("0.01")) for p in prices)


async def test_three_pages_of_ten_are_the_first_thirty_rows(api: Api) -> None:
    q = """query($d: ID!, $first: Int, $after: String) { dealership(id: $d) {
             customers(first: $first, after: $after) {
               totalCount pageInfo { hasNextPage hasPreviousPage endCursor } nodes { id } } } }"""
    for dms in ("autosoft", "autosync"):
        dealership = api.dealership_id(dms)
        one_shot = await api.data(q, {"d": dealership, "first": 30})
        thirty = [n["id"] for n in one_shot["dealership"]["customers"]["nodes"]]
        assert len(set(thirty)) == 30
        seen: list[str] = []
        after = None
        for page_number in range(3):
            data = await api.data(q, {"d": dealership, "first": 10, "after": after})
            page = data["dealership"]["customers"]
            assert len(page["nodes"]) == 10
            assert page["pageInfo"]["hasNextPage"]
            assert page["pageInfo"]["hasPreviousPage"] == (page_number > 0)
            seen += [n["id"] for n in page["nodes"]]
            after = page["pageInfo"]["endCursor"]
        assert seen == thirty, dms  # no overlap and no gap


async def test_page_size_is_capped(api: Api) -> None:
    result = await api.query(
        "query($d: ID!) { dealership(id: $d) { customers(first: 101) { nodes { id } } } }",
        {"d": api.dealership_id("autosoft")},
    )
    assert result["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_status_filter(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) {
             vehicles(first: 50, filter: {status: [IN_STOCK]}) {
               nodes { status statusRaw } } } }""",
        {"d": api.dealership_id("autosoft")},
    )
    nodes = data["dealership"]["vehicles"]["nodes"]
    assert nodes
    assert {n["status"] for n in nodes} == {"IN_STOCK"}
    assert {n["statusRaw"] for n in nodes} == {"in_stock"}


async def test_repair_order_status_filter_on_autosync(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) {
             repairOrders(first: 50, filter: {status: [WAITING_PARTS]}) {
               nodes { status statusRaw } } } }""",
        {"d": api.dealership_id("autosync")},
    )
    nodes = data["dealership"]["repairOrders"]["nodes"]
    assert nodes and {n["statusRaw"] for n in nodes} == {"waiting_parts"}


async def test_autosync_repair_order_lines_come_from_the_detail(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) { repairOrders(first: 5) { nodes {
             laborLines { amount } partLines { amount }
             totals { subtotal tax grandTotal }
             customer { displayName } vehicle { vin make } technicians { name } } } } }""",
        {"d": api.dealership_id("autosync")},
    )
    for ro in each(data["dealership"]["repairOrders"]["nodes"], exactly=5):
        lines = ro["laborLines"] + ro["partLines"]
        assert lines
        assert ro["customer"]["displayName"]
        assert ro["vehicle"]["make"]
        totals = ro["totals"]
        assert Decimal(totals["subtotal"]) + Decimal(totals["tax"]) == Decimal(totals["grandTotal"])


async def test_autosoft_repair_order_relations(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) { repairOrders(first: 10) { nodes {
             roNumber customer { id displayName } vehicle { vin } advisor { name role }
             technicians { name role }
             laborLines { opCode hours rate amount } partLines { quantity unitPrice amount }
             totals { labor parts shopSupplies tax grandTotal } } } } }""",
        {"d": api.dealership_id("autosoft")},
    )
    for ro in each(data["dealership"]["repairOrders"]["nodes"], exactly=10):
        assert ro["customer"]["displayName"]
        assert len(ro["vehicle"]["vin"]) == 17
        assert ro["advisor"]["role"] == "SERVICE_ADVISOR"
        assert all(t["role"] == "TECHNICIAN" for t in ro["technicians"])
        t = ro["totals"]
        labor = sum(Decimal(line["amount"]) for line in ro["laborLines"])
        assert labor == Decimal(t["labor"])
        assert sum(Decimal(t[k]) for k in ("labor", "parts", "shopSupplies", "tax")) == Decimal(
            t["grandTotal"]
        )


async def test_node_and_nodes_round_trip_every_kind(api: Api) -> None:
    lists = {
        "autosoft": [
            "vehicles",
            "customers",
            "deals",
            "leads",
            "repairOrders",
            "appointments",
            "parts",
            "employees",
            "accounts",
            "payments",
        ],
        "autosync": [
            "customers",
            "serviceVehicles",
            "repairOrders",
            "appointments",
            "parts",
            "employees",
            "payments",
        ],
    }
    for dms, fields in lists.items():
        body = " ".join(f"{f}(first: 2) {{ nodes {{ id __typename vendorId }} }}" for f in fields)
        data = await api.data(
            f"query($d: ID!) {{ dealership(id: $d) {{ {body} }} }}",
            {"d": api.dealership_id(dms)},
        )
        ids = []
        for field in fields:
            nodes = data["dealership"][field]["nodes"]
            assert nodes, f"{dms} {field} is empty"
            for node in nodes:
                one = await api.data(
                    "query($id: ID!) { node(id: $id) { id __typename "
                    "... on DealershipObject { vendorId dealership { dms } } } }",
                    {"id": node["id"]},
                )
                assert one["node"]["id"] == node["id"]
                assert one["node"]["__typename"] == node["__typename"]
                assert one["node"]["vendorId"] == node["vendorId"]
                assert one["node"]["dealership"]["dms"] == dms.upper()
                ids.append(node["id"])
        many = await api.data(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": [*ids, "bm90LWFuLWlk"]}
        )
        assert [n and n["id"] for n in many["nodes"]] == [*ids, None]


async def test_unknown_and_malformed_ids_are_null(api: Api) -> None:
    from graph.ids import encode_global_id

    dealer = next(iter(api.runtime.dealerships))
    data = await api.data(
        "query($a: ID!, $b: ID!, $c: ID!) { a: node(id: $a) { id } b: node(id: $b) { id } "
        "c: node(id: $c) { id } }",
        {
            "a": "%%%",
            "b": encode_global_id("Customer", dealer, "does-not-exist"),
            "c": encode_global_id("Customer", "no-such-dealer", "1"),
        },
    )
    assert data == {"a": None, "b": None, "c": None}


async def test_query_limits(api: Api) -> None:
    aliases = " ".join(f"a{i}: dealerships {{ id }}" for i in range(40))
    result = await api.query(f"{{ {aliases} }}")
    assert result.get("data") is None
    assert "aliases" in result["errors"][0]["message"].lower()

    deep = (
        "{ dealerships { " + "vehicles { nodes { dealership { " * 5 + "id" + " } } }" * 5 + " } }"
    )
    result = await api.query(deep)
    assert result.get("data") is None
    assert "depth" in result["errors"][0]["message"].lower()


async def test_account_with_customer_and_payment_history(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) { accounts(first: 20) { nodes {
             id vendorId balance nextDueDate daysPastDue customer { displayName }
             payments(first: 50) { totalCount nodes { amount receivedAt account { id } } }
           } } } }""",
        {"d": api.dealership_id("autosoft")},
    )
    accounts = data["dealership"]["accounts"]["nodes"]
    assert accounts
    with_history = [a for a in accounts if a["payments"]["nodes"]]
    assert with_history, "no account in the first 20 has payments"
    for account in with_history:
        assert account["customer"]["displayName"]
        assert {p["account"]["id"] for p in account["payments"]["nodes"]} == {account["id"]}
        assert all(Decimal(p["amount"]) > 0 for p in account["payments"]["nodes"])


async def test_autosoft_service_vehicles_resolve_by_id_and_on_appointments(api: Api) -> None:
    data = await api.data(
        """query($d: ID!) { dealership(id: $d) {
             repairOrders(first: 3) { nodes { vehicle { id vin owner { id } } } }
             appointments(first: 5) { nodes { vin vehicle { vin make } } } } }""",
        {"d": api.dealership_id("autosoft")},
    )
    for ro in each(data["dealership"]["repairOrders"]["nodes"], exactly=3):
        vehicle = ro["vehicle"]
        again = await api.data(
            "query($id: ID!) { node(id: $id) { ... on ServiceVehicle { vin owner { id } } } }",
            {"id": vehicle["id"]},
        )
        assert again["node"] == {"vin": vehicle["vin"], "owner": vehicle["owner"]}
    for appointment in each(data["dealership"]["appointments"]["nodes"], exactly=5):
        assert appointment["vehicle"]["vin"] == appointment["vin"]
        assert appointment["vehicle"]["make"]
