"""Every request needs an API key, and a key sees only its dealerships."""

from __future__ import annotations

import pytest

from graph.runtime import ApiClient
from tests.graph.conftest import AUTOSYNC_ONLY_KEY, Api
from tests.guards import each

DEALERSHIPS = "{ dealerships { id name dms } }"


async def test_request_without_key_is_refused(api: Api) -> None:
    response = await api.post({"query": DEALERSHIPS}, key=None)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    body = await response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_request_with_unknown_key_is_refused(api: Api) -> None:
    response = await api.post({"query": DEALERSHIPS}, key="not-a-key")
    assert response.status == 401
    assert (await response.json())["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_graphiql_page_loads_without_key(api: Api) -> None:
    response = await api.http.get(api.url, headers={"Accept": "text/html"})
    assert response.status == 200
    page = await response.text()
    assert "graphiql" in page.lower()
    # Subscriptions send the page's headers (the key) in connection_init.
    assert "wsConnectionParams: defaultHeaders" in page


async def test_healthz(api: Api) -> None:
    response = await api.http.get(api.url.replace("/graphql", "/healthz"))
    assert response.status == 200
    assert await response.json() == {"status": "ok"}


async def test_full_key_sees_both_stores(api: Api) -> None:
    data = await api.data(DEALERSHIPS)
    assert sorted(d["dms"] for d in data["dealerships"]) == ["AUTOSOFT", "AUTOSYNC"]


async def test_restricted_key_sees_only_its_dealerships(api: Api) -> None:
    data = await api.data(DEALERSHIPS, key=AUTOSYNC_ONLY_KEY)
    assert [d["dms"] for d in data["dealerships"]] == ["AUTOSYNC"]


async def test_what_a_key_sees_is_worked_out_once_not_on_every_request(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Every request counts the key's dealerships (the cost plan): walking every configured
    # dealership each time would make any request cost more the more stores are served.
    await api.data(DEALERSHIPS, key=AUTOSYNC_ONLY_KEY)
    asked: list[str] = []

    def may_see(client: ApiClient, dealership_id: str) -> bool:
        asked.append(dealership_id)
        return dealership_id in client.dealership_ids

    monkeypatch.setattr(ApiClient, "may_see", may_see)
    for _ in range(3):
        data = await api.data(DEALERSHIPS, key=AUTOSYNC_ONLY_KEY)
        assert [d["dms"] for d in data["dealerships"]] == ["AUTOSYNC"]
    assert asked == []


async def test_foreign_ids_resolve_as_not_found(api: Api) -> None:
    autosoft = api.dealership_id("autosoft")
    full = await api.data(
        "query($id: ID!) { dealership(id: $id) { vehicles(first: 1) { nodes { id } } } }",
        {"id": autosoft},
    )
    vehicle_id = full["dealership"]["vehicles"]["nodes"][0]["id"]

    restricted = await api.data(
        "query($d: ID!, $v: ID!) { dealership(id: $d) { id } node(id: $v) { id } }",
        {"d": autosoft, "v": vehicle_id},
        key=AUTOSYNC_ONLY_KEY,
    )
    assert restricted == {"dealership": None, "node": None}


async def test_no_secret_reaches_a_response(api: Api) -> None:
    result = await api.query(
        "{ dealerships { id name dms storeId capabilities "
        "vehicles(first: 5) { nodes { id vin } } } }"
    )
    text = str(result)
    for handle in each(api.sandbox.vendors.values(), exactly=2):
        for value in each(handle.credentials.values()):
            assert value not in text


async def test_readyz_counts_dealership_states_and_names_nothing(api: Api) -> None:
    await api.data("{ dealerships { connectionStatus { state } } }")
    response = await api.http.get(api.url.replace("/graphql", "/readyz"))
    body = await response.json()
    assert response.status == 200 and body["status"] == "ready"
    assert sum(body["dealerships"].values()) == len(api.runtime.dealerships)
    text = str(body)
    assert all(connection_id not in text for connection_id in api.runtime.adapters)
