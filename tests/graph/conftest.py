"""A running dealergraph over real HTTP, in front of the vendor sandboxes (also real HTTP)."""

from __future__ import annotations

import tempfile
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import CacheConfig, ClientConfig, ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from graph.tracing import NoTracing
from sandbox import RunningSandbox, SandboxOptions, start_sandbox

FULL_KEY = "test-full-access-key"
AUTOSYNC_ONLY_KEY = "test-autosync-only-key"


@dataclass
class Api:
    """A GraphQL client for the server under test."""

    http: aiohttp.ClientSession
    url: str
    runtime: Runtime
    sandbox: RunningSandbox

    async def post(self, body: Any, *, key: str | None = FULL_KEY) -> aiohttp.ClientResponse:
        headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
        return await self.http.post(self.url, json=body, headers=headers)

    async def query(
        self, query: str, variables: dict[str, Any] | None = None, *, key: str = FULL_KEY
    ) -> dict[str, Any]:
        response = await self.post({"query": query, "variables": variables or {}}, key=key)
        assert response.status == 200, await response.text()
        result: dict[str, Any] = await response.json()
        return result

    async def data(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> Any:
        """The response's data, asserting it came without errors."""
        result = await self.query(query, variables, **kw)
        assert "errors" not in result, result["errors"]
        return result["data"]

    def dealership_id(self, dms: str) -> str:
        from graph.ids import encode_global_id

        entry = next(d for d in self.runtime.dealerships.values() if d.dms.value == dms)
        return encode_global_id("Dealership", entry.id, entry.id)

    def dms_of(self, dealership_global_id: str) -> str:
        from graph.ids import decode_global_id

        return self.runtime.dealerships[decode_global_id(dealership_global_id).native_id].dms.value

    def upstream_requests(self, vendor: str) -> int:
        return self.sandbox.vendors[vendor].requests.count()

    def reset_upstream_counts(self) -> None:
        for handle in self.sandbox.vendors.values():
            handle.requests.reset()


async def start_api(
    options: SandboxOptions,
    *,
    data_dir: Path | None = None,
    scopes: Sequence[str] = (),
    vendors: Sequence[str] = ("autosoft", "autosync"),
    server: dict[str, Any] | None = None,
    code_logins: dict[str, str] | None = None,
    documented_only: bool = False,
    cache: CacheConfig | None = None,
    tracing: NoTracing | None = None,
) -> AsyncIterator[Api]:
    """The API over a fresh sandbox. The full-access key holds ``scopes`` (default: all);
    idempotency records go to ``data_dir`` (default: a fresh temporary directory);
    ``code_logins`` signs chosen vendors in with SMS or e-mail codes (see sandbox_config);
    ``documented_only`` serves only what the vendor pages document (SandboxOptions);
    ``cache`` replaces the response cache's lifetimes (all zero: every read meets the DMS);
    ``tracing`` replaces the configured tracing (one exporting spans to memory)."""
    if documented_only:
        options = replace(options, documented_only=True)
    sandbox = await start_sandbox(options, vendors=vendors)
    data_dir = data_dir or Path(tempfile.mkdtemp(prefix="dealergraph-test-"))
    config, environ = sandbox_config(
        sandbox,
        demo_key=FULL_KEY,
        server=ServerConfig(data_dir=str(data_dir), **(server or {})),
        code_logins=code_logins,
    )
    if cache is not None:
        config = config.model_copy(update={"cache": cache})
    if scopes:
        full = config.clients[0].model_copy(update={"scopes": list(scopes)})
        config = config.model_copy(update={"clients": [full]})
    autosync_ids = [
        d.id for c in config.connections if c.dms.value == "autosync" for d in c.dealerships
    ]
    environ["TEST_AUTOSYNC_ONLY_KEY"] = AUTOSYNC_ONLY_KEY
    if autosync_ids:
        autosync_only = ClientConfig(
            name="autosync-only", key_env="TEST_AUTOSYNC_ONLY_KEY", dealerships=autosync_ids
        )
        config = config.model_copy(update={"clients": [*config.clients, autosync_only]})
    runtime = await Runtime.start(config, environ, tracing=tracing)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    http = aiohttp.ClientSession()
    try:
        yield Api(http=http, url=str(server.make_url("/graphql")), runtime=runtime, sandbox=sandbox)
    finally:
        await http.close()
        await server.close()
        await runtime.close()
        await sandbox.stop()


@pytest.fixture(scope="module")
async def api() -> AsyncIterator[Api]:
    # Shared by a module's read-only tests. The rate limit is raised so that many tests in
    # a row do not trip AutoSync's 100/min budget; the limit itself is tested elsewhere.
    async for value in start_api(SandboxOptions(seed=1, rate_limit_per_minute=100_000)):
        yield value
