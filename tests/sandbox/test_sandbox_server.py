"""start_sandbox: ports, vendor choice, request log, determinism, scale, start-up time."""

from __future__ import annotations

import socket
import time

import aiohttp
import pytest

from sandbox import RequestRecord, RunningSandbox, SandboxOptions, start_sandbox
from tests.sandbox.helpers import FakeClock, autosoft_login, bearer, call

pytestmark = pytest.mark.asyncio(loop_scope="module")

AUTOSOFT_PATHS = (
    "/vehicles?pageSize=100&page=2",
    "/customers?pageSize=100",
    "/leads?pageSize=100",
    "/deals?pageSize=100",
    "/service/repair-orders?pageSize=100&page=3",
    "/service/appointments?pageSize=100",
    "/parts?pageSize=100",
    "/users",
    "/accounting/ar-accounts?pageSize=100",
    "/accounting/payments?pageSize=100&page=4",
)
AUTOSYNC_PATHS = (
    "/shops",
    "/shops/1/customers?per_page=100",
    "/shops/1/vehicles?per_page=100&page=5",
    "/shops/1/workorders?per_page=100&page=3",
    "/shops/1/workorders/1100",
    "/shops/1/appointments?per_page=100",
    "/shops/1/payments?per_page=100",
    "/shops/1/inventory?per_page=100",
    "/shops/1/employees",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _bodies(http: aiohttp.ClientSession, sb: RunningSandbox) -> dict[str, str]:
    """Raw response bytes of a spread of endpoints, as text."""
    autosoft, autosync = sb.vendors["autosoft"], sb.vendors["autosync"]
    clock = FakeClock(time.time())
    autosoft.state.auth.clock = clock
    _, session = await autosoft_login(http, autosoft, at=clock.now)
    bodies: dict[str, str] = {}
    for path in AUTOSOFT_PATHS:
        async with http.get(autosoft.base_url + path, headers=bearer(session["authToken"])) as r:
            assert r.status == 200
            bodies["autosoft" + path] = await r.text()
    for path in AUTOSYNC_PATHS:
        async with http.get(
            autosync.base_url + path, headers=bearer(autosync.credentials["api_key"])
        ) as r:
            assert r.status == 200
            bodies["autosync" + path] = await r.text()
    return bodies


async def test_same_seed_gives_identical_bodies_other_seed_differs(
    http: aiohttp.ClientSession,
) -> None:
    seen: list[dict[str, str]] = []
    for seed in (3, 3, 4):
        async with await start_sandbox(SandboxOptions(seed=seed)) as sb:
            seen.append(await _bodies(http, sb))
    first, again, other = seen
    assert first == again
    assert all(
        first[k] != other[k] for k in first if "/employees" not in k and k != "autosync/shops"
    )
    assert first["autosync/shops"] != other["autosync/shops"]


async def test_credentials_are_stable_per_seed() -> None:
    async with await start_sandbox(SandboxOptions(seed=9, scale=0.05)) as a:
        async with await start_sandbox(SandboxOptions(seed=9, scale=0.05)) as b:
            for name in ("autosoft", "autosync"):
                assert a.vendors[name].credentials == b.vendors[name].credentials
                assert a.vendors[name].stores == b.vendors[name].stores
                assert a.vendors[name].base_url != b.vendors[name].base_url  # own ports
    c = a.vendors["autosoft"].credentials
    assert set(c) == {"client_id", "client_secret", "username", "password", "totp_secret"}
    assert set(a.vendors["autosync"].credentials) == {"api_key", "webhook_secret"}


async def test_scale_changes_sizes(http: aiohttp.ClientSession) -> None:
    async with await start_sandbox(SandboxOptions(scale=2.5, rate_limit_per_minute=1000)) as sb:
        autosync = sb.vendors["autosync"]
        status, body, _ = await call(
            http,
            "GET",
            autosync.base_url + "/shops/1/workorders",
            headers=bearer(autosync.credentials["api_key"]),
        )
        assert status == 200 and body["pagination"]["total"] == 750
        assert len(sb.vendors["autosoft"].state.vehicles) == 750
        assert len(sb.vendors["autosoft"].state.customers) == 1000


async def test_start_uses_requested_ports(http: aiohttp.ClientSession) -> None:
    # How long a start takes is measured by bench/read_path.py, not asserted here.
    port = _free_port()
    sb = await start_sandbox(ports={"autosync": port})
    try:
        autosoft, autosync = sb.vendors["autosoft"], sb.vendors["autosync"]
        assert autosync.base_url == f"http://127.0.0.1:{port}/v1"
        integration = autosoft.state.integration_id
        assert autosoft.base_url.startswith("http://127.0.0.1:")
        assert autosoft.base_url.endswith(f"/integrations/{integration}")
        assert autosoft.stores == [(None, autosoft.state.dealership_name)]
        status, _, _ = await call(
            http,
            "GET",
            autosync.base_url + "/shops",
            headers=bearer(autosync.credentials["api_key"]),
        )
        assert status == 200
    finally:
        await sb.stop()
    with pytest.raises(aiohttp.ClientConnectionError):
        await call(http, "GET", f"http://127.0.0.1:{port}/v1/shops")


async def test_vendor_subset_and_unknown_vendor() -> None:
    async with await start_sandbox(SandboxOptions(scale=0.05), vendors=("autosync",)) as sb:
        assert list(sb.vendors) == ["autosync"]
    with pytest.raises(ValueError, match="carsoft"):
        await start_sandbox(vendors=("autosoft", "carsoft"))


async def test_request_log_counts_every_request(http: aiohttp.ClientSession) -> None:
    async with await start_sandbox(SandboxOptions(scale=0.05)) as sb:
        autosoft, autosync = sb.vendors["autosoft"], sb.vendors["autosync"]
        key = bearer(autosync.credentials["api_key"])
        await call(
            http,
            "GET",
            autosync.base_url + "/shops/1/customers",
            headers=key,
            params={"search": "a"},
        )
        await call(http, "GET", autosync.base_url + "/shops/2/customers", headers=key)
        await call(http, "GET", autosync.base_url + "/shops")
        log = autosync.requests
        assert log.count() == 3 and log.count(method="get") == 3
        assert log.count(path_contains="/customers") == 2
        assert log.entries[0] == RequestRecord("GET", "/v1/shops/1/customers", {"search": "a"}, 200)
        assert [e.status for e in log.entries] == [200, 403, 401]
        await call(http, "POST", autosoft.base_url + "/sessions", json={})
        assert autosoft.requests.count(method="POST", path_contains="/sessions") == 1
        assert autosoft.requests.entries[-1].status == 401
        log.reset()
        assert log.count() == 0 and log.entries == []
