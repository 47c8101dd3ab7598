"""The vendor pages' example answers, served verbatim over real HTTP (tests/graph/
page_replay.py), read through the real adapters and the real API, asked for over GraphQL.

Every value on each page's example list answer is accounted for: either it lands in its
GraphQL field with the exact value (money and quantities as two-decimal strings, dates,
normalized enums beside the raw value, embedded relations), or it is listed with the reason
it has no GraphQL home. Each vendor's test prints how many page values reach the graph.
"""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Mapping
from contextlib import AsyncExitStack
from dataclasses import dataclass
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import ServerConfig
from graph.ids import encode_global_id
from graph.runtime import Runtime
from graph.sandbox_mode import LocalVendor, local_config
from tests.graph.page_replay import (
    PAGES,
    Replay,
    autosync_shop_id,
    fixture,
    fixture_bytes,
    serve_page,
)

KEY = "page-examples-key"
ROOFTOPS: tuple[str, ...] = tuple(fixture("dealertrack_session.json")["user"]["rooftops"])


def _stores(vendor: str) -> list[tuple[str | None, str]]:
    """One dealership per store the pages name: Dealertrack's session example lists the
    rooftops, AutoSync's shops example the shop; the others have one store per login."""
    if vendor == "dealertrack":
        return [(r, r) for r in ROOFTOPS]
    if vendor == "autosync":
        shop = autosync_shop_id()
        return [(shop, f"shop {shop}")]
    return [(None, f"{vendor} page")]


@dataclass
class PageApi:
    http: aiohttp.ClientSession
    url: str
    replays: dict[str, Replay]
    runtime: Runtime

    def dealership_id(self, vendor: str) -> str:
        """The dealership the examples are read through (Dealertrack: the rows' rooftop,
        the first the session names)."""
        entry = next(d for d in self.runtime.dealerships.values() if d.dms.value == vendor)
        return encode_global_id("Dealership", entry.id, entry.id)

    async def data(self, query: str, variables: Mapping[str, Any]) -> Any:
        response = await self.http.post(
            self.url,
            json={"query": query, "variables": dict(variables)},
            headers={"Authorization": f"Bearer {KEY}"},
        )
        assert response.status == 200, await response.text()
        body = await response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
async def page_api() -> AsyncIterator[PageApi]:
    """The API with one connection per vendor, each pointing at its page's replay,
    configured as the embedded sandbox mode configures its vendors."""
    async with AsyncExitStack() as stack:
        replays = {name: await stack.enter_async_context(serve_page(name)) for name in PAGES}
        vendors = [
            LocalVendor(name, replay.base_url, replay.page.secrets, _stores(name))
            for name, replay in replays.items()
        ]
        server_config = ServerConfig(data_dir=tempfile.mkdtemp(prefix="dealergraph-pages-"))
        config, environ = local_config(vendors, KEY, server_config)
        runtime = await Runtime.start(config, environ)
        stack.push_async_callback(runtime.close)
        server = TestServer(create_app(runtime), host="127.0.0.1")
        await server.start_server()
        stack.push_async_callback(server.close)
        http = aiohttp.ClientSession()
        stack.push_async_callback(http.close)
        yield PageApi(
            http=http, url=str(server.make_url("/graphql")), replays=replays, runtime=runtime
        )


VEHICLES = """query($ids: [ID!]) { vehicles(dealershipIds: $ids) { totalCount nodes {
  vendorId vin stockNumber status statusRaw condition conditionRaw year make model trim
  bodyStyle mileage mileageUnit exteriorColor interiorColor drivetrain transmission engine
  fuelType msrp askingPrice internetPrice salePrice cost bookValues { source amount }
  locationId lotId lotName photos { url primary position } options acquiredOn
  acquisitionSource isWholesale daysInStock updatedAt dealership { storeId }
} } }"""

# Only fields an RO's embeds can answer are asked for on its relations: the pages document
# no customer, vehicle or employee detail, so anything more would need an undocumented call.
REPAIR_ORDERS = """query($ids: [ID!]) { repairOrders(dealershipIds: $ids) { totalCount nodes {
  vendorId roNumber status statusRaw openedAt promisedAt closedAt customerName mileageIn
  customerApproved advisorApproved advisorName notes updatedAt
  laborLines { opCode description hours rate amount declined technicianId jobName }
  partLines { partNumber description quantity unitPrice amount declined jobName }
  totals { labor parts shopSupplies subtotal tax grandTotal }
  customer { vendorId firstName lastName phone displayName }
  vehicle { vendorId vin year make model mileage }
  advisor { vendorId name }
  technicians { vendorId name }
  technicianAssignments { name assignedHours technician { vendorId name } }
  dealership { storeId }
} } }"""

