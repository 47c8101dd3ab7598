"""Every write every DMS supports, through the graph over HTTP: it succeeds, its record reads
back at once, a replay sends nothing, and 20 concurrent duplicates write once upstream.

Also in documented-only mode (the sandboxes serve only what the vendor pages show): every
documented write still answers its record, with the vendor's id, number and status from
the 2xx answer, although most records cannot be read back there."""

from __future__ import annotations

import asyncio
import datetime
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.commands import WriteOperation
from adapters.vin import check_digit
from graph.ids import encode_global_id
from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import Api, start_api

DEFAULT, DOCUMENTED_ONLY = "default", "documented-only"

# mutation field, the payload field holding the record, and its document
MUTATIONS: dict[WriteOperation, tuple[str, str, str]] = {
    WriteOperation.CREATE_LEAD: ("createLead", "lead", "CreateLeadInput"),
    WriteOperation.UPSERT_CUSTOMER: ("upsertCustomer", "customer", "UpsertCustomerInput"),
    WriteOperation.CREATE_DEAL: ("createDeal", "deal", "CreateDealInput"),
    WriteOperation.UPDATE_DEAL: ("updateDeal", "deal", "UpdateDealInput"),
    WriteOperation.POST_PAYMENT: ("postPayment", "payment", "PostPaymentInput"),
    WriteOperation.SCHEDULE_APPOINTMENT: (
        "scheduleServiceAppointment",
        "appointment",
        "ScheduleServiceAppointmentInput",
    ),
    WriteOperation.POST_JOURNAL_ENTRY: (
        "postJournalEntry",
        "journalEntryId",
        "PostJournalEntryInput",
    ),
    WriteOperation.CREATE_SERVICE_VEHICLE: (
        "createServiceVehicle",
        "vehicle",
        "CreateServiceVehicleInput",
    ),
    WriteOperation.CREATE_REPAIR_ORDER: (
        "createRepairOrder",
        "repairOrder",
        "CreateRepairOrderInput",
    ),
    WriteOperation.SET_PART_STOCK: ("setPartStock", "part", "SetPartStockInput"),
}
LEAD_SOURCES = {"dealercenter": "website"}  # AutoSoft's own source list differs
# What each payload's record is asked for: its vendor id, and its number and status where
# its type has them.
RECORD_SELECTION = {
    "lead": "id vendorId status statusRaw",
    "customer": "id vendorId",
    "deal": "id vendorId status statusRaw dealNumber",
    "payment": "id vendorId status receiptNumber",
    "appointment": "id vendorId status statusRaw",
    "vehicle": "id vendorId",
    "repairOrder": "id vendorId status statusRaw roNumber",
    "part": "id vendorId",
}
NUMBER = {"deal": "dealNumber", "payment": "receiptNumber", "repairOrder": "roNumber"}
# The writes whose endpoints the vendor pages document (docs/contracts/<vendor>.md).
DOCUMENTED_WRITES: dict[str, frozenset[WriteOperation]] = {
    "autosoft": frozenset({WriteOperation.CREATE_LEAD, WriteOperation.CREATE_DEAL}),
    "automate": frozenset(
        {
            WriteOperation.UPSERT_CUSTOMER,
            WriteOperation.CREATE_DEAL,
            WriteOperation.SCHEDULE_APPOINTMENT,
        }
    ),
    "dealertrack": frozenset(
        {
            WriteOperation.CREATE_DEAL,
            WriteOperation.UPDATE_DEAL,
            WriteOperation.POST_JOURNAL_ENTRY,
        }
    ),
    "dealercenter": frozenset(
        {WriteOperation.CREATE_LEAD, WriteOperation.CREATE_DEAL, WriteOperation.POST_PAYMENT}
    ),
    "autosync": frozenset(
        {
            WriteOperation.UPSERT_CUSTOMER,
            WriteOperation.CREATE_SERVICE_VEHICLE,
            WriteOperation.CREATE_REPAIR_ORDER,
            WriteOperation.SCHEDULE_APPOINTMENT,
            WriteOperation.SET_PART_STOCK,
        }
    ),
}
# Answers on the page that carry no number: the record has one only once it reads back.
NO_NUMBER_ON_THE_PAGE = {
    ("autosoft", WriteOperation.CREATE_DEAL),
    ("dealercenter", WriteOperation.CREATE_DEAL),
    ("dealertrack", WriteOperation.UPDATE_DEAL),
}
NO_PAYMENT_STATUS = {"autosoft"}  # its payments carry no status, read back or answered


