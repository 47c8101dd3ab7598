"""Start-up truth: ``dealergraph check`` reaches and signs in to every connection and names
the ones that fail (never a secret), and ``/readyz`` says "starting" until the start-up
round has reached each connection once."""

from __future__ import annotations

import asyncio
import socket
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from graph.app import create_app
from graph.cli import main
from graph.config import ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import RunningSandbox, SandboxOptions, start_sandbox
from sandbox.common.faults import Faults
from tests.virtual_clock import VirtualClock

WRONG = "not-the-password-1"


@pytest.fixture
async def sandbox() -> AsyncIterator[RunningSandbox]:
    running = await start_sandbox(SandboxOptions(seed=2), vendors=("autosoft", "autosync"))
    yield running
    await running.stop()


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(
    tmp_path: Path, sandbox: RunningSandbox, monkeypatch: pytest.MonkeyPatch, **bad: str
) -> Path:
    """A configuration file over the sandboxes, its secrets in the environment."""
    lines = ['[server]\ndata_dir = "' + str(tmp_path / "var") + '"\n']
    for name, handle in sandbox.vendors.items():
        base_url = bad.get(f"{name}_base_url", handle.base_url)
        secrets = []
        for key, value in handle.credentials.items():
            variable = f"CHECK_{name}_{key}".upper()
            monkeypatch.setenv(variable, bad.get(f"{name}_{key}", value))
            secrets.append(f'{key} = "env:{variable}"')
        lines.append(
            f'[[connections]]\nid = "{name}-main"\ndms = "{name}"\nbase_url = "{base_url}"\n'
            f"secrets = {{ {', '.join(secrets)} }}\n"
        )
        for store_id, store_name in handle.stores:
            store = f'store_id = "{store_id}"\n' if store_id else ""
            lines.append(
                f'[[connections.dealerships]]\nid = "{name}-{store_id or "one"}"\n'
                f'name = "{store_name}"\n{store}'
            )
    path = tmp_path / "dealergraph.toml"
    path.write_text("\n".join(lines))
    return path


async def check(path: Path) -> int:
    # The command runs its own event loop; the sandboxes answer on this one.
    return await asyncio.to_thread(main, ["check", "--config", str(path)])


async def test_check_passes_when_every_connection_answers(
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert await check(write_config(tmp_path, sandbox, monkeypatch)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("ok    ") for line in lines)
    assert sandbox.vendors["autosoft"].requests.count(method="POST", path_contains="/sessions")


async def test_check_names_a_wrong_password_and_an_unreachable_address(
    sandbox: RunningSandbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    unreachable = f"http://127.0.0.1:{closed_port()}/v1"
    path = write_config(
        tmp_path,
        sandbox,
        monkeypatch,
        autosoft_password=WRONG,
        autosync_base_url=unreachable,
    )
    assert await check(path) == 1
    out = capsys.readouterr()
    lines = out.out.splitlines()
    assert any(
        line.startswith("FAIL  autosoft-one (autosoft, connection autosoft-main)")
        and "UPSTREAM_AUTH_FAILED" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("FAIL  autosync-1 (autosync, connection autosync-main)")
        and "UPSTREAM_UNAVAILABLE" in line
        for line in lines
    ), lines
    everything = out.out + out.err
    secrets = [v for h in sandbox.vendors.values() for v in h.credentials.values()]
    assert all(secret not in everything for secret in [WRONG, *secrets])


async def test_readyz_says_starting_until_each_connection_was_reached() -> None:
    clock = VirtualClock()
    options = SandboxOptions(seed=2, sleep=clock.sleep, faults={"autosoft": Faults()})
    running = await start_sandbox(options, vendors=("autosoft",))
    handle = running.vendors["autosoft"]
    config, environ = sandbox_config(
        running, "k", ServerConfig(data_dir=tempfile.mkdtemp(prefix="dg-ready-"))
    )
    runtime = await Runtime.start(config, environ)
    server = TestServer(create_app(runtime), host="127.0.0.1")
    await server.start_server()
    try:
        handle.faults.write_latency_seconds = 5  # the sign-in's answer is held back
        runtime.start_probing()
        async with aiohttp.ClientSession() as http:
            async with http.get(server.make_url("/readyz")) as answer:
                assert (answer.status, await answer.json()) == (503, {"status": "starting"})
            await clock.advance(5)  # the sign-in answers
            assert runtime.probing is not None
            (result,) = await runtime.probing
            assert result.error is None
            async with http.get(server.make_url("/readyz")) as answer:
                body = await answer.json()
                assert (answer.status, body["status"]) == (200, "ready")
    finally:
        handle.faults.write_latency_seconds = 0
        await server.close()
        await runtime.close()
        await running.stop()