Reach = dict[str, Any]
"""Graph fields (dotted, below the list's node; ``^`` for the connection) and the exact
value each must hold."""

PAGING = "paging mechanics: the graph pages with its own cursors"
ROOFTOP = "rt_1001"
"""The rooftop the Dealertrack examples' rows name: the dealership that lists them."""
SHOPS = """query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Dealership {
  storeId dmsStore { storeId name slug status locationCount createdAt } } } }"""


@dataclass(frozen=True)
class Example:
    """One example list answer of a vendor page and where each of its values goes: a
    ``Reach`` or, for a value with no GraphQL home, the reason. Keys are dotted paths below
    the example's single row; ``^`` marks the envelope."""

    fixture: str
    values: Mapping[str, Reach | str]
    query: str | None = None
    """None: no GraphQL query reads this list."""
    connection: str = ""


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        return {
            k: v for key, item in value.items() for k, v in _leaves(item, f"{path}.{key}").items()
        }
    if isinstance(value, list):
        return {
            k: v for i, item in enumerate(value) for k, v in _leaves(item, f"{path}.{i}").items()
        }
    return {path.removeprefix("."): value}


def page_values(body: Mapping[str, Any]) -> dict[str, Any]:
    """The example's values: its single row's leaves, and ``^``-marked envelope leaves."""
    rows_key = "items" if "items" in body else "data"
    (row,) = body[rows_key]
    envelope = {f"^{k}": v for k, v in _leaves({**body, rows_key: None}).items() if v is not None}
    return envelope | _leaves(row)


def graph_values(connection: Mapping[str, Any] | list[Any]) -> dict[str, Any]:
    """A connection's single node and its envelope; a plain list (``nodes(ids:)``) is its
    nodes."""
    if isinstance(connection, list):
        connection = {"nodes": connection}
    (node,) = connection["nodes"]
    envelope = {f"^{k}": v for k, v in connection.items() if k != "nodes"}
    return envelope | _leaves(node)


def _status(normalized: str, raw: str) -> Reach:
    return {"status": normalized, "statusRaw": raw}