async def serve(documented_only: bool) -> AsyncIterator[Api]:
    options = SandboxOptions(seed=5, rate_limit_per_minute=100_000)
    vendors = tuple(VENDOR_FACTORIES)
    async for value in start_api(options, vendors=vendors, documented_only=documented_only):
        yield value


@pytest.fixture(scope="module")
async def default_api() -> AsyncIterator[Api]:
    async for value in serve(documented_only=False):
        yield value


@pytest.fixture(scope="module")
async def documented_api() -> AsyncIterator[Api]:
    async for value in serve(documented_only=True):
        yield value


@pytest.fixture
def api(request: pytest.FixtureRequest, mode: str) -> Api:
    """The module's server for the test's ``mode`` (one per mode, kept for the module)."""
    name = "default_api" if mode == DEFAULT else "documented_api"
    found: Api = request.getfixturevalue(name)
    return found


def upstream_writes(api: Api, vendor: str) -> int:
    return sum(
        1
        for r in api.sandbox.vendors[vendor].requests.entries
        if r.method != "GET" and "/sessions" not in r.path and "/oauth" not in r.path
    )


async def first(api: Api, dealer: str, selection: str) -> dict[str, Any]:
    data = await api.data(
        f"query($d: ID!) {{ dealership(id: $d) {{ {selection} }} }}", {"d": dealer}
    )
    return data["dealership"]


def state_rows(api: Api, dms: str, table: str) -> list[dict[str, Any]]:
    """A sandbox table's rows (the dealership's rooftop for Dealertrack): what a client of
    documented endpoints alone cannot list, known to it some other way."""
    state = api.sandbox.vendors[dms].state
    if dms == "dealertrack":
        entry = next(d for d in api.runtime.dealerships.values() if d.dms.value == dms)
        state = state.rooftops[entry.store_id]
    return list(getattr(state, table).ordered())


def global_id(api: Api, dms: str, type_name: str, native: str) -> str:
    entry = next(d for d in api.runtime.dealerships.values() if d.dms.value == dms)
    return encode_global_id(type_name, entry.id, native)


async def deal_parties(
    api: Api, mode: str, dms: str, dealer: str
) -> tuple[str, dict[str, Any], str]:
    """A buyer's id, a vehicle reference and its asking price, for a new deal. The vehicle
    list is on every page; customer lists are not, and Auto/Mate looks a vehicle named by
    id up in its (extrapolated) detail, so documented-only mode names the buyer from the
    sandbox's table and Auto/Mate's vehicle by VIN."""
    found = await first(
        api,
        dealer,
        "vehicles(first: 1, filter: {status: [IN_STOCK]}) { nodes { id vin askingPrice } }",
    )
    vehicle = found["vehicles"]["nodes"][0]
    price = vehicle["askingPrice"]
    if mode == DEFAULT:
        customers = await first(api, dealer, "customers(first: 1) { nodes { id } }")
        return customers["customers"]["nodes"][0]["id"], {"vehicleId": vehicle["id"]}, price
    buyer = global_id(api, dms, "Customer", state_rows(api, dms, "customers")[0]["customerId"])
    ref = {"vin": vehicle["vin"]} if dms == "automate" else {"vehicleId": vehicle["id"]}
    return buyer, ref, price


async def appointment_parties(
    api: Api, mode: str, dms: str, dealer: str
) -> tuple[str, str, str | None]:
    """(customer id, service vehicle id, VIN) of a vehicle in for service; Auto/Mate's
    repair-order list is not on its page, so documented-only mode reads its table."""
    if mode == DOCUMENTED_ONLY and dms == "automate":
        ro = state_rows(api, dms, "repair_orders")[0]
        vin = ro["vehicle"]["vin"]
        customer = global_id(api, dms, "Customer", ro["customerId"])
        return customer, global_id(api, dms, "ServiceVehicle", vin), vin
    found = await first(
        api, dealer, "repairOrders(first: 1) { nodes { customer { id } vehicle { id vin } } }"
    )
    ro = found["repairOrders"]["nodes"][0]
    return ro["customer"]["id"], ro["vehicle"]["id"], ro["vehicle"]["vin"]


async def open_account(api: Api, mode: str, dms: str, dealer: str) -> dict[str, Any]:
    """A current account with an installment due: ``{id, nextDueAmount}``."""
    if mode == DOCUMENTED_ONLY:
        row = next(
            r
            for r in state_rows(api, dms, "accounts")
            if r["status"] == "current" and r.get("nextDueAmount")
        )
        account = global_id(api, dms, "Account", row["accountId"])
        return {"id": account, "nextDueAmount": str(row["nextDueAmount"])}
    found = await first(
        api,
        dealer,
        "accounts(first: 20, filter: {status: [CURRENT]}) { nodes { id nextDueAmount } }",
    )
    return next(a for a in found["accounts"]["nodes"] if a["nextDueAmount"])


