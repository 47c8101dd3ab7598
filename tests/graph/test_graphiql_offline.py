"""GraphiQL from the package: the page names no external URL, every asset it names is
served (and is the file its integrity hash expects), and in sandbox mode the demo key is in
the Headers tab's initial value."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from urllib.parse import urljoin

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.graphiql import ASSET_DIR
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, Api, start_api

BROWSER = {"Accept": "text/html,application/xhtml+xml"}


@pytest.fixture(scope="module")
async def sandbox_page() -> AsyncIterator[tuple[aiohttp.ClientSession, str]]:
    """The app as sandbox mode builds it (with a demo key) over a one-vendor sandbox."""
    async for api in start_api(SandboxOptions(seed=1), vendors=("autosoft",)):
        server = TestServer(create_app(api.runtime, demo_key=FULL_KEY), host="127.0.0.1")
        await server.start_server()
        try:
            yield api.http, str(server.make_url("/graphql"))
        finally:
            await server.close()


async def _page(http: aiohttp.ClientSession, url: str) -> str:
    response = await http.get(url, headers=BROWSER)
    assert response.status == 200
    assert response.content_type == "text/html"
    return await response.text()


def _references(html: str) -> list[tuple[str, str | None]]:
    """(src or href, integrity) of every script and stylesheet the page loads."""
    tags = re.findall(r"<(?:script|link)\b[^>]*>", html)
    found = []
    for tag in tags:
        url = re.search(r'\b(?:src|href)="([^"]+)"', tag)
        if url is None or url.group(1).startswith("data:"):
            continue
        integrity = re.search(r'\bintegrity="([^"]+)"', tag)
        found.append((url.group(1), integrity.group(1) if integrity else None))
    return found


async def test_page_names_no_external_url(api: Api) -> None:
    html = await _page(api.http, api.url)
    # The favicon is an inline SVG whose xmlns is a name, never fetched.
    fetched = html.replace("http://www.w3.org/2000/svg", "")
    assert re.findall(r"(?:https?:)?//[A-Za-z0-9.-]+\.[a-z]{2,}", fetched) == []
    assert "unpkg" not in html


async def test_every_asset_is_served_and_matches_its_hash(api: Api) -> None:
    html = await _page(api.http, api.url)
    references = _references(html)
    assert len(references) == 7  # react, react-dom, js-cookie, graphiql js+css, explorer js+css
    for ref, integrity in references:
        response = await api.http.get(urljoin(api.url, ref))
        assert response.status == 200, ref
        body = await response.read()
        assert integrity is not None
        digest = base64.b64encode(hashlib.sha384(body).digest()).decode()
        assert integrity == f"sha384-{digest}", ref


def test_licenses_are_shipped() -> None:
    packages = [p for p in ASSET_DIR.rglob("*@*") if p.is_dir() and re.search(r"@\d", p.name)]
    assert len(packages) == 5
    for package in packages:
        assert (package / "LICENSE").is_file(), package


async def test_no_demo_key_in_page_without_sandbox(api: Api) -> None:
    html = await _page(api.http, api.url)
    assert FULL_KEY not in html
    assert "const defaultHeaders = {};" in html
    assert "wsConnectionParams: defaultHeaders" in html


async def test_sandbox_page_shows_demo_key_in_headers_tab(
    sandbox_page: tuple[aiohttp.ClientSession, str],
) -> None:
    html = await _page(*sandbox_page)
    assert f'const defaultHeaders = {{"Authorization": "Bearer {FULL_KEY}"}};' in html
    # The Headers tab starts with the key (GraphiQL's `headers` prop), not only the fetcher.
    assert "parameters.headers || JSON.stringify(defaultHeaders, null, 2)" in html
    assert "wsConnectionParams: defaultHeaders" in html


async def test_assets_outside_the_directory_are_not_served(api: Api) -> None:
    response = await api.http.get(urljoin(api.url, "graphiql/assets/../../pyproject.toml"))
    assert response.status in (403, 404)
