"""gzip for answers of 1 KiB and more when the client accepts it; small answers and
clients that do not ask for it get the body as it is."""

from __future__ import annotations

import gzip
import json

import pytest
from aiohttp import web
from aiohttp.test_utils import make_mocked_request
from isal import isal_zlib

from graph.compression import (
    LARGE_BYTES,
    LEVEL,
    MIN_BYTES,
    accepts_gzip,
    compression_middleware,
)
from graph.graphiql import ASSET_DIR
from tests.graph.conftest import FULL_KEY, Api

VEHICLES = """{ vehicles(first: 100) { totalCount nodes {
  id vin year make model trim status condition askingPrice mileage } } }"""


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("gzip, deflate, br", True),
        ("deflate, gzip;q=0.5", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("deflate", False),
        ("*", True),
        ("*;q=0", False),
        ("identity", False),
        ("", False),
    ],
)
def test_accept_encoding(header: str, expected: bool) -> None:
    assert accepts_gzip(header) is expected


async def _post(api: Api, query: str, accept_encoding: str) -> tuple[int, str | None, bytes]:
    """Status, Content-Encoding and the body as sent (not decompressed)."""
    headers = {"Authorization": f"Bearer {FULL_KEY}", "Accept-Encoding": accept_encoding}
    async with api.http.post(
        api.url, json={"query": query}, headers=headers, auto_decompress=False
    ) as response:
        return response.status, response.headers.get("Content-Encoding"), await response.read()


async def test_large_answer_is_gzipped(api: Api) -> None:
    status, encoding, raw = await _post(api, VEHICLES, "identity")
    assert status == 200 and encoding is None
    assert len(raw) > MIN_BYTES
    status, encoding, packed = await _post(api, VEHICLES, "gzip, deflate")
    assert status == 200 and encoding == "gzip"  # gzip even where deflate is also accepted
    # The extensions (the client's remaining cost budget) differ between the two answers.
    assert json.loads(gzip.decompress(packed))["data"] == json.loads(raw)["data"]
    assert len(packed) < len(raw) / 3


def _answer(size: int) -> bytes:
    """JSON as repetitive as a page of vehicles, about ``size`` bytes."""
    rows = [{"id": f"V{n}", "make": "Toyota", "mileage": n * 37 % 90_000} for n in range(size)]
    return json.dumps(rows).encode()[:size]


@pytest.mark.parametrize("size", [MIN_BYTES * 4, LARGE_BYTES * 2])
async def test_bodies_are_compressed_by_isa_l_at_its_level(size: int) -> None:
    """Small and large answers alike (a large one off the event loop): ISA-L's deflate at
    ``LEVEL`` in a gzip member that the standard library reads back."""
    body = _answer(size)
    request = make_mocked_request("POST", "/graphql", headers={"Accept-Encoding": "gzip"})

    async def handler(_: web.Request) -> web.StreamResponse:
        return web.Response(body=body, content_type="application/json")

    response = await compression_middleware(request, handler)
    assert isinstance(response, web.Response)
    assert response.headers["Content-Encoding"] == "gzip"
    packer = isal_zlib.compressobj(LEVEL, isal_zlib.DEFLATED, 16 + isal_zlib.MAX_WBITS)
    assert response.body == packer.compress(body) + packer.flush()
    assert gzip.decompress(response.body) == body
    assert len(response.body) < len(body) / 4


async def test_small_answer_is_not_compressed(api: Api) -> None:
    status, encoding, body = await _post(api, "{ __typename }", "gzip")
    assert status == 200 and encoding is None
    assert len(body) < MIN_BYTES


async def test_graphiql_page_is_gzipped(api: Api) -> None:
    headers = {"Accept": "text/html", "Accept-Encoding": "gzip"}
    async with api.http.get(api.url, headers=headers, auto_decompress=False) as response:
        assert response.headers.get("Content-Encoding") == "gzip"
        assert b"<html" in gzip.decompress(await response.read())


async def test_graphiql_assets_are_gzipped(api: Api) -> None:
    path = "graphiql/assets/graphiql@3.8.3/graphiql.min.js"
    url = api.url.removesuffix("graphql") + path
    async with api.http.get(url, headers={"Accept-Encoding": "gzip"}, auto_decompress=False) as r:
        assert r.status == 200 and r.headers.get("Content-Encoding") == "gzip"
        packed = await r.read()
    original = (ASSET_DIR / path.removeprefix("graphiql/assets/")).read_bytes()
    assert gzip.decompress(packed) == original
    assert len(packed) < len(original) / 3
    async with api.http.get(url, headers={"Accept-Encoding": "identity"}) as r:
        assert r.headers.get("Content-Encoding") is None
        assert await r.read() == original
