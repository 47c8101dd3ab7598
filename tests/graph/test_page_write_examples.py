"""The vendor pages' write examples, served verbatim over real HTTP (tests/graph/
page_replay.py), sent through the real API and adapters: each documented write's answer
lands in the mutation's payload with the page's exact values.

The replay answers a write with the page's example whatever was sent, and serves no
detail read, so the record is answered from the write's 2xx (as in documented-only mode);
every value of each example answer is either asserted in the payload or listed with the
reason it has no GraphQL home. AutoSync's page shows no write answer (only a request
body), so it has none here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pytest

from graph.ids import encode_global_id
from tests.graph.page_replay import (
    DEALERCENTER_ACCOUNT,
    DEALERTRACK_DEAL,
    PAGES,
    fixture,
)
from tests.graph.test_page_examples import PageApi, _leaves, page_api  # noqa: F401
from tests.graph.test_write_matrix import soon


def _global(api: PageApi, vendor: str, type_name: str, native: str) -> str:
    entry = next(d for d in api.runtime.dealerships.values() if d.dms.value == vendor)
    return encode_global_id(type_name, entry.id, native)


@dataclass(frozen=True)
class WriteExample:
    """One documented write: the mutation sent, and where each value of the page's
    example answer lands in its payload (dotted paths below the payload's record; a
    string is the reason a value has no home)."""

    vendor: str
    fixture: str
    mutation: str
    input_type: str
    selection: str
    values: Mapping[str, Mapping[str, Any] | str]


LEAD = "lead { id vendorId status statusRaw referenceId createdAt }"
DEAL = """deal { id vendorId dealNumber status statusRaw referenceId createdAt updatedAt
  financing { termMonths apr lenderStatus creditApplicationId monthlyPayment } }
  paymentEstimate { monthly termMonths apr } lenderStatus
  creditApplication { id status }"""


NO_JOURNAL_RECORD = "the payload answers a journal entry's id and status only"

WRITES: list[WriteExample] = [
    WriteExample(
        "autosoft",
        "autosoft_lead_created.json",
        "createLead",
        "CreateLeadInput",
        LEAD,
        {
            "leadId": {"lead.vendorId": "ld_74ce91"},
            "status": {"lead.status": "NEW", "lead.statusRaw": "new"},
            "createdAt": {"lead.createdAt": "2026-01-21T15:09:33+00:00"},
            "referenceId": {"lead.referenceId": "lead-98421"},
        },
    ),
    WriteExample(
        "autosoft",
        "autosoft_deal_created.json",
        "createDeal",
        "CreateDealInput",
        DEAL,
        {
            "dealId": {"deal.vendorId": "dl_5a220f"},
            "status": {"deal.status": "DRAFT", "deal.statusRaw": "draft"},
            "paymentOptions.monthly": {
                "paymentEstimate.monthly": "1499.23",
                "deal.financing.monthlyPayment": "1499.23",
            },
            "paymentOptions.termMonths": {
                "paymentEstimate.termMonths": 36,
                "deal.financing.termMonths": 36,
            },
            "paymentOptions.apr": {"paymentEstimate.apr": "3.49", "deal.financing.apr": "3.49"},
            "createdAt": {"deal.createdAt": "2026-01-21T15:33:02+00:00"},
            "referenceId": {"deal.referenceId": "deal-DR-2026-0001"},
        },
    ),
    WriteExample(
        "automate",
        "automate_customer_upserted.json",
        "upsertCustomer",
        "UpsertCustomerInput",
        "customer { id vendorId externalId createdAt updatedAt } matchedBy",
        {
            "customerId": {"customer.vendorId": "cust_5c01e8"},
            "status": "the upsert's own outcome word; matchedBy says which record it was",
            "matchedBy": {"matchedBy": "externalId"},
            "updatedAt": {"customer.updatedAt": "2026-01-21T09:12:33+00:00"},
        },
    ),
    WriteExample(
        "automate",
        "automate_deal_created.json",
        "createDeal",
        "CreateDealInput",
        DEAL,
        {
            "dealId": {"deal.vendorId": "deal_61df30"},
            "dealNumber": {"deal.dealNumber": "D-2026-00128"},
            "status": {"deal.status": "DRAFT", "deal.statusRaw": "penciled"},
            "createdAt": {"deal.createdAt": "2026-01-21T10:03:11+00:00"},
        },
    ),
    WriteExample(
        "automate",
        "automate_appointment_created.json",
        "scheduleServiceAppointment",
        "ScheduleServiceAppointmentInput",
        "appointment { id vendorId status statusRaw createdAt }",
        {
            "appointmentId": {"appointment.vendorId": "appt_9fa201"},
            "status": {"appointment.status": "SCHEDULED", "appointment.statusRaw": "scheduled"},
            "department": "every appointment the graph writes is a service one",
            "createdAt": {"appointment.createdAt": "2026-01-21T11:20:44+00:00"},
        },
    ),
    WriteExample(
        "dealertrack",
        "dealertrack_deal_created.json",
        "createDeal",
        "CreateDealInput",
        DEAL,
        {
            "dealId": {"deal.vendorId": "deal_51af80"},
            "dealNumber": {"deal.dealNumber": "D-240123"},
            "status": {"deal.status": "PENDING", "deal.statusRaw": "pending"},
            "lenderStatus": {
                "lenderStatus": "submitted",
                "deal.financing.lenderStatus": "submitted",
            },
            "createdAt": {"deal.createdAt": "2026-01-21T11:20:44+00:00"},
            "referenceId": {"deal.referenceId": "dr-ord-87432"},
        },
    ),
    WriteExample(
        "dealertrack",
        "dealertrack_deal_patched.json",
        "updateDeal",
        "UpdateDealInput",
        DEAL,
        {
            "dealId": {"deal.vendorId": DEALERTRACK_DEAL},
            "status": {"deal.status": "CONTRACTED", "deal.statusRaw": "contracted"},
            "lenderStatus": {"lenderStatus": "approved", "deal.financing.lenderStatus": "approved"},
            "updatedAt": {"deal.updatedAt": "2026-01-21T12:10:11+00:00"},
        },
    ),
    WriteExample(
        "dealertrack",
        "dealertrack_journal_entry_posted.json",
        "postJournalEntry",
        "PostJournalEntryInput",
        "journalEntryId status",
        {
            "journalEntryId": {"journalEntryId": "je_3aa91d"},
            "status": {"status": "posted"},
            "postedDate": NO_JOURNAL_RECORD,
            "lines": NO_JOURNAL_RECORD,
            "createdAt": NO_JOURNAL_RECORD,
        },
    ),
    WriteExample(
        "dealercenter",
        "dealercenter_lead_created.json",
        "createLead",
        "CreateLeadInput",
        LEAD,
        {
            "leadId": {"lead.vendorId": "ld_6b210e"},
            "status": {"lead.status": "NEW", "lead.statusRaw": "new"},
            "createdAt": {"lead.createdAt": "2026-01-22T15:10:21+00:00"},
            "referenceId": {"lead.referenceId": "lead-12345"},
        },
    ),
    WriteExample(
        "dealercenter",
        "dealercenter_deal_created.json",
        "createDeal",
        "CreateDealInput",
        DEAL,
        {
            "dealId": {"deal.vendorId": "dl_5c88f0"},
            "status": {"deal.status": "SUBMITTED", "deal.statusRaw": "submitted"},
            "paymentEstimate.monthly": {
                "paymentEstimate.monthly": "354.28",
                "deal.financing.monthlyPayment": "354.28",
            },
            "paymentEstimate.termMonths": {
                "paymentEstimate.termMonths": 72,
                "deal.financing.termMonths": 72,
            },
            "paymentEstimate.apr": {"paymentEstimate.apr": "7.49", "deal.financing.apr": "7.49"},
            "creditApplication.applicationId": {
                "creditApplication.id": "ca_9102a1",
                "deal.financing.creditApplicationId": "ca_9102a1",
            },
            "creditApplication.status": {
                "creditApplication.status": "sent_to_lenders",
                "deal.financing.lenderStatus": "sent_to_lenders",
            },
            "createdAt": {"deal.createdAt": "2026-01-22T16:04:12+00:00"},
            "referenceId": {"deal.referenceId": "quote-7842"},
        },
    ),
    WriteExample(
        "dealercenter",
        "dealercenter_payment_posted.json",
        "postPayment",
        "PostPaymentInput",
        "payment { id vendorId status receiptNumber referenceId } receiptNumber nextDueDate",
        {
            "paymentId": {"payment.vendorId": "pmt_7a1b22"},
            "status": {"payment.status": "posted"},
            "receiptNumber": {
                "payment.receiptNumber": "R-2026-001234",
                "receiptNumber": "R-2026-001234",
            },
            "nextDueDate": {"nextDueDate": "2026-02-22"},
            "referenceId": {"payment.referenceId": "pay-10992"},
        },
    ),
]
EXPECTED_COUNTS = {
    "autosoft": (11, 11),
    "automate": (10, 12),
    "dealertrack": (12, 15),
    "dealercenter": (18, 18),
}
"""Per vendor: (write-answer values reaching the payload, values on the page's answers)."""


async def _input(api: PageApi, example: WriteExample) -> dict[str, Any]:
    vendor = example.vendor
    dealer = api.dealership_id(vendor)
    base = {"idempotencyKey": f"page-{example.fixture}"}
    if example.mutation == "createLead":
        return {
            **base,
            "dealershipId": dealer,
            "contact": {"firstName": "Jordan", "lastName": "Lee", "email": "j@example.com"},
            "source": "website" if vendor == "dealercenter" else "website_digital_retail",
            "consent": {"email": True},
        }
    if example.mutation == "createDeal":
        found = await api.data(
            "query($ids: [ID!]) { vehicles(dealershipIds: $ids) { nodes { id vin askingPrice } } }",
            {"ids": [dealer]},
        )
        (vehicle,) = found["vehicles"]["nodes"]
        ref = {"vin": vehicle["vin"]} if vendor == "automate" else {"vehicleId": vehicle["id"]}
        return {
            **base,
            "dealershipId": dealer,
            "buyerId": _global(api, vendor, "Customer", "cust_page01"),
            "vehicle": ref,
            "saleType": "cash",
            "pricing": {"sellingPrice": vehicle["askingPrice"] or "1000.00"},
        }
    if example.mutation == "updateDeal":
        return {
            **base,
            "dealId": _global(api, vendor, "Deal", DEALERTRACK_DEAL),
            "status": "CONTRACTED",
        }
    if example.mutation == "postJournalEntry":
        return {
            **base,
            "dealershipId": dealer,
            "postedOn": "2026-01-21",
            "lines": [
                {"accountNumber": "1010", "department": "10", "debit": "250.00"},
                {"accountNumber": "2310", "department": "10", "credit": "250.00"},
            ],
        }
    if example.mutation == "postPayment":
        return {
            **base,
            "accountId": _global(api, vendor, "Account", DEALERCENTER_ACCOUNT),
            "amount": "275.00",
            "method": "ACH",
        }
    if example.mutation == "upsertCustomer":
        return {
            **base,
            "dealershipId": dealer,
            "externalId": "crm-page",
            "firstName": "Mike",
            "lastName": "Rodriguez",
            "emails": ["mike@example.com"],
        }
    if example.mutation == "scheduleServiceAppointment":
        return {
            **base,
            "dealershipId": dealer,
            "customerId": _global(api, vendor, "Customer", "cust_page01"),
            "vin": "1HGCM82633A004352",
            "startsAt": soon(),
            "concern": "Oil change",
        }
    raise AssertionError(example.mutation)


def test_every_documented_write_answer_is_sent() -> None:
    served = {name for page in PAGES.values() for name in page.writes.values()}
    assert {example.fixture for example in WRITES} == served
    assert len(WRITES) == 11


@pytest.mark.parametrize("vendor", list(EXPECTED_COUNTS))
async def test_page_write_answers_reach_the_payload(
    page_api: PageApi,  # noqa: F811
    vendor: str,
) -> None:
    reached = total = 0
    for example in (w for w in WRITES if w.vendor == vendor):
        answer = _leaves(fixture(example.fixture))
        # Every value of the page's answer is accounted for, and nothing else is claimed.
        assert set(example.values) == set(answer), example.fixture
        total += len(answer)
        data = await page_api.data(
            f"""mutation($i: {example.input_type}!) {{ {example.mutation}(input: $i) {{
                 userErrors {{ code message }} replayed {example.selection} }} }}""",
            {"i": await _input(page_api, example)},
        )
        payload = data[example.mutation]
        assert payload["userErrors"] == [] and payload["replayed"] is False, example.fixture
        got = _leaves(payload)
        for path, where in example.values.items():
            if isinstance(where, str):
                continue
            for field, value in where.items():
                assert field in got, f"{example.fixture}: {path} -> {field} missing"
                assert got[field] == value, f"{example.fixture}: {path} -> {field}"
            reached += 1
    # Each write went once to the path its page documents.
    sent = sorted((method, path) for method, path, _ in page_api.replays[vendor].bodies)
    assert sent == sorted(PAGES[vendor].writes), vendor
    print(f"\n{vendor}: {reached} of {total} write-answer values reach the payload")
    assert (reached, total) == EXPECTED_COUNTS[vendor]
