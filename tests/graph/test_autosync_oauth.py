"""AutoSync's OAuth 2.0 for platform integrations, end to end over HTTP: the authorize
address, the consent redirect to the server's callback, tokens encrypted at rest, refresh
before expiry, and a revoked grant failing fast as UPSTREAM_AUTH_FAILED."""

from __future__ import annotations

import socket
import stat
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.config import (
    AppConfig,
    ClientConfig,
    ConfigError,
    ConnectionConfig,
    DealershipConfig,
    OAuthConfig,
    ServerConfig,
)
from graph.ids import encode_global_id
from graph.runtime import Runtime
from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from tests.virtual_clock import VirtualClock

KEY = "oauth-test-key"
TOKEN_KEY = "k" * 40
READ = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 2) { nodes { vendorId } } } }"""
DEALER = encode_global_id("Dealership", "shop", "shop")


@dataclass
class Stack:
    http: aiohttp.ClientSession
    url: str
    runtime: Runtime
    sandbox: RunningSandbox
    clock: VirtualClock
    data_dir: Path

    @property
    def oauth(self) -> Any:
        return self.sandbox.vendors["autosync"].state.oauth

    async def query(self) -> dict[str, Any]:
        headers = {"Authorization": f"Bearer {KEY}"}
        body = {"query": READ, "variables": {"d": DEALER}}
        async with self.http.post(self.url, json=body, headers=headers) as response:
            assert response.status == 200
            result: dict[str, Any] = await response.json()
            return result

    def vendor_requests(self) -> int:
        return self.sandbox.vendors["autosync"].requests.count()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def oauth_config(sandbox: RunningSandbox, port: int, data_dir: Path) -> AppConfig:
    handle = sandbox.vendors["autosync"]
    root = handle.base_url.removesuffix("/v1")
    return AppConfig(
        server=ServerConfig(data_dir=str(data_dir)),
        connections=[
            ConnectionConfig(
                id="as-oauth",
                dms="autosync",
                base_url=handle.base_url,
                secrets={"client_id": "env:OC_ID", "client_secret": "env:OC_SECRET"},
                oauth=OAuthConfig(
                    authorize_url=f"{root}/oauth/authorize",
                    redirect_uri=f"http://127.0.0.1:{port}/oauth/callback/as-oauth",
                ),
                dealerships=[DealershipConfig(id="shop", name="Shop", store_id="1")],
            )
        ],
        clients=[ClientConfig(name="tests", key_env="API_KEY", dealerships=["*"])],
    )


def environ_for(sandbox: RunningSandbox) -> dict[str, str]:
    client = sandbox.vendors["autosync"].state.oauth.default_client
    return {
        "OC_ID": client.client_id,
        "OC_SECRET": client.client_secret,
        "API_KEY": KEY,
        "DEALERGRAPH_TOKEN_KEY": TOKEN_KEY,
    }


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[Stack]:
    clock = VirtualClock()
    options = SandboxOptions(seed=1, rate_limit_per_minute=100_000, clock=clock)
    sandbox = await start_sandbox(options, vendors=("autosync",))
    port = free_port()
    config = oauth_config(sandbox, port, tmp_path)
    runtime = await Runtime.start(config, environ_for(sandbox), shared=clock.shared())
    server = TestServer(create_app(runtime), host="127.0.0.1", port=port)
    await server.start_server()
    http = aiohttp.ClientSession()
    try:
        yield Stack(http, str(server.make_url("/graphql")), runtime, sandbox, clock, tmp_path)
    finally:
        await http.close()
        await server.close()
        await runtime.close()
        await sandbox.stop()


async def authorize(stack: Stack) -> dict[str, Any]:
    """Open the authorize address as the shop owner's browser would, and follow the
    consent screen's redirect to the server's callback."""
    assert stack.runtime.oauth is not None
    address = stack.runtime.oauth.authorize_url("as-oauth")
    async with stack.http.get(address, allow_redirects=False) as consent:
        assert consent.status == 302
        back = consent.headers["Location"]
    assert back.startswith("http://127.0.0.1:")
    async with stack.http.get(back) as callback:
        assert callback.status == 200, await callback.text()
        answer: dict[str, Any] = await callback.json()
        return answer


async def test_a_connection_is_authorized_then_reads(stack: Stack) -> None:
    before = await stack.query()
    (error,) = before["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_AUTH_FAILED"
    assert "dealergraph connect autosync --connection as-oauth" in error["message"]
    assert stack.vendor_requests() == 0  # not authorized: nothing is sent

    assert "authorized" in (await authorize(stack))["message"]
    assert stack.oauth.token_requests == ["authorization_code"]
    after = await stack.query()
    assert "errors" not in after, after
    assert len(after["data"]["dealership"]["repairOrders"]["nodes"]) == 2


async def test_tokens_are_encrypted_at_rest(stack: Stack) -> None:
    await authorize(stack)
    await stack.query()
    vault = stack.data_dir / "oauth-tokens.json"
    text = vault.read_text()
    live = list(stack.oauth._by_access) + list(stack.oauth._by_refresh)
    assert len(live) == 2
    assert all(token not in text for token in live)
    assert stat.S_IMODE(vault.stat().st_mode) == 0o600


async def test_the_access_token_is_refreshed_before_it_expires(stack: Stack) -> None:
    await authorize(stack)
    await stack.clock.advance(3600 - 30)  # inside the refresh margin, before the expiry
    result = await stack.query()
    assert "errors" not in result, result
    assert stack.oauth.token_requests == ["authorization_code", "refresh_token"]
    await stack.query()  # the fresh token serves on
    assert stack.oauth.token_requests == ["authorization_code", "refresh_token"]


async def test_a_revoked_grant_fails_fast_until_connected_again(stack: Stack) -> None:
    await authorize(stack)
    assert "errors" not in await stack.query()
    stack.oauth.revoke(stack.oauth.default_client.client_id)
    stack.runtime.clear_caches()  # the revocation shows at the next vendor call
    revoked = await stack.query()
    (error,) = revoked["errors"]
    assert error["extensions"]["code"] == "UPSTREAM_AUTH_FAILED"
    assert stack.oauth.token_requests[-1] == "refresh_token"  # tried once, refused
    sent = stack.vendor_requests()
    stack.runtime.clear_caches()
    again = await stack.query()
    assert again["errors"][0]["extensions"]["code"] == "UPSTREAM_AUTH_FAILED"
    assert stack.vendor_requests() == sent  # the forgotten grant asks the vendor nothing
    await authorize(stack)
    assert "errors" not in await stack.query()


async def test_a_forged_or_stale_state_is_refused(stack: Stack) -> None:
    assert stack.runtime.oauth is not None
    address = stack.runtime.oauth.authorize_url("as-oauth")
    state = parse_qs(urlsplit(address).query)["state"][0]
    base = stack.url.removesuffix("/graphql") + "/oauth/callback/as-oauth"
    forged = state[:-1] + ("0" if state[-1] != "0" else "1")
    async with stack.http.get(base, params={"code": "x", "state": forged}) as answer:
        assert answer.status == 400
        assert (await answer.json())["code"] == "BAD_STATE"
    await stack.clock.advance(16 * 60)
    async with stack.http.get(base, params={"code": "x", "state": state}) as answer:
        assert (await answer.json())["code"] == "BAD_STATE"
    async with stack.http.get(base, params={"error": "access_denied"}) as answer:
        assert (await answer.json())["code"] == "OAUTH_DENIED"
    assert stack.oauth.token_requests == []


async def test_oauth_needs_a_token_key(tmp_path: Path) -> None:
    sandbox = await start_sandbox(SandboxOptions(seed=1), vendors=("autosync",))
    try:
        config = oauth_config(sandbox, 1, tmp_path)
        environ = environ_for(sandbox)
        del environ["DEALERGRAPH_TOKEN_KEY"]
        with pytest.raises(ConfigError, match="DEALERGRAPH_TOKEN_KEY"):
            await Runtime.start(config, environ)
        with pytest.raises(ConfigError, match="at least 32"):
            await Runtime.start(config, {**environ, "DEALERGRAPH_TOKEN_KEY": "short"})
    finally:
        await sandbox.stop()


def test_connect_prints_the_authorize_address(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from graph.cli import main

    path = tmp_path / "dealergraph.toml"
    path.write_text(
        """
[[connections]]
id = "platform"
dms = "autosync"
base_url = "https://api.autosyncshopmanager.com/v1"
secrets = { client_id = "env:OC_ID", client_secret = "env:OC_SECRET" }
oauth = { redirect_uri = "https://api.example.com/oauth/callback/platform" }
[[connections.dealerships]]
id = "shop"
name = "Shop"
store_id = "1"
"""
    )
    for name, value in {
        "OC_ID": "oc_123",
        "OC_SECRET": "s" * 20,
        "DEALERGRAPH_TOKEN_KEY": TOKEN_KEY,
    }.items():
        monkeypatch.setenv(name, value)
    assert main(["connect", "autosync", "--connection", "platform", "--config", str(path)]) == 0
    address = capsys.readouterr().out.strip()
    parts = urlsplit(address)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == (
        "https://autosyncshopmanager.com/oauth/authorize"
    )
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    assert query.pop("state")
    assert query == {
        "client_id": "oc_123",
        "redirect_uri": "https://api.example.com/oauth/callback/platform",
        "response_type": "code",
        "scope": "shops:read workorders:write customers:read",
    }
    assert "s" * 20 not in address
    wrong = ["connect", "autosync", "--connection", "nope", "--config", str(path)]
    assert main(wrong) == 2
