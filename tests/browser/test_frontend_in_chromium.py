"""A real headless Chromium (the system's ``chromium``, driven by Playwright) with every
request to anything but this machine refused: GraphiQL loads from the server's package, the
demo key is in its Headers tab and the quick-start query runs from it; a page on
another origin calls the API with ``fetch`` (CORS) and a page on an origin not admitted
cannot read the answer.

Needs ``chromium`` on PATH (``apt-get install chromium``; ``.ci/run`` installs it) or
``DEALERGRAPH_CHROMIUM`` naming the executable: without one the test fails, it never skips.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from playwright.async_api import Browser, BrowserContext, Route, async_playwright

from graph.app import create_app
from graph.cors import SANDBOX_CORS_ORIGINS
from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, start_api

QUICK_START = "{ dealerships { name dms } }"  # the quick start `dealergraph serve` prints
LOOPBACK = {"127.0.0.1", "127.0.0.2", "localhost", "::1", "[::1]"}
_EXECUTABLES = ("chromium", "chromium-browser", "google-chrome")


def chromium_executable() -> str:
    named = os.environ.get("DEALERGRAPH_CHROMIUM")
    found = named or next(filter(None, map(shutil.which, _EXECUTABLES)), None)
    if not found:
        pytest.fail(
            "no Chromium: install Debian's (apt-get install chromium) or set"
            " DEALERGRAPH_CHROMIUM to a Chromium executable"
        )
    return found


@dataclass
class Offline:
    """Requests the browser tried to send off this machine (all refused)."""

    refused: list[str] = field(default_factory=list)

    async def route(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOOPBACK:
            await route.continue_()
        else:
            self.refused.append(route.request.url)
            await route.abort("internetdisconnected")


@dataclass
class Setup:
    graphql_url: str
    page_port: int
    browser: Browser
    offline: Offline

    async def context(self) -> BrowserContext:
        context = await self.browser.new_context()
        await context.route("**/*", self.offline.route)
        return context


def _caller_page(api_url: str) -> str:
    """A page that calls the API from its own origin, as a browser app would."""
    script = f"""
      fetch({json.dumps(api_url)}, {{
        method: "POST",
        headers: {{
          "Authorization": "Bearer {FULL_KEY}",
          "Content-Type": "application/json",
        }},
        body: JSON.stringify({{query: {json.dumps(QUICK_START)}}}),
      }})
        .then((response) => response.json())
        .then((body) => {{ document.getElementById("out").textContent = JSON.stringify(body); }})
        .catch((error) => {{ document.getElementById("out").textContent = "failed: " + error; }});
    """
    return f"<!doctype html><html><body><pre id='out'></pre><script>{script}</script></body></html>"


def _serving(html: str) -> Callable[[web.Request], Awaitable[web.Response]]:
    async def page(request: web.Request) -> web.Response:
        return web.Response(text=html, content_type="text/html")

    return page


@pytest.fixture(scope="module")
async def setup() -> AsyncIterator[Setup]:
    server_config = {"cors_origins": list(SANDBOX_CORS_ORIGINS)}
    options = SandboxOptions(seed=1, rate_limit_per_minute=100_000)
    async for api in start_api(options, server=server_config):
        # As `dealergraph serve` runs sandbox mode: the demo key given to the page.
        graphql = TestServer(create_app(api.runtime, demo_key=FULL_KEY), host="127.0.0.1")
        await graphql.start_server()
        graphql_url = str(graphql.make_url("/graphql"))
        pages = web.Application()
        pages.router.add_get("/", _serving(_caller_page(graphql_url)))
        # The same page on two loopback addresses: "localhost" is an admitted origin in
        # sandbox mode, 127.0.0.2 is not.
        admitted = TestServer(pages, host="127.0.0.1")
        await admitted.start_server()
        other = TestServer(pages, host="127.0.0.2", port=admitted.port)
        await other.start_server()
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=chromium_executable(),
                args=[
                    # No name resolves: nothing but loopback addresses could be reached
                    # even by a request the route below did not see.
                    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1,"
                    " EXCLUDE 127.0.0.2",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                ],
            )
            assert admitted.port is not None
            try:
                yield Setup(graphql_url, admitted.port, browser, Offline())
            finally:
                await browser.close()
        await other.close()
        await admitted.close()
        await graphql.close()


async def test_graphiql_runs_the_quick_start_query_offline(setup: Setup) -> None:
    context = await setup.context()
    page = await context.new_page()
    console_errors: list[str] = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    await page.goto(f"{setup.graphql_url}?q={quote(QUICK_START)}")
    await page.locator(".graphiql-execute-button").wait_for(timeout=30_000)

    # The demo key is in the Headers tab, where a user sees and can change it.
    await page.get_by_role("button", name="Headers").click()
    headers = page.locator(".graphiql-editor-tool")
    await headers.get_by_text(f"Bearer {FULL_KEY}").wait_for(timeout=10_000)

    await page.locator(".graphiql-execute-button").click()
    result = page.locator(".result-window")
    await result.get_by_text('"dealerships"').wait_for(timeout=30_000)
    text = await result.inner_text()
    assert '"dms": "AUTOSOFT"' in text
    assert '"errors"' not in text
    assert setup.offline.refused == []
    assert console_errors == []

    # The Headers tab is what requests send: another key there is refused.
    await headers.locator(".graphiql-editor:not(.hidden) .CodeMirror").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.insert_text('{"Authorization": "Bearer not-a-key"}')
    await page.locator(".graphiql-execute-button").click()
    await result.get_by_text("UNAUTHENTICATED").wait_for(timeout=30_000)
    await context.close()


async def test_page_on_another_origin_calls_the_api(setup: Setup) -> None:
    context = await setup.context()
    page = await context.new_page()
    await page.goto(f"http://localhost:{setup.page_port}/")
    out = page.locator("#out")
    await out.get_by_text("dealerships").or_(out.get_by_text("failed")).wait_for()
    body = json.loads(await out.inner_text())
    assert {d["dms"] for d in body["data"]["dealerships"]} >= {"AUTOSOFT", "AUTOSYNC"}
    assert setup.offline.refused == []
    await context.close()


async def test_page_on_an_origin_not_admitted_cannot_read_the_api(setup: Setup) -> None:
    context = await setup.context()
    page = await context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(message.text))
    await page.goto(f"http://127.0.0.2:{setup.page_port}/")
    out = page.locator("#out")
    await out.get_by_text("failed").or_(out.get_by_text("dealerships")).wait_for()
    assert (await out.inner_text()).startswith("failed: TypeError")
    assert any("blocked by CORS policy" in line for line in console), console
    assert setup.offline.refused == []
    await context.close()
