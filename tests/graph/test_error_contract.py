"""Every error carries extensions.code: bad variables, documents that do not parse or
validate, ambiguous operations, malformed cursors and entity representations, and the
refusals made before GraphQL runs (bad bodies, methods, media types, sizes)."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from graph.schema import build_schema
from tests.graph.conftest import FULL_KEY, Api

VEHICLES_FIRST = "query($n: Int) { vehicles(first: $n) { totalCount } }"
UPDATED = "query($d: DateTime) { repairOrders(filter: {updatedSince: $d}) { totalCount } }"
STATUS = "query($s: [RepairOrderStatus!]) { repairOrders(filter: {status: $s}) { totalCount } }"
PAY = "mutation($i: PostPaymentInput!) { postPayment(input: $i) { replayed } }"
ENTITIES = "query($r: [_Any!]!) { _entities(representations: $r) { __typename } }"


@pytest.mark.parametrize(
    ("body", "code", "message"),
    [
        ({"query": VEHICLES_FIRST, "variables": {"n": "x"}}, "BAD_USER_INPUT", "Variable '$n'"),
        ({"query": UPDATED, "variables": {"d": "soon"}}, "BAD_USER_INPUT", "DateTime"),
        ({"query": STATUS, "variables": {"s": ["NOPE"]}}, "BAD_USER_INPUT", "'NOPE'"),
        (
            {
                "query": PAY,
                "variables": {
                    "i": {
                        "accountId": "x",
                        "idempotencyKey": "k",
                        "amount": "abc",
                        "method": "CARD",
                    }
                },
            },
            "BAD_USER_INPUT",
            "Decimal",
        ),
        (
            {"query": "query($n: Int!) { vehicles(first: $n) { totalCount } }"},
            "BAD_USER_INPUT",
            "$n",
        ),
        ({"query": "{ vehicles { "}, "GRAPHQL_PARSE_FAILED", "Syntax Error"),
        ({"query": "{ nope }"}, "GRAPHQL_VALIDATION_FAILED", "'nope'"),
        (
            {"query": "query A { __typename } query B { __typename }"},
            "OPERATION_RESOLUTION_FAILURE",
            "operation name",
        ),
        ({"query": '{ vehicles(after: "!!!") { totalCount } }'}, "BAD_USER_INPUT", "cursor"),
        ({"query": '{ vehicles(after: "Yzot") { totalCount } }'}, "BAD_USER_INPUT", "cursor"),
        (
            {"query": ENTITIES, "variables": {"r": [{"id": "x"}]}},
            "BAD_USER_INPUT",
            "__typename",
        ),
    ],
)
async def test_errors_in_graphql_carry_a_code(
    api: Api, caplog: pytest.LogCaptureFixture, body: dict[str, Any], code: str, message: str
) -> None:
    caplog.set_level(logging.ERROR)
    result = await api.query(body["query"], body.get("variables"))
    (error,) = result["errors"]
    assert error["extensions"]["code"] == code
    assert message in error["message"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]  # no traceback


async def test_a_fault_is_masked_and_logged(caplog: pytest.LogCaptureFixture) -> None:
    # No request context: the resolver's AttributeError is a fault, not an answer.
    caplog.set_level(logging.ERROR)
    result = await build_schema().execute("{ dealerships { id } }", context_value=None)
    (error,) = result.errors or ()
    assert (error.message, error.path) == ("Unexpected error.", ["dealerships"])
    assert error.extensions == {"code": "INTERNAL_ERROR"}
    (logged,) = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert logged.getMessage() == "internal error at ['dealerships']" and logged.exc_info


async def test_a_named_operation_of_several_runs(api: Api) -> None:
    response = await api.post(
        {"query": "query A { __typename } query B { dealerships { id } }", "operationName": "B"}
    )
    assert "errors" not in await response.json()


@pytest.mark.parametrize(
    ("method", "data", "content_type", "status", "code"),
    [
        ("POST", b'"hello"', "application/json", 400, "BAD_REQUEST"),
        ("POST", b"{nope", "application/json", 400, "BAD_REQUEST"),
        (
            "POST",
            b'{"query": "{__typename}", "variables": ' + b'{"a":' * 3000 + b"1" + b"}" * 3001,
            "application/json",
            400,
            "BAD_REQUEST",
        ),
        ("POST", b"query=%7B__typename%7D", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        ("PUT", b"{}", "application/json", 405, "METHOD_NOT_ALLOWED"),
        ("POST", b" " * 300_000, "application/json", 413, "PAYLOAD_TOO_LARGE"),
    ],
)
async def test_refusals_before_graphql_are_graphql_json(
    api: Api, method: str, data: bytes, content_type: str, status: int, code: str
) -> None:
    headers = {"Authorization": f"Bearer {FULL_KEY}", "Content-Type": content_type}
    async with api.http.request(method, api.url, data=data, headers=headers) as response:
        assert response.status == status
        assert response.content_type == "application/json"
        (error,) = (await response.json())["errors"]
    assert error["extensions"]["code"] == code
    assert error["message"]


async def test_what_a_dms_lacks_is_named_as_the_client_named_it(api: Api) -> None:
    dealer = api.dealership_id("autosync")
    lacking = await api.query(
        "query($d: ID!) { dealership(id: $d) { vehicles { totalCount } } }", {"d": dealer}
    )
    (error,) = lacking["errors"]
    assert error["extensions"]["code"] == "NOT_SUPPORTED_BY_DMS"
    assert "has no vehicles list" in error["message"]
    lead = await api.query(
        """mutation($i: CreateLeadInput!) { createLead(input: $i) { userErrors { code } } }""",
        {
            "i": {
                "dealershipId": dealer,
                "idempotencyKey": "named-1",
                "contact": {"firstName": "A", "lastName": "B", "email": "a@example.com"},
                "source": "website",
                "consent": {"email": True},
            }
        },
    )
    (error,) = lead["errors"]
    assert "does not accept createLead" in error["message"]
    assert "create_lead" not in error["message"]