EXAMPLES: dict[str, list[Example]] = {
    "autosoft": [
        Example(
            "autosoft_vehicles_list.json",
            query=VEHICLES,
            connection="vehicles",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "vehicleId": {"vendorId": "veh_9a31d2"},
                "vin": {"vin": "1FTEW1EP5PKD12345"},
                "stockNumber": {"stockNumber": "A12345"},
                "status": _status("IN_STOCK", "in_stock"),
                "type": {"condition": "NEW", "conditionRaw": "new"},
                "year": {"year": 2024},
                "make": {"make": "Ford"},
                "model": {"model": "F-150"},
                "trim": {"trim": "XLT"},
                "bodyStyle": {"bodyStyle": "Crew Cab"},
                "mileage": {"mileage": 12},
                "exteriorColor": {"exteriorColor": "Oxford White"},
                "interiorColor": {"interiorColor": "Black"},
                "drivetrain": {"drivetrain": "4WD"},
                "transmission": {"transmission": "Automatic"},
                "engine": {"engine": "2.7L V6"},
                "fuelType": {"fuelType": "Gasoline"},
                "msrp": {"msrp": "54995.00"},
                "askingPrice": {"askingPrice": "52995.00"},
                "cost": {"cost": "48750.00"},
                "locationId": {"locationId": "loc_01"},
                "photos.0.url": {"photos.0.url": "https://cdn.example.com/veh_9a31d2/1.jpg"},
                "photos.1.url": {"photos.1.url": "https://cdn.example.com/veh_9a31d2/2.jpg"},
                "updatedAt": {"updatedAt": "2026-01-21T14:05:11+00:00"},
            },
        ),
        Example(
            "autosoft_repair_orders_list.json",
            query=REPAIR_ORDERS,
            connection="repairOrders",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "roId": {"vendorId": "ro_8f11c0"},
                "roNumber": {"roNumber": "012345"},
                "status": _status("OPEN", "open"),
                "openedAt": {"openedAt": "2026-01-21T12:02:10+00:00"},
                "customer.customerId": {"customer.vendorId": "cust_6b9013"},
                "customer.firstName": {"customer.firstName": "Ava"},
                "customer.lastName": {"customer.lastName": "Martinez"},
                "customer.phone": {"customer.phone": "+1-412-555-0175"},
                "vehicle.vin": {"vehicle.vin": "1GCUYDED0NZ123456"},
                "vehicle.year": {"vehicle.year": 2022},
                "vehicle.make": {"vehicle.make": "Chevrolet"},
                "vehicle.model": {"vehicle.model": "Silverado 1500"},
                "vehicle.mileageIn": {"mileageIn": 45123, "vehicle.mileage": 45123},
                # Ids without names: the staff list (GET /users) is not on the page, so the
                # relation answers from the id alone.
                "advisorId": {"advisor.vendorId": "u_4d2101", "advisor.name": None},
                "technicians.0": {"technicians.0.vendorId": "u_5f3130"},
                "lines.labor.0.opCode": {"laborLines.0.opCode": "BRKINS"},
                "lines.labor.0.description": {"laborLines.0.description": "Brake inspection"},
                "lines.labor.0.hours": {"laborLines.0.hours": "0.50"},
                "lines.labor.0.rate": {"laborLines.0.rate": "140.00"},
                "lines.labor.0.amount": {"laborLines.0.amount": "70.00"},
                "lines.parts.0.partNumber": {"partLines.0.partNumber": "123-456"},
                "lines.parts.0.description": {"partLines.0.description": "Cabin air filter"},
                "lines.parts.0.qty": {"partLines.0.quantity": "1.00"},
                "lines.parts.0.unitPrice": {"partLines.0.unitPrice": "24.95"},
                "lines.parts.0.amount": {"partLines.0.amount": "24.95"},
                "totals.labor": {"totals.labor": "70.00"},
                "totals.parts": {"totals.parts": "24.95"},
                "totals.shopSupplies": {"totals.shopSupplies": "6.00"},
                "totals.tax": {"totals.tax": "6.65"},
                "totals.grandTotal": {"totals.grandTotal": "107.60"},
                "updatedAt": {"updatedAt": "2026-01-21T15:10:45+00:00"},
            },
        ),
    ],
    "automate": [
        Example(
            "automate_vehicles_list.json",
            query=VEHICLES,
            connection="vehicles",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "vehicleId": {"vendorId": "veh_28f93a"},
                "vin": {"vin": "1HGCM82633A004352"},
                "stockNumber": {"stockNumber": "A12345"},
                "status": _status("IN_STOCK", "in_stock"),
                "condition": {"condition": "USED", "conditionRaw": "used"},
                "year": {"year": 2021},
                "make": {"make": "Honda"},
                "model": {"model": "Accord"},
                "trim": {"trim": "EX-L"},
                "bodyStyle": {"bodyStyle": "Sedan"},
                "exteriorColor": {"exteriorColor": "White"},
                "interiorColor": {"interiorColor": "Black"},
                "odometer.value": {"mileage": 23875},
                "odometer.unit": {"mileageUnit": "mi"},
                "msrp": (
                    "0 means no sticker on file (adapters/automate/mapping.py "
                    "sticker_price): msrp is null, asserted below"
                ),
                "listPrice": {"askingPrice": "25995.00"},
                "salePrice": {"salePrice": "24995.00"},
                "cost": {"cost": "22000.00"},
                "isWholesale": {"isWholesale": False},
                "agingDays": {"daysInStock": 18},
                "lot.lotId": {"lotId": "lot_01"},
                "lot.name": {"lotName": "Main Lot"},
                "photos.0.url": {"photos.0.url": "https://images.example.com/veh_28f93a/1.jpg"},
                "photos.1.url": {"photos.1.url": "https://images.example.com/veh_28f93a/2.jpg"},
                "fuelType": {"fuelType": "Gasoline"},
                "transmission": {"transmission": "Automatic"},
                "driveType": {"drivetrain": "FWD"},
                "engine": {"engine": "1.5L I4 Turbo"},
                "acquisitionDate": {"acquiredOn": "2025-12-28"},
                "updatedAt": {"updatedAt": "2026-01-20T13:45:00+00:00"},
            },
        ),
    ],
    "dealertrack": [
        Example(
            "dealertrack_vehicles_list.json",
            query=VEHICLES,
            connection="vehicles",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "vehicleId": {"vendorId": "veh_7c2a10"},
                "vin": {"vin": "1FTEW1E53PKD12345"},
                "stockNumber": {"stockNumber": "P12345"},
                "year": {"year": 2024},
                "make": {"make": "Ford"},
                "model": {"model": "F-150"},
                "trim": {"trim": "Lariat"},
                "bodyStyle": {"bodyStyle": "Crew Cab"},
                "exteriorColor": {"exteriorColor": "Oxford White"},
                "interiorColor": {"interiorColor": "Black"},
                "condition": {"condition": "NEW", "conditionRaw": "new"},
                "status": _status("IN_STOCK", "in_stock"),
                "mileage": {"mileage": 12},
                "lotLocation": {"lotName": "Front Row"},
                "pricing.msrp": {"msrp": "65800.00"},
                "pricing.askingPrice": {"askingPrice": "64250.00"},
                "pricing.internetPrice": {"internetPrice": "63990.00"},
                "pricing.cost": {"cost": "59000.00"},
                "photos.0.url": {"photos.0.url": "https://cdn.example.com/veh_7c2a10/1.jpg"},
                "photos.0.primary": {"photos.0.primary": True},
                "photos.1.url": {"photos.1.url": "https://cdn.example.com/veh_7c2a10/2.jpg"},
                "photos.1.primary": {"photos.1.primary": False},
                "options.0": {"options.0": "FX4 Package"},
                "options.1": {"options.1": "Tow Package"},
                "bookValues.kbb": {"bookValues.0.source": "kbb", "bookValues.0.amount": "64000.00"},
                "bookValues.nada": {
                    "bookValues.1.source": "nada",
                    "bookValues.1.amount": "63800.00",
                },
                "acquiredAt": {"acquiredOn": "2026-01-10"},
                "updatedAt": {"updatedAt": "2026-01-21T13:45:00+00:00"},
                "rooftopId": {"dealership.storeId": ROOFTOP},
            },
        ),
        Example(
            "dealertrack_repair_orders_list.json",
            query=REPAIR_ORDERS,
            connection="repairOrders",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "roId": {"vendorId": "ro_90e412"},
                "roNumber": {"roNumber": "RO-223145"},
                "status": _status("OPEN", "open"),
                "openedAt": {"openedAt": "2026-01-20T08:03:11+00:00"},
                "promisedAt": {"promisedAt": "2026-01-22T17:00:00+00:00"},
                "mileageIn": {"mileageIn": 45210, "vehicle.mileage": 45210},
                "vehicle.vin": {"vehicle.vin": "WBA53BH06NCH12345"},
                "vehicle.year": {"vehicle.year": 2022},
                "vehicle.make": {"vehicle.make": "BMW"},
                "vehicle.model": {"vehicle.model": "330i"},
                "customer.customerId": {"customer.vendorId": "cust_88b32e"},
                "customer.name": {
                    "customerName": "Alex Morgan",
                    "customer.displayName": "Alex Morgan",
                },
                "customer.phone": {"customer.phone": "+1-555-0142"},
                "advisor.userId": {"advisor.vendorId": "u_45af1d"},
                "advisor.name": {"advisorName": "Jamie R.", "advisor.name": "Jamie R."},
                "technicians.0.userId": {
                    "technicians.0.vendorId": "u_72a110",
                    "technicianAssignments.0.technician.vendorId": "u_72a110",
                },
                "technicians.0.name": {
                    "technicians.0.name": "T. Carter",
                    "technicianAssignments.0.name": "T. Carter",
                    "technicianAssignments.0.technician.name": "T. Carter",
                },
                "technicians.0.assignedHours": {"technicianAssignments.0.assignedHours": "2.50"},
                "lines.labor.0.opCode": {"laborLines.0.opCode": "BRKINS"},
                "lines.labor.0.description": {"laborLines.0.description": "Brake inspection"},
                "lines.labor.0.soldHours": {"laborLines.0.hours": "1.00"},
                "lines.labor.0.rate": {"laborLines.0.rate": "140.00"},
                "lines.labor.0.amount": {"laborLines.0.amount": "140.00"},
                "lines.labor.0.declined": {"laborLines.0.declined": False},
                "lines.labor.1.opCode": {"laborLines.1.opCode": "PADRPL"},
                "lines.labor.1.description": {"laborLines.1.description": "Replace front pads"},
                "lines.labor.1.soldHours": {"laborLines.1.hours": "1.50"},
                "lines.labor.1.rate": {"laborLines.1.rate": "140.00"},
                "lines.labor.1.amount": {"laborLines.1.amount": "210.00"},
                "lines.labor.1.declined": {"laborLines.1.declined": True},
                "lines.parts.0.partNumber": {"partLines.0.partNumber": "34116870051"},
                "lines.parts.0.description": {"partLines.0.description": "Front Brake Pad Set"},
                "lines.parts.0.qty": {"partLines.0.quantity": "1.00"},
                "lines.parts.0.unitPrice": {"partLines.0.unitPrice": "189.00"},
                "lines.parts.0.amount": {"partLines.0.amount": "189.00"},
                "lines.parts.0.declined": {"partLines.0.declined": True},
                "totals.labor": {"totals.labor": "350.00"},
                "totals.parts": {"totals.parts": "189.00"},
                "totals.shopSupplies": {"totals.shopSupplies": "25.00"},
                "totals.tax": {"totals.tax": "39.48"},
                "totals.grandTotal": {"totals.grandTotal": "603.48"},
                "approvals.customerApproved": {"customerApproved": True},
                "approvals.advisorApproved": {"advisorApproved": True},
                "updatedAt": {"updatedAt": "2026-01-21T10:03:11+00:00"},
                "rooftopId": {"dealership.storeId": ROOFTOP},
            },
        ),
    ],
    "dealercenter": [
        Example(
            "dealercenter_vehicles_list.json",
            query=VEHICLES,
            connection="vehicles",
            values={
                "^page": PAGING,
                "^pageSize": PAGING,
                "^total": {"^totalCount": 1},
                "vehicleId": {"vendorId": "veh_9f21ad"},
                "vin": {"vin": "1HGCM82633A123456"},
                "stockNumber": {"stockNumber": "DC-2451"},
                "year": {"year": 2020},
                "make": {"make": "Toyota"},
                "model": {"model": "Camry"},
                "trim": {"trim": "SE"},
                "mileage": {"mileage": 38210},
                "color.exterior": {"exteriorColor": "Blue"},
                "color.interior": {"interiorColor": "Black"},
                "status": _status("IN_STOCK", "in_stock"),
                "lotId": {"lotId": "lot_1a2b3c"},
                "price": {"askingPrice": "21995.00"},
                "cost": {"cost": "16850.00"},
                "bookValues.kbb": {"bookValues.0.source": "kbb", "bookValues.0.amount": "21400.00"},
                "bookValues.nada": {
                    "bookValues.1.source": "nada",
                    "bookValues.1.amount": "21875.00",
                },
                "bookValues.blackBook": {
                    "bookValues.2.source": "blackBook",
                    "bookValues.2.amount": "20950.00",
                },
                "photos.0.url": {"photos.0.url": "https://cdn.supergood.ai/upl/a1.jpg"},
                "photos.0.position": {"photos.0.position": 1},
                "photos.1.url": {"photos.1.url": "https://cdn.supergood.ai/upl/a2.jpg"},
                "photos.1.position": {"photos.1.position": 2},
                "acquiredAt": {"acquiredOn": "2025-12-14"},
                "updatedAt": {"updatedAt": "2026-01-22T14:31:02+00:00"},
            },
        ),
    ],
    "autosync": [
        Example(
            "autosync_workorders_list.json",
            query=REPAIR_ORDERS,
            connection="repairOrders",
            values={
                "id": {"vendorId": "1043"},
                "work_order_number": {"roNumber": "1043"},
                "status": _status("IN_PROGRESS", "in_progress"),
                "customer.id": {"customer.vendorId": "42"},
                "customer.name": {
                    "customerName": "Sarah Thompson",
                    "customer.displayName": "Sarah Thompson",
                },
                "vehicle.id": {"vehicle.vendorId": "78"},
                "vehicle.year": {"vehicle.year": 2021},
                "vehicle.make": {"vehicle.make": "Ford"},
                "vehicle.model": {"vehicle.model": "F-150"},
                "subtotal": {"totals.subtotal": "1080.00"},
                "tax": {"totals.tax": "86.40"},
                "total": {"totals.grandTotal": "1166.40"},
                "technician.id": {
                    "technicians.0.vendorId": "5",
                    "technicianAssignments.0.technician.vendorId": "5",
                },
                "technician.name": {
                    "technicians.0.name": "Dave M.",
                    "technicianAssignments.0.name": "Dave M.",
                    "technicianAssignments.0.technician.name": "Dave M.",
                },
                "created_at": {"openedAt": "2024-03-14T09:15:00+00:00"},
            },
        ),
        Example(
            "autosync_shops_list.json",
            query=SHOPS,
            connection="nodes",
            values={
                "^success": "the envelope's success flag",
                "id": {"storeId": "1", "dmsStore.storeId": "1"},
                "name": {"dmsStore.name": "Johnson's Auto Care"},
                "slug": {"dmsStore.slug": "johnsons-auto-care"},
                "status": {"dmsStore.status": "active"},
                "location_count": {"dmsStore.locationCount": 2},
                "created_at": {"dmsStore.createdAt": "2024-01-15T10:30:00+00:00"},
            },
        ),
    ],
}

