"""A write the DMS accepted is answered from the DMS's own 2xx answer when its record cannot
be read back: never an error, the vendor's id and status kept, the failure logged without
secrets, and replays answering the same."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Sequence
from typing import Any

import pytest

from adapters.errors import UpstreamUnavailable
from sandbox import SandboxOptions
from tests.graph.conftest import Api, start_api
from tests.guards import each

CREATE_LEAD = """mutation($input: CreateLeadInput!) { createLead(input: $input) {
  replayed userErrors { field code message }
  lead { id vendorId status statusRaw firstName email referenceId createdAt } } }"""


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    async for value in start_api(SandboxOptions(seed=4, rate_limit_per_minute=100_000)):
        yield value


def lead_input(api: Api, key: str) -> dict[str, Any]:
    return {
        "dealershipId": api.dealership_id("autosoft"),
        "idempotencyKey": key,
        "contact": {"firstName": "Jordan", "lastName": "Lee", "email": "jordan@example.com"},
        "source": "website_digital_retail",
        "consent": {"email": True},
    }


async def test_a_failed_read_back_answers_from_the_write(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    entry = next(d for d in api.runtime.dealerships.values() if d.dms.value == "autosoft")

    async def unreachable(store_id: str | None, ids: Sequence[str]) -> list[Any]:
        raise UpstreamUnavailable("autosoft GET /leads/{leadId}: answered 503")

    monkeypatch.setattr(entry.adapter, "get_leads", unreachable)
    variables = {"input": lead_input(api, "answered-from-the-write")}
    with caplog.at_level(logging.WARNING, logger="graph.mutations.execute"):
        payload = (await api.data(CREATE_LEAD, variables))["createLead"]
    assert payload["userErrors"] == [] and payload["replayed"] is False
    lead = payload["lead"]
    assert lead["vendorId"].startswith("ld_")
    assert (lead["status"], lead["statusRaw"]) == ("NEW", "new")
    assert (lead["firstName"], lead["email"]) == ("Jordan", "jordan@example.com")
    assert lead["referenceId"].startswith("dg-") and lead["createdAt"]
    stored = api.sandbox.vendors["autosoft"].state.leads.get(lead["vendorId"])
    assert stored is not None  # the DMS has it

    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert lead["vendorId"] in warning.getMessage() and "503" in warning.getMessage()
    for secret in each(api.sandbox.vendors["autosoft"].credentials.values()):
        assert secret not in caplog.text

    # A replay answers the same, read back or not.
    again = (await api.data(CREATE_LEAD, variables))["createLead"]
    assert again["replayed"] is True and again["lead"] == lead
    monkeypatch.undo()
    fresh = (await api.data(CREATE_LEAD, variables))["createLead"]
    assert fresh["replayed"] is True and fresh["lead"] == lead