def fresh_vin(serial: int) -> str:
    draft = f"1FTEW1EP0PK{serial:06d}"
    return draft[:8] + check_digit(draft) + draft[9:]


def soon() -> str:
    day = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    return day.replace(hour=14, minute=0, second=0, microsecond=0).isoformat()


async def build_input(
    api: Api, mode: str, dms: str, dealer: str, op: WriteOperation, key: str
) -> Any:
    """A valid input for ``op`` at this dealership, from its own live data."""
    base = {"idempotencyKey": key}
    if op is WriteOperation.CREATE_LEAD:
        return {
            **base,
            "dealershipId": dealer,
            "contact": {"firstName": "Jordan", "lastName": "Lee", "email": f"{key}@example.com"},
            "source": LEAD_SOURCES.get(dms, "website_digital_retail"),
            "consent": {"email": True},
        }
    if op is WriteOperation.UPSERT_CUSTOMER:
        return {
            **base,
            "dealershipId": dealer,
            "externalId": f"crm-{key}",
            "firstName": "Mike",
            "lastName": "Rodriguez",
            "emails": [f"{key}@example.com"],
        }
    if op in (WriteOperation.CREATE_DEAL, WriteOperation.UPDATE_DEAL):
        buyer, vehicle, price = await deal_parties(api, mode, dms, dealer)
        deal = {
            **base,
            "dealershipId": dealer,
            "buyerId": buyer,
            "vehicle": vehicle,
            "saleType": "cash",
            "pricing": {"sellingPrice": price},
        }
        if op is WriteOperation.CREATE_DEAL:
            return deal
        created = await api.data(
            "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id status } "
            "userErrors { message } } }",
            {"i": {**deal, "idempotencyKey": f"{key}-create"}},
        )
        made = created["createDeal"]
        assert made["userErrors"] == [], made
        order = ["DRAFT", "PENDING", "APPROVED", "CONTRACTED", "DELIVERED"]
        following = order[order.index(made["deal"]["status"]) + 1]
        return {**base, "dealId": made["deal"]["id"], "status": following}
    if op is WriteOperation.POST_PAYMENT:
        account = await open_account(api, mode, dms, dealer)
        return {
            **base,
            "accountId": account["id"],
            "amount": account["nextDueAmount"],
            "method": "CARD",
        }
    if op is WriteOperation.SCHEDULE_APPOINTMENT:
        customer, vehicle_id, vin = await appointment_parties(api, mode, dms, dealer)
        return {
            **base,
            "dealershipId": dealer,
            "customerId": customer,
            "vehicleId": vehicle_id,
            "vin": vin,
            "startsAt": soon(),
            "concern": "Oil change and tire rotation",
        }
    if op is WriteOperation.POST_JOURNAL_ENTRY:
        return {
            **base,
            "dealershipId": dealer,
            "postedOn": "2026-11-20",
            "reference": key,
            "lines": [
                {"accountNumber": "1010", "department": "10", "debit": "250.00"},
                {"accountNumber": "2310", "department": "10", "credit": "250.00"},
            ],
        }
    if op is WriteOperation.CREATE_SERVICE_VEHICLE:
        found = await first(api, dealer, "customers(first: 1) { nodes { id } }")
        return {
            **base,
            "dealershipId": dealer,
            "ownerId": found["customers"]["nodes"][0]["id"],
            "year": 2021,
            "make": "Ford",
            "model": "F-150",
            "vin": fresh_vin(zlib.crc32(key.encode()) % 1_000_000),
        }
    if op is WriteOperation.CREATE_REPAIR_ORDER:
        found = await first(
            api, dealer, "repairOrders(first: 1) { nodes { customer { id } vehicle { id } } }"
        )
        ro = found["repairOrders"]["nodes"][0]
        return {
            **base,
            "dealershipId": dealer,
            "customerId": ro["customer"]["id"],
            "vehicleId": ro["vehicle"]["id"],
            "jobs": [
                {
                    "name": "Oil change",
                    "lines": [
                        {
                            "kind": "labor",
                            "description": "Oil and filter",
                            "hours": "0.5",
                            "rate": "120.00",
                        },
                        {"kind": "fee", "description": "Shop supplies", "unitPrice": "6.00"},
                    ],
                }
            ],
        }
    if op is WriteOperation.SET_PART_STOCK:
        found = await first(api, dealer, "parts(first: 1) { nodes { id } }")
        return {**base, "partId": found["parts"]["nodes"][0]["id"], "quantity": 42}
    raise AssertionError(op)