EXPECTED_COUNTS = {
    "autosoft": (57, 61),
    "automate": (30, 33),
    "dealertrack": (76, 80),
    "dealercenter": (24, 26),
    "autosync": (21, 22),
}
"""Per vendor: (page values reaching the graph, values on the page's example lists)."""


def test_every_example_list_is_served() -> None:
    served = {name for page in PAGES.values() for name in page.routes.values()}
    listed = {e.fixture for examples in EXAMPLES.values() for e in examples}
    assert listed == {n for n in served if not n.endswith("_session.json")}


@pytest.mark.parametrize("vendor", list(EXAMPLES))
async def test_page_values_reach_the_graph(page_api: PageApi, vendor: str) -> None:
    reached = total = 0
    gaps: list[str] = []
    for example in EXAMPLES[vendor]:
        page = page_values(fixture(example.fixture))
        # Every page value is accounted for, and nothing else is claimed.
        assert set(example.values) == set(page), example.fixture
        total += len(page)
        graph: dict[str, Any] = {}
        if example.query is not None:
            data = await page_api.data(example.query, {"ids": [page_api.dealership_id(vendor)]})
            graph = graph_values(data[example.connection])
        for path, where in example.values.items():
            if isinstance(where, str):
                gaps.append(f"{example.fixture}: {path} ({where})")
                continue
            for field, value in where.items():
                assert field in graph, f"{example.fixture}: {path} -> {field} missing"
                assert graph[field] == value, f"{example.fixture}: {path} -> {field}"
            reached += 1
    print(f"\n{vendor}: {reached} of {total} page values reach the graph")
    for gap in gaps:
        print(f"  not in the graph: {gap}")
    assert (reached, total) == EXPECTED_COUNTS[vendor]


