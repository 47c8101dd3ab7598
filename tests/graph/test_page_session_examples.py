"""The vendor pages' session examples, served verbatim by the page replay and signed in to
by the real adapters: every value of each answer is accounted for. The rooftops land in
the dealerships' store ids; the token signs every read in and never reaches a response;
the rest describes the API login, not dealership data."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.graph.page_replay import PAGES, fixture
from tests.graph.test_page_examples import PageApi, _leaves, page_api  # noqa: F401

SESSION_PAGES = sorted(name for name, page in PAGES.items() if ("POST", "/sessions") in page.routes)
LOGIN = "the API login's identity, not dealership data"
LIFE = "the session's life: the adapter signs in again before it ends (tests/adapters)"
READ = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Dealership {
  vehicles(first: 1) { totalCount } } } }"""
STATUS = """query($ids: [ID!]!) { nodes(ids: $ids) { ... on Dealership {
  storeId connectionStatus { state consecutiveFailures } } } }"""


def _accounted(vendor: str) -> dict[str, str]:
    """Each session value's path and where it goes (or why it goes nowhere)."""
    answer = _leaves(fixture(f"{vendor}_session.json"))
    where: dict[str, str] = {}
    for path in answer:
        if path == "authToken":
            where[path] = "signs the reads in; asserted absent from responses"
        elif path == "expiresIn":
            where[path] = LIFE
        elif path.startswith("user.rooftops."):
            where[path] = "Dealership.storeId"
        elif path in ("user.id", "user.name") or path.startswith("user.entitlements."):
            where[path] = LOGIN
    return where


def test_every_session_value_is_accounted_for() -> None:
    assert SESSION_PAGES == ["automate", "autosoft", "dealercenter", "dealertrack"]
    for vendor in SESSION_PAGES:
        answer = _leaves(fixture(f"{vendor}_session.json"))
        assert set(_accounted(vendor)) == set(answer), vendor


@pytest.mark.parametrize("vendor", SESSION_PAGES)
async def test_the_session_example_signs_in_and_its_rooftops_are_the_stores(
    page_api: PageApi,  # noqa: F811
    vendor: str,
) -> None:
    session: dict[str, Any] = fixture(f"{vendor}_session.json")
    dealerships = [
        page_api.dealership_id(vendor)
        if vendor != "dealertrack"
        else _rooftop_id(page_api, rooftop)
        for rooftop in session["user"].get("rooftops", [None])
    ]
    # A read signs in (vehicles are on every session vendor's page).
    read = await page_api.data(READ, {"ids": dealerships})
    assert all(n["vehicles"]["totalCount"] is not None for n in read["nodes"])
    response = await page_api.http.post(
        page_api.url,
        json={"query": STATUS, "variables": {"ids": dealerships}},
        headers={"Authorization": "Bearer page-examples-key"},
    )
    text = await response.text()
    body = json.loads(text)
    assert "errors" not in body, body["errors"]
    nodes = body["data"]["nodes"]
    assert len(nodes) == len(dealerships) >= 1
    assert {n["connectionStatus"]["state"] for n in nodes} == {"OK"}
    if vendor == "dealertrack":
        assert [n["storeId"] for n in nodes] == session["user"]["rooftops"]
    assert session["authToken"] not in text
    assert page_api.replays[vendor].served().count(("POST", "/sessions")) == 1


def _rooftop_id(api: PageApi, rooftop: str | None) -> str:
    from graph.ids import encode_global_id

    entry = next(d for d in api.runtime.dealerships.values() if d.store_id == rooftop)
    return encode_global_id("Dealership", entry.id, entry.id)
