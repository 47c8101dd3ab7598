"""Persisted queries: the APQ round trip (not found -> registered -> hash-only hit, GET
included, mutations never over GET), hash checks, the allowlist refusal and "off"."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from strawberry.http import GraphQLRequestData

from graph.config import ConfigError, ServerConfig
from graph.persisted_queries import PersistedQueries, load_manifest, sha256_hex
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api

QUICK_START = "{ dealerships { name dms } }"
AUTH = {"Authorization": f"Bearer {FULL_KEY}"}


def _persisted(digest: str) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


def _code(body: dict[str, Any]) -> str:
    codes = [e["extensions"]["code"] for e in body["errors"]]
    assert len(codes) == 1, body
    return codes[0]


async def _post(api: Api, body: Any) -> dict[str, Any]:
    response = await api.post(body)
    assert response.status == 200, await response.text()
    result: dict[str, Any] = await response.json()
    return result


async def _get(api: Api, params: dict[str, str]) -> tuple[int, dict[str, Any]]:
    headers = {**AUTH, "Accept": "application/json"}
    response = await api.http.get(api.url, params=params, headers=headers)
    return response.status, await response.json()


@pytest.fixture(scope="module")
async def apq_api() -> AsyncIterator[Api]:
    async for value in start_api(SandboxOptions(seed=1), vendors=("autosoft",)):
        yield value


async def test_apq_round_trip(apq_api: Api) -> None:
    query = "query Stores { dealerships { name } }"
    digest = sha256_hex(query)
    first = await _post(apq_api, {"extensions": _persisted(digest)})
    assert _code(first) == "PERSISTED_QUERY_NOT_FOUND"
    assert first["errors"][0]["message"] == "PersistedQueryNotFound"  # what Apollo links match
    registered = await _post(apq_api, {"query": query, "extensions": _persisted(digest)})
    assert "errors" not in registered
    hit = await _post(apq_api, {"extensions": _persisted(digest)})
    assert hit["data"] == registered["data"]
    assert hit["data"]["dealerships"]


async def test_persisted_read_over_get(apq_api: Api) -> None:
    query = "query StoresByGet { dealerships { dms } }"
    digest = sha256_hex(query)
    extensions = json.dumps(_persisted(digest))
    status, body = await _get(apq_api, {"extensions": extensions})
    assert status == 200 and _code(body) == "PERSISTED_QUERY_NOT_FOUND"
    status, body = await _get(apq_api, {"query": query, "extensions": extensions})
    assert status == 200 and body["data"]["dealerships"]
    status, body = await _get(apq_api, {"extensions": extensions, "operationName": "StoresByGet"})
    assert status == 200 and body["data"]["dealerships"]


async def test_persisted_mutation_never_runs_over_get(apq_api: Api) -> None:
    mutation = 'mutation Nope { retryDmsConnection(dealershipId: "x") { __typename } }'
    digest = sha256_hex(mutation)
    extensions = json.dumps(_persisted(digest))
    # Registered over POST (it fails there on its id, which does not matter here)...
    await apq_api.post({"query": mutation, "extensions": _persisted(digest)})
    # ...a hash-only GET of it is refused before it runs.
    status, body = await _get(apq_api, {"extensions": extensions})
    assert status == 400
    assert "data" not in body
    assert body["errors"][0]["message"] == "mutations are not allowed when using GET"
    assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_hash_must_match_the_document(apq_api: Api) -> None:
    body = await _post(
        apq_api, {"query": QUICK_START, "extensions": _persisted(sha256_hex("{ __typename }"))}
    )
    assert _code(body) == "PERSISTED_QUERY_HASH_MISMATCH"
    # The mismatched pair was not registered under that hash.
    body = await _post(apq_api, {"extensions": _persisted(sha256_hex("{ __typename }"))})
    assert _code(body) == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "persisted",
    [
        {"version": 2, "sha256Hash": sha256_hex(QUICK_START)},
        {"version": 1, "sha256Hash": "not-a-hash"},
        {"version": 1},
        "abc",
    ],
)
async def test_malformed_persisted_query_is_the_clients_error(
    apq_api: Api, persisted: object
) -> None:
    body = await _post(apq_api, {"extensions": {"persistedQuery": persisted}})
    assert _code(body) == "BAD_USER_INPUT"


def _manifest(tmp_path: Path, operations: list[dict[str, str]]) -> Path:
    path = tmp_path / "manifest.json"
    document = {"format": "apollo-persisted-query-manifest", "version": 1}
    path.write_text(json.dumps({**document, "operations": operations}))
    return path


ALLOWED = "query Stores {\n  dealerships {\n    name\n    dms\n  }\n}"


@pytest.fixture(scope="module")
async def allowlist_api(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Api]:
    operation = {"id": sha256_hex(ALLOWED), "name": "Stores", "type": "query", "body": ALLOWED}
    manifest = _manifest(tmp_path_factory.mktemp("pq"), [operation])
    server = {"persisted_queries": "allowlist", "persisted_query_manifest": str(manifest)}
    async for value in start_api(SandboxOptions(seed=1), vendors=("autosoft",), server=server):
        yield value


async def test_allowlist_runs_manifest_operations(allowlist_api: Api) -> None:
    by_id = await _post(allowlist_api, {"extensions": _persisted(sha256_hex(ALLOWED))})
    assert by_id["data"]["dealerships"]
    # By text, with different whitespace: the manifest's document runs.
    by_text = await _post(allowlist_api, {"query": " ".join(ALLOWED.split())})
    assert by_text["data"] == by_id["data"]
    # Both, the hash being that of the text sent.
    text = " ".join(ALLOWED.split())
    both = await _post(allowlist_api, {"query": text, "extensions": _persisted(sha256_hex(text))})
    assert both["data"] == by_id["data"]


def test_resolving_twice_changes_nothing() -> None:
    document = "query Twice { dealerships { name } }"
    for persisted in (
        PersistedQueries("apq"),
        PersistedQueries("allowlist", {sha256_hex(document): document}),
    ):
        sent = " ".join(document.split()) + " "
        request = GraphQLRequestData(sent, None, None, _persisted(sha256_hex(sent)))
        once = persisted.resolve(request)
        assert isinstance(once, GraphQLRequestData)
        assert persisted.resolve(once) == once


async def test_allowlist_refuses_other_documents(allowlist_api: Api) -> None:
    for body in (
        {"query": QUICK_START},
        {"query": "query Stores { dealerships { name dms id } }"},
        {"query": "{ __typename }", "extensions": _persisted(sha256_hex("{ __typename }"))},
        {"extensions": _persisted(sha256_hex(QUICK_START))},
        {"query": "this is not GraphQL {"},  # refused before it is parsed
    ):
        assert _code(await _post(allowlist_api, body)) == "PERSISTED_QUERY_NOT_ALLOWED", body


def test_off_mode_says_not_supported() -> None:
    persisted = PersistedQueries("off")
    request = GraphQLRequestData(None, None, None, _persisted(sha256_hex(QUICK_START)))
    refused = persisted.resolve(request)
    assert not isinstance(refused, GraphQLRequestData)
    assert refused.errors is not None
    assert refused.errors[0].extensions == {"code": "PERSISTED_QUERY_NOT_SUPPORTED"}
    plain = GraphQLRequestData(QUICK_START, None, None, None)
    assert persisted.resolve(plain) is plain


def test_registry_is_bounded() -> None:
    persisted = PersistedQueries("apq")
    big = "{ __typename }" + " " * (1024 * 1024)
    for index in range(20):
        document = big + "#" * index
        request = GraphQLRequestData(document, None, None, _persisted(sha256_hex(document)))
        assert isinstance(persisted.resolve(request), GraphQLRequestData)
    assert persisted._registered.currsize <= 8 * 1024 * 1024


def test_allowlist_needs_a_manifest(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="persisted_query_manifest"):
        ServerConfig(persisted_queries="allowlist")
    bad = tmp_path / "bad.json"
    bad.write_text('{"operations": []}')
    with pytest.raises(ConfigError, match="not an Apollo persisted-query manifest"):
        load_manifest(bad)
    with pytest.raises(ConfigError, match="cannot read"):
        load_manifest(tmp_path / "missing.json")
    path = _manifest(tmp_path, [{"id": "a", "name": "A", "type": "query", "body": "{ a }"}])
    assert load_manifest(path) == {"a": "{ a }"}