async def test_what_the_graph_says_where_page_values_do_not_land(page_api: PageApi) -> None:
    autosoft = await page_api.data(REPAIR_ORDERS, {"ids": [page_api.dealership_id("autosoft")]})
    (ro,) = autosoft["repairOrders"]["nodes"]
    # Named by id only: the ids reach the graph, the names the page never gives stay null.
    assert ro["advisor"] == {"vendorId": "u_4d2101", "name": None}
    assert ro["technicians"] == [{"vendorId": "u_5f3130", "name": None}]
    assert (ro["advisorName"], ro["technicianAssignments"]) == (None, [])
    automate = await page_api.data(VEHICLES, {"ids": [page_api.dealership_id("automate")]})
    assert automate["vehicles"]["nodes"][0]["msrp"] is None
    # AutoSync's example has no pagination object: the adapter reads the short page as
    # the list's end, so the total is the rows it holds.
    autosync = await page_api.data(REPAIR_ORDERS, {"ids": [page_api.dealership_id("autosync")]})
    assert autosync["repairOrders"]["totalCount"] == 1
    assert len(autosync["repairOrders"]["nodes"]) == 1


async def test_the_replay_serves_the_page_and_nothing_else(page_api: PageApi) -> None:
    http = page_api.http
    for name, replay in page_api.replays.items():
        for (method, path), body_name in replay.page.routes.items():
            params = {"page": "7", "pageSize": "3", "per_page": "3"}
            async with http.request(method, replay.base_url + path, params=params) as response:
                assert response.status == 200
                assert await response.read() == fixture_bytes(body_name)
        async with http.get(f"{replay.base_url}/no-such-path") as response:
            assert response.status == 404
            body = await response.json()
        assert body["error"]["code"] == "not_found", name
        if name == "autosync":
            assert (body["success"], body["error"]["status"]) == (False, 404)
        else:
            assert set(body) == {"error"}
    # Every undocumented call the adapters made met the vendor's 404.
    for replay in page_api.replays.values():
        assert all(
            status == 404
            for method, path, status in replay.requests
            if (method, path) not in replay.page.routes
        )
