"""A store whose DMS login takes SMS codes: the graph shows it waiting, keeps serving the
other stores, and lets an operator finish the sign-in."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from sandbox import SandboxOptions
from sandbox.supergood.mfa import latest_code
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, Api, start_api

STATUS = """
query {
  dealerships {
    id dms
    connectionStatus { state lastErrorCode mfa { method destination requestedAt expiresAt } }
    repairOrders(first: 2) { nodes { id } }
  }
}
"""
SUBMIT = """
mutation ($id: ID!, $code: String!) {
  submitDmsMfaCode(input: {dealershipId: $id, code: $code}) {
    userErrors { field code message }
    dealership { connectionStatus { state mfa { method } } }
  }
}
"""
REQUEST = """
mutation ($id: ID!) {
  requestDmsMfaCode(input: {dealershipId: $id}) {
    userErrors { field code message }
    dealership { connectionStatus { state mfa { method expiresAt } } }
  }
}
"""


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    options = SandboxOptions(seed=1, rate_limit_per_minute=100_000)
    async for value in start_api(options, code_logins={"autosoft": "sms"}):
        yield value


def by_dms(data: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {d["dms"].lower(): d for d in data["dealerships"]}


def sms_code(api: Api) -> str:
    autosoft = api.sandbox.vendors["autosoft"]
    sent = latest_code(autosoft.state.auth, autosoft.state.mfa_users["sms"].username)
    assert sent is not None
    return sent.code


def sms_sent(api: Api) -> int:
    autosoft = api.sandbox.vendors["autosoft"]
    username = autosoft.state.mfa_users["sms"].username
    return sum(s.username == username for s in autosoft.state.auth.outbox)


async def test_operator_completes_the_sign_in(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    first = await api.query(STATUS)
    second = await api.query(STATUS)
    for result in (first, second):
        stores = by_dms(result["data"])
        assert stores["autosoft"]["repairOrders"] is None
        assert len(stores["autosync"]["repairOrders"]["nodes"]) == 2  # the other store is served
        [error] = result["errors"]
        assert error["extensions"]["code"] == "UPSTREAM_NEEDS_MFA"
        assert error["extensions"]["dealershipId"] == stores["autosoft"]["id"]
        assert "sms" in error["message"]
    assert sms_sent(api) == 1  # one code for the first query; the second failed fast

    status = by_dms(second["data"])["autosoft"]["connectionStatus"]
    assert status["state"] == "NEEDS_MFA" and status["lastErrorCode"] == "UPSTREAM_NEEDS_MFA"
    assert status["mfa"]["method"] == "SMS"
    assert status["mfa"]["destination"].startswith("•••")
    assert status["mfa"]["expiresAt"] > status["mfa"]["requestedAt"]
    async with api.http.get(api.url.replace("/graphql", "/readyz")) as ready:
        assert ready.status == 200  # the other store still serves
        assert (await ready.json())["dealerships"]["needs_mfa"] == 1

    store = by_dms(second["data"])["autosoft"]["id"]
    posts_before = api.sandbox.vendors["autosoft"].requests.count(method="POST")
    malformed = await api.data(SUBMIT, {"id": store, "code": "12ab"})
    [problem] = malformed["submitDmsMfaCode"]["userErrors"]
    assert problem["field"] == ["code"] and problem["code"] == "INVALID_VALUE"
    assert api.sandbox.vendors["autosoft"].requests.count(method="POST") == posts_before

    code = sms_code(api)
    wrong = "000000" if code != "000000" else "111111"
    rejected = await api.data(SUBMIT, {"id": store, "code": wrong})
    [problem] = rejected["submitDmsMfaCode"]["userErrors"]
    assert problem["field"] == ["code"] and problem["code"] == "MFA_CODE_REJECTED"
    assert rejected["submitDmsMfaCode"]["dealership"]["connectionStatus"]["state"] == "NEEDS_MFA"

    accepted = await api.data(SUBMIT, {"id": store, "code": code})
    assert accepted["submitDmsMfaCode"]["userErrors"] == []
    status = accepted["submitDmsMfaCode"]["dealership"]["connectionStatus"]
    assert status == {"state": "OK", "mfa": None}
    served = await api.data(STATUS)
    assert len(by_dms(served)["autosoft"]["repairOrders"]["nodes"]) == 2

    again = await api.data(SUBMIT, {"id": store, "code": code})
    assert [e["code"] for e in again["submitDmsMfaCode"]["userErrors"]] == ["MFA_NOT_PENDING"]
    signed_in = await api.data(REQUEST, {"id": store})
    assert [e["code"] for e in signed_in["requestDmsMfaCode"]["userErrors"]] == ["MFA_NOT_PENDING"]
    assert sms_sent(api) == 1

    # The code went to the operator's screen only: no log line of the API carries it.
    for record in caplog.records:
        if not record.name.startswith("sandbox"):
            assert code not in record.getMessage()


async def test_codes_need_the_connections_scope(api: Api) -> None:
    data = await api.data("{ dealerships { id dms } }")
    store = by_dms(data)["autosync"]["id"]
    for query, variables in ((SUBMIT, {"id": store, "code": "123456"}), (REQUEST, {"id": store})):
        result = await api.query(query, variables, key=AUTOSYNC_ONLY_KEY)
        assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_a_dms_that_needs_no_operator_says_so(api: Api) -> None:
    data = await api.data("{ dealerships { id dms } }")
    answer = await api.data(REQUEST, {"id": by_dms(data)["autosync"]["id"]})
    [problem] = answer["requestDmsMfaCode"]["userErrors"]
    assert problem["code"] == "MFA_NOT_PENDING" and problem["field"] == []
    missing = await api.data(SUBMIT, {"id": "not-an-id", "code": "123456"})
    [problem] = missing["submitDmsMfaCode"]["userErrors"]
    assert problem["code"] == "UNKNOWN_ID" and missing["submitDmsMfaCode"]["dealership"] is None
