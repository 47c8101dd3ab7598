"""Writes through the graph to Auto/Mate, Dealertrack and DealerCenter, over HTTP."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=4, rate_limit_per_minute=100_000)
    async for value in start_api(
        options, vendors=("automate", "dealertrack", "dealercenter", "autosync")
    ):
        yield value


JOURNAL = """mutation($input: PostJournalEntryInput!) { postJournalEntry(input: $input) {
  userErrors { field code message } journalEntryId status replayed } }"""


def journal(api: Api, key: str, posted_on: str, credit: str = "15000.00") -> dict[str, Any]:
    rooftop = next(d for d in api.runtime.dealerships.values() if d.dms.value == "dealertrack")
    from graph.ids import encode_global_id

    return {
        "input": {
            "dealershipId": encode_global_id("Dealership", rooftop.id, rooftop.id),
            "idempotencyKey": key,
            "postedOn": posted_on,
            "memo": "Digital retail deposit batch",
            "reference": "DEP-2026-11-20",
            "lines": [
                {"accountNumber": "1010", "department": "10", "debit": "15000.00"},
                {"accountNumber": "2310", "department": "10", "credit": credit},
            ],
        }
    }


def posts(api: Api, vendor: str, path: str) -> int:
    return api.sandbox.vendors[vendor].requests.count(method="POST", path_contains=path)


async def test_journal_entries_balance_and_respect_closed_periods(api: Api) -> None:
    before = posts(api, "dealertrack", "/journal-entries")
    unbalanced = await api.data(JOURNAL, journal(api, "je-1", "2026-11-20", credit="14999.99"))
    assert [e["code"] for e in unbalanced["postJournalEntry"]["userErrors"]] == ["UNBALANCED_ENTRY"]
    assert posts(api, "dealertrack", "/journal-entries") == before

    closed = await api.data(JOURNAL, journal(api, "je-2", "2026-10-15"))
    [error] = closed["postJournalEntry"]["userErrors"]
    assert error["code"] == "REJECTED_BY_DMS" and error["field"] == ["postedOn"]
    assert "closed" in error["message"]
    assert closed["postJournalEntry"]["journalEntryId"] is None

    posted = await api.data(JOURNAL, journal(api, "je-3", "2026-11-20"))
    payload = posted["postJournalEntry"]
    assert payload["userErrors"] == [] and payload["status"] == "posted"
    assert payload["journalEntryId"]
    assert posts(api, "dealertrack", "/journal-entries") == before + 2


async def test_bhph_payment_updates_the_collections_view(api: Api) -> None:
    dealer = api.dealership_id("dealercenter")
    accounts = await api.data(
        """query($d: ID!) { dealership(id: $d) { accounts(first: 50, filter: {status: [CURRENT]})
             { nodes { id balance nextDueAmount payments(first: 1) { totalCount } } } } }""",
        {"d": dealer},
    )
    account = accounts["dealership"]["accounts"]["nodes"][0]
    amount = account["nextDueAmount"]
    mismatched = await api.data(
        """mutation($input: PostPaymentInput!) { postPayment(input: $input) {
             userErrors { field code } } }""",
        {
            "input": {
                "accountId": account["id"],
                "idempotencyKey": "bhph-bad",
                "amount": amount,
                "method": "ACH",
                "allocation": {"principal": amount, "interest": "1.00", "lateFees": "0.00"},
            }
        },
    )
    assert mismatched["postPayment"]["userErrors"] == [
        {"field": ["allocation"], "code": "ALLOCATION_MISMATCH"}
    ]
    paid = await api.data(
        """mutation($input: PostPaymentInput!) { postPayment(input: $input) {
             userErrors { field code message } receiptNumber nextDueDate
             payment { amount allocation { principal interest lateFees } } } }""",
        {
            "input": {
                "accountId": account["id"],
                "idempotencyKey": "bhph-1",
                "amount": amount,
                "method": "ACH",
            }
        },
    )
    payload = paid["postPayment"]
    assert payload["userErrors"] == []
    assert payload["receiptNumber"] and payload["nextDueDate"]
    allocation = payload["payment"]["allocation"]
    assert sum(Decimal(v) for v in allocation.values()) == Decimal(amount)
    after = await api.data(
        "query($id: ID!) { node(id: $id) { ... on Account { balance "
        "payments(first: 1) { totalCount } } } }",
        {"id": account["id"]},
    )
    assert Decimal(after["node"]["balance"]) == Decimal(account["balance"]) - Decimal(
        allocation["principal"]
    )
    total_before = account["payments"]["totalCount"]
    assert after["node"]["payments"]["totalCount"] == total_before + 1


async def test_dealercenter_lead_needs_tcpa_consent_for_a_phone(api: Api) -> None:
    mutation = """mutation($input: CreateLeadInput!) { createLead(input: $input) {
        userErrors { field code } lead { id consent { tcpa } } } }"""
    base = {
        "dealershipId": api.dealership_id("dealercenter"),
        "contact": {"firstName": "Alex", "lastName": "Rivera", "phone": "+15551234567"},
        "source": "website",
        "channel": "digital_retail",
    }
    refused = await api.data(
        mutation, {"input": {**base, "idempotencyKey": "dc-lead-1", "consent": {"sms": True}}}
    )
    assert refused["createLead"]["userErrors"] == [
        {"field": ["consent", "tcpa"], "code": "MISSING_CONSENT"}
    ]
    consent = {"tcpa": True, "sms": True, "capturedAt": "2026-11-19T15:10:00Z"}
    created = await api.data(
        mutation, {"input": {**base, "idempotencyKey": "dc-lead-2", "consent": consent}}
    )
    assert created["createLead"]["userErrors"] == []
    assert created["createLead"]["lead"]["consent"]["tcpa"] is True


async def test_automate_upsert_matches_by_external_id(api: Api) -> None:
    mutation = """mutation($input: UpsertCustomerInput!) { upsertCustomer(input: $input) {
        userErrors { field code message } matchedBy customer { id externalId email } } }"""
    base = {
        "dealershipId": api.dealership_id("automate"),
        "externalId": "crm-9f21a",
        "firstName": "Ava",
        "lastName": "Martinez",
        "emails": ["ava.martinez@example.com"],
    }
    first = await api.data(mutation, {"input": {**base, "idempotencyKey": "am-c-1"}})
    second = await api.data(
        mutation,
        {"input": {**base, "idempotencyKey": "am-c-2", "notes": "Prefers weekends."}},
    )
    a, b = first["upsertCustomer"], second["upsertCustomer"]
    assert a["userErrors"] == [] and b["userErrors"] == []
    assert a["customer"]["id"] == b["customer"]["id"]
    assert a["customer"]["externalId"] == "crm-9f21a"
    assert a["matchedBy"] is None and b["matchedBy"] == "externalId"