def mutation(op: WriteOperation) -> tuple[str, str, str]:
    name, field, input_type = MUTATIONS[op]
    if field == "journalEntryId":
        selection = "journalEntryId status"
    else:
        selection = f"{field} {{ {RECORD_SELECTION[field]} }}"
    document = (
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ replayed "
        f"userErrors {{ field code message }} {selection} }} }}"
    )
    return name, field, document


def cases(mode: str = DEFAULT) -> list[tuple[str, WriteOperation]]:
    """Every write each adapter offers; in documented-only mode, those on the pages."""
    from adapters.registry import _FACTORIES

    out = []
    for dms, factory in _FACTORIES.items():
        adapter_class = factory.__self__  # type: ignore[attr-defined]
        ops = sorted(adapter_class.writes, key=lambda o: o.value)
        out += [
            (dms.value, op) for op in ops if mode == DEFAULT or op in DOCUMENTED_WRITES[dms.value]
        ]
    return out


def matrix() -> list[Any]:
    return [
        pytest.param(mode, dms, op, id=f"{mode}-{dms}-{op.value}")
        for mode in (DEFAULT, DOCUMENTED_ONLY)
        for dms, op in cases(mode)
    ]


def assert_answered(mode: str, dms: str, op: WriteOperation, field: str, payload: Any) -> None:
    """The record carries what the DMS said when it took the write: its id, its status and,
    where its answer has one, its number."""
    if field == "journalEntryId":
        assert payload["journalEntryId"] and payload["status"], payload
        return
    record = payload[field]
    assert record and record["vendorId"], payload
    if "statusRaw" in record:
        assert record["statusRaw"] and record["status"] != "UNKNOWN", record
    if field == "payment" and dms not in NO_PAYMENT_STATUS:
        assert record["status"], record
    number = NUMBER.get(field)
    if number and not (mode == DOCUMENTED_ONLY and (dms, op) in NO_NUMBER_ON_THE_PAGE):
        assert record[number], record


@pytest.mark.parametrize(("mode", "dms", "op"), matrix())
async def test_write_succeeds_reads_back_and_replays_without_a_second_write(
    mode: str, api: Api, dms: str, op: WriteOperation
) -> None:
    dealer = api.dealership_id(dms)
    key = f"{dms}-{op.value}"
    variables = {"i": await build_input(api, mode, dms, dealer, op, key)}
    name, field, document = mutation(op)
    before = upstream_writes(api, dms)
    payload = (await api.data(document, variables))[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    assert_answered(mode, dms, op, field, payload)
    assert upstream_writes(api, dms) >= before + 1
    sent = upstream_writes(api, dms)
    if field != "journalEntryId" and mode == DEFAULT:
        record = payload[field]["id"]
        read = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": record})
        assert read["node"] == {"id": record}
    again = (await api.data(document, variables))[name]
    assert again["replayed"] is True and again[field] == payload[field]
    assert upstream_writes(api, dms) == sent


def bursts() -> list[Any]:
    """Per DMS, its first write (documented on every page)."""
    return [
        pytest.param(mode, dms, op, id=f"{mode}-{dms}")
        for mode in (DEFAULT, DOCUMENTED_ONLY)
        for dms, op in sorted({dms: op for dms, op in reversed(cases(mode))}.items())
    ]


@pytest.mark.parametrize(("mode", "dms", "op"), bursts())
async def test_twenty_concurrent_duplicates_write_once_upstream(
    mode: str, api: Api, dms: str, op: WriteOperation
) -> None:
    dealer = api.dealership_id(dms)
    variables = {"i": await build_input(api, mode, dms, dealer, op, f"{dms}-burst")}
    name, field, document = mutation(op)
    before = upstream_writes(api, dms)
    results = await asyncio.gather(*(api.data(document, variables) for _ in range(20)))
    payloads = [r[name] for r in results]
    assert all(p["userErrors"] == [] for p in payloads)
    assert len({str(p[field]) for p in payloads}) == 1
    assert sorted(p["replayed"] for p in payloads) == [False] + [True] * 19
    writes = upstream_writes(api, dms) - before
    print(f"\n{dms} {op.value}: 20 concurrent duplicates -> {writes} upstream request(s)")
    # One logical write; AutoSync opens a work order with one request plus one per job.
    assert writes == (2 if op is WriteOperation.CREATE_REPAIR_ORDER else 1)
