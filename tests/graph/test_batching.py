"""Relations resolve through dataloaders: a bounded number of upstream calls, not one per row."""

from __future__ import annotations

from tests.graph.conftest import Api

# Each vendor's worst case at sandbox scale 1: the list itself, one paged listing per related
# kind (vehicles ~300, customers ~400 at 100 per page) or one detail call per distinct id,
# whichever the adapter picks as cheaper. One call per row would be 100+.
MAX_UPSTREAM_REQUESTS = 15


async def test_fifty_autosoft_deals_with_vehicle_and_buyer(api: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { deals(first: 50) { nodes {
             dealNumber vehicle { vin stockNumber } buyer { displayName email } } } } }"""
    api.reset_upstream_counts()
    data = await api.data(q, {"d": api.dealership_id("autosoft")})
    deals = data["dealership"]["deals"]["nodes"]
    assert len(deals) == 50
    assert sum(1 for d in deals if d["vehicle"]) >= 45
    assert all(d["buyer"]["displayName"] for d in deals)
    requests = api.upstream_requests("autosoft")
    print(f"\nupstream requests for 50 AutoSoft deals + vehicle + buyer: {requests}")
    assert requests <= MAX_UPSTREAM_REQUESTS


async def test_fifty_autosync_work_orders_with_customer_and_vehicle(api: Api) -> None:
    q = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 50) { nodes {
             roNumber customer { displayName phone } vehicle { vin licensePlate } } } } }"""
    api.reset_upstream_counts()
    data = await api.data(q, {"d": api.dealership_id("autosync")})
    orders = data["dealership"]["repairOrders"]["nodes"]
    assert len(orders) == 50
    assert all(o["customer"]["displayName"] for o in orders)
    assert all(o["vehicle"]["vin"] for o in orders)
    requests = api.upstream_requests("autosync")
    print(f"\nupstream requests for 50 AutoSync work orders + customer + vehicle: {requests}")
    assert requests <= MAX_UPSTREAM_REQUESTS
