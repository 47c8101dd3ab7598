"""deploy/ stays runnable: its configuration loads with the project's loader, every secret it
names is provided by the compose file or sandbox.env, and the sandbox logins, addresses and
stores it names are those `dealergraph sandbox` serves."""

from __future__ import annotations

import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from redis.asyncio import Redis

from graph.cli import SANDBOX_PORTS
from graph.config import AppConfig, load_config
from graph.idempotency_postgres import PostgresIdempotencyStore
from graph.runtime import Runtime
from sandbox import SandboxOptions, start_sandbox
from tests.graph.idempotency_backends import scratch_schema

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def deploy_config() -> AppConfig:
    return load_config(DEPLOY / "dealergraph.toml")


def sandbox_env() -> dict[str, str]:
    lines = (DEPLOY / "sandbox.env").read_text().splitlines()
    pairs = [line.split("=", 1) for line in lines if line and not line.startswith("#")]
    return {name: value for name, value in pairs}


def server_environment() -> set[str]:
    """The variables each replica gets: sandbox.env and the compose service's own."""
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    service = compose["services"]["dealergraph"]
    assert service["env_file"] == "sandbox.env"
    assert service["deploy"]["replicas"] == 3
    return set(service["environment"]) | set(sandbox_env())


def test_the_deploy_config_loads_and_shares_its_state() -> None:
    config = deploy_config()
    assert config.server.idempotency_dsn == "env:DEALERGRAPH_IDEMPOTENCY_DSN"
    assert config.shared.redis_url == "redis://redis:6379/0"
    assert config.server.host == "0.0.0.0"
    # The port the image's HEALTHCHECK and the load balancer ask.
    port = config.server.port
    assert f"127.0.0.1:{port}/healthz" in (DEPLOY.parent / "Dockerfile").read_text()
    assert f"dealergraph:{port} check" in (DEPLOY / "haproxy.cfg").read_text()


def test_every_secret_the_config_names_is_provided() -> None:
    config = deploy_config()
    named = {ref[4:] for c in config.connections for ref in c.secrets.values()}
    named |= {c.key_env for c in config.clients if c.key_env}
    named |= {config.server.idempotency_dsn[4:], config.shared.key_env}  # type: ignore[index]
    provided = server_environment()
    assert named <= provided, sorted(named - provided)
    # The DSN reaches the compose file's PostgreSQL with its password, never the file's.
    compose = (DEPLOY / "compose.yaml").read_text()
    assert "@postgres:5432/dealergraph" in compose
    assert not re.search(r"postgres(ql)?://[^$\s]*:[^$@\s]+@", compose)  # no literal password


async def test_the_sandbox_serves_what_the_config_names() -> None:
    config = deploy_config()
    env = sandbox_env()
    sandbox = await start_sandbox(SandboxOptions(seed=1))  # `dealergraph sandbox`'s default
    try:
        assert {c.dms.value for c in config.connections} == set(sandbox.vendors)
        for connection in config.connections:
            handle = sandbox.vendors[connection.dms.value]
            address = urlsplit(connection.base_url)
            assert (address.hostname, address.port) == ("sandbox", SANDBOX_PORTS[handle.name])
            assert address.path == urlsplit(handle.base_url).path
            secrets = {name: env[ref[4:]] for name, ref in connection.secrets.items()}
            # Every login secret (AutoSync's webhook secret is for webhooks, not set up here).
            wanted = {k: v for k, v in handle.credentials.items() if k != "webhook_secret"}
            assert secrets == wanted
            stores = [(d.store_id, d.name) for d in connection.dealerships]
            assert stores == handle.stores
    finally:
        await sandbox.stop()


async def test_the_deploy_config_signs_in_to_every_store(tmp_path: Path) -> None:
    # As a replica runs it, with the compose services' names replaced by this machine's.
    config = deploy_config()
    prefix = f"dealergraph-test:{secrets.token_hex(6)}"
    sandbox = await start_sandbox(SandboxOptions(seed=1))
    try:
        async with scratch_schema() as dsn:
            local = config.model_copy(
                update={
                    "server": config.server.model_copy(update={"data_dir": str(tmp_path)}),
                    "shared": config.shared.model_copy(
                        update={"redis_url": "redis://127.0.0.1:6379/0", "key_prefix": prefix}
                    ),
                    "connections": [
                        c.model_copy(update={"base_url": sandbox.vendors[c.dms.value].base_url})
                        for c in config.connections
                    ],
                }
            )
            environ = {
                **sandbox_env(),
                "DEALERGRAPH_IDEMPOTENCY_DSN": dsn,
                "DEALERGRAPH_SHARED_KEY": secrets.token_hex(32),
                "DEALERGRAPH_KEY_DEMO": "deploy-test-key",
            }
            runtime = await Runtime.start(local, environ)
            try:
                assert isinstance(runtime.exactly_once.store, PostgresIdempotencyStore)
                results = await runtime.probe_all()
            finally:
                await runtime.close()
    finally:
        await sandbox.stop()
        redis = Redis.from_url("redis://127.0.0.1:6379/0")
        async for key in redis.scan_iter(match=f"{prefix}:*"):
            await redis.delete(key)
        await redis.aclose()
    assert {r.connection_id: r.error for r in results} == {c.id: None for c in config.connections}
    assert sum(len(r.dealerships) for r in results) == 6
