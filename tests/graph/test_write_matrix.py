"""Every write every DMS supports, through the graph over HTTP: it succeeds, its record reads
back at once, a replay sends nothing, and 20 concurrent duplicates write once upstream."""

from __future__ import annotations

import asyncio
import datetime
import zlib
from collections.abc import AsyncIterator
from typing import Any

import pytest

from adapters.commands import WriteOperation
from adapters.vin import check_digit
from sandbox import SandboxOptions
from sandbox.server import VENDOR_FACTORIES
from tests.graph.conftest import Api, start_api

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


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=5, rate_limit_per_minute=100_000)
    async for value in start_api(options, vendors=tuple(VENDOR_FACTORIES)):
        yield value


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


def fresh_vin(serial: int) -> str:
    draft = f"1FTEW1EP0PK{serial:06d}"
    return draft[:8] + check_digit(draft) + draft[9:]


def soon() -> str:
    day = datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=3)
    return day.replace(hour=14, minute=0, second=0, microsecond=0).isoformat()


async def build_input(api: Api, dms: str, dealer: str, op: WriteOperation, key: str) -> Any:
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
        found = await first(
            api,
            dealer,
            "vehicles(first: 1, filter: {status: [IN_STOCK]}) { nodes { id askingPrice } } "
            "customers(first: 1) { nodes { id } }",
        )
        vehicle = found["vehicles"]["nodes"][0]
        deal = {
            **base,
            "dealershipId": dealer,
            "buyerId": found["customers"]["nodes"][0]["id"],
            "vehicle": {"vehicleId": vehicle["id"]},
            "saleType": "cash",
            "pricing": {"sellingPrice": vehicle["askingPrice"]},
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
        found = await first(
            api,
            dealer,
            "accounts(first: 20, filter: {status: [CURRENT]}) { nodes { id nextDueAmount } }",
        )
        account = next(a for a in found["accounts"]["nodes"] if a["nextDueAmount"])
        return {
            **base,
            "accountId": account["id"],
            "amount": account["nextDueAmount"],
            "method": "CARD",
        }
    if op is WriteOperation.SCHEDULE_APPOINTMENT:
        found = await first(
            api, dealer, "repairOrders(first: 1) { nodes { customer { id } vehicle { id vin } } }"
        )
        ro = found["repairOrders"]["nodes"][0]
        return {
            **base,
            "dealershipId": dealer,
            "customerId": ro["customer"]["id"],
            "vehicleId": ro["vehicle"]["id"],
            "vin": ro["vehicle"]["vin"],
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
    selection = field if field == "journalEntryId" else f"{field} {{ id }}"
    document = (
        f"mutation($i: {input_type}!) {{ {name}(input: $i) {{ replayed "
        f"userErrors {{ field code message }} {selection} }} }}"
    )
    return name, field, document


def cases() -> list[tuple[str, WriteOperation]]:
    from adapters.registry import _FACTORIES

    out = []
    for dms, factory in _FACTORIES.items():
        adapter_class = factory.__self__  # type: ignore[attr-defined]
        out += [(dms.value, op) for op in sorted(adapter_class.writes, key=lambda o: o.value)]
    return out


@pytest.mark.parametrize(("dms", "op"), cases(), ids=lambda v: getattr(v, "value", v))
async def test_write_succeeds_reads_back_and_replays_without_a_second_write(
    api: Api, dms: str, op: WriteOperation
) -> None:
    dealer = api.dealership_id(dms)
    key = f"{dms}-{op.value}"
    variables = {"i": await build_input(api, dms, dealer, op, key)}
    name, field, document = mutation(op)
    before = upstream_writes(api, dms)
    payload = (await api.data(document, variables))[name]
    assert payload["userErrors"] == [], payload["userErrors"]
    assert payload[field], payload
    assert upstream_writes(api, dms) >= before + 1
    sent = upstream_writes(api, dms)
    if field != "journalEntryId":
        record = payload[field]["id"]
        read = await api.data("query($id: ID!) { node(id: $id) { id } }", {"id": record})
        assert read["node"] == {"id": record}
    again = (await api.data(document, variables))[name]
    assert again["replayed"] is True and again[field] == payload[field]
    assert upstream_writes(api, dms) == sent


FIRST_WRITE = {dms: op for dms, op in reversed(cases())}


@pytest.mark.parametrize("dms", sorted(FIRST_WRITE))
async def test_twenty_concurrent_duplicates_write_once_upstream(api: Api, dms: str) -> None:
    op = FIRST_WRITE[dms]
    dealer = api.dealership_id(dms)
    variables = {"i": await build_input(api, dms, dealer, op, f"{dms}-burst")}
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
