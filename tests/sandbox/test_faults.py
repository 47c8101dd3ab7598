"""Injected faults, at start and at run time, as a client sees them on the wire."""

from __future__ import annotations

import time
from typing import Any

import aiohttp
import pytest

from sandbox import SandboxOptions, VendorHandle, start_sandbox
from sandbox.autosync import create_autosync
from sandbox.common.faults import DROPPED_STATUS, Faults
from sandbox.dealertrack import create_dealertrack
from sandbox.server import serve_vendor
from tests.sandbox.helpers import FakeClock, autosoft_login, bearer, call, signed_in

SMALL = 0.1  # record scale: these tests look at transport, not data


def _key(handle: VendorHandle) -> dict[str, str]:
    return bearer(handle.credentials["api_key"])


class Latencies:
    """A sandbox's sleep that records each injected latency instead of waiting it out."""

    def __init__(self) -> None:
        self.slept: list[float] = []

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)


async def _get(url: str, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as http, http.get(url, headers=headers) as response:
        await response.read()
        return response.status


async def _statuses(http: aiohttp.ClientSession, url: str, headers: Any, n: int) -> list[int]:
    return [(await call(http, "GET", url, headers=headers))[0] for _ in range(n)]


async def test_latency_from_options_and_changed_live() -> None:
    latencies = Latencies()
    options = SandboxOptions(latency_ms=1000, sleep=latencies.sleep)
    async with await start_sandbox(options, vendors=("autosync",)) as sb:
        handle = sb.vendors["autosync"]
        url = f"{handle.base_url}/shops"
        headers = {"Authorization": f"Bearer {handle.credentials['api_key']}"}
        assert await _get(url, headers) == 200
        assert latencies.slept == [1.0]
        handle.faults.latency_seconds = 0
        assert await _get(url, headers) == 200
        assert latencies.slept == [1.0]  # switched off live: the second request waited nothing
        assert handle.requests.count(path_contains="/shops") == 2


async def test_fail_all_from_options_spares_logins_and_other_vendors() -> None:
    given = Faults(fail_all=True)
    options = SandboxOptions(scale=SMALL, faults={"autosoft": given})
    async with (
        await start_sandbox(options, vendors=("autosoft", "autosync")) as sb,
        aiohttp.ClientSession() as http,
    ):
        autosoft, autosync = sb.vendors["autosoft"], sb.vendors["autosync"]
        token = await signed_in(http, autosoft)  # logins are spared by default
        status, body, _ = await call(
            http, "GET", autosoft.base_url + "/vehicles", headers=bearer(token)
        )
        assert status == 503
        assert body["error"]["code"] == "service_unavailable"  # the Supergood shape
        assert (await call(http, "GET", autosync.base_url + "/shops", headers=_key(autosync)))[
            0
        ] == 200

        autosoft.faults.fail_logins = True
        clock = autosoft.state.auth.clock
        assert isinstance(clock, FakeClock)
        clock.advance(60)  # a fresh TOTP step, so a refusal is the fault and not a replay
        status, body = await autosoft_login(http, autosoft, at=clock.now)
        assert status == 503

        autosoft.faults.fail_all = False
        status, _, _ = await call(
            http, "GET", autosoft.base_url + "/vehicles", headers=bearer(token)
        )
        assert status == 200
        assert given.fail_all and not given.fail_logins  # the server changed its own copy
        assert autosoft.requests.count(path_contains="/vehicles") == 2


async def _error_pattern(seed: int) -> list[int]:
    options = SandboxOptions(seed=seed, scale=SMALL, faults={"autosync": Faults(error_rate=0.5)})
    async with (
        await start_sandbox(options, vendors=("autosync",)) as sb,
        aiohttp.ClientSession() as http,
    ):
        handle = sb.vendors["autosync"]
        statuses = await _statuses(http, handle.base_url + "/shops", _key(handle), 24)
        handle.faults.error_rate = 0
        assert await _statuses(http, handle.base_url + "/shops", _key(handle), 3) == [200] * 3
        return statuses


async def test_error_rate_repeats_for_a_seed_in_the_vendor_shape() -> None:
    first, again, other = await _error_pattern(7), await _error_pattern(7), await _error_pattern(8)
    assert set(first) == {200, 503}
    assert first == again
    assert first != other
    async with (
        await start_sandbox(
            SandboxOptions(scale=SMALL, faults={"autosync": Faults(error_rate=1.0)}),
            vendors=("autosync",),
        ) as sb,
        aiohttp.ClientSession() as http,
    ):
        handle = sb.vendors["autosync"]
        status, body, _ = await call(http, "GET", handle.base_url + "/shops", headers=_key(handle))
        assert status == 503
        assert body["success"] is False
        assert body["error"]["status"] == 503  # the AutoSync shape


async def test_rate_limit_storm_with_vendor_headers() -> None:
    async with (
        await start_sandbox(SandboxOptions(scale=SMALL), vendors=("autosoft", "autosync")) as sb,
        aiohttp.ClientSession() as http,
    ):
        autosoft, autosync = sb.vendors["autosoft"], sb.vendors["autosync"]
        token = await signed_in(http, autosoft)
        autosync.faults.rate_limit_storm = True
        autosync.faults.retry_after_seconds = 7
        status, body, headers = await call(
            http, "GET", autosync.base_url + "/shops", headers=_key(autosync)
        )
        assert status == 429
        assert body["error"]["code"] == "rate_limited"
        assert headers["Retry-After"] == "7"
        assert headers["X-RateLimit-Remaining"] == "0"
        assert headers["X-RateLimit-Limit"] == "100"
        assert int(headers["X-RateLimit-Reset"]) >= time.time()
        assert (await call(http, "GET", autosoft.base_url + "/vehicles", headers=bearer(token)))[
            0
        ] == 200

        autosoft.faults.rate_limit_storm = True
        clock = autosoft.state.auth.clock
        assert isinstance(clock, FakeClock)
        clock.advance(60)
        status, body = await autosoft_login(http, autosoft, at=clock.now)  # logins too
        assert status == 429
        assert body["error"]["code"] == "rate_limited"

        autosync.faults.rate_limit_storm = autosoft.faults.rate_limit_storm = False
        assert (await call(http, "GET", autosync.base_url + "/shops", headers=_key(autosync)))[
            0
        ] == 200
        assert (await call(http, "GET", autosoft.base_url + "/vehicles", headers=bearer(token)))[
            0
        ] == 200


async def test_reset_closes_the_connection_unanswered() -> None:
    async with await start_sandbox(SandboxOptions(scale=SMALL), vendors=("autosync",)) as sb:
        handle = sb.vendors["autosync"]
        url = handle.base_url + "/shops"
        handle.faults.reset_rate = 1.0
        async with aiohttp.ClientSession() as http:
            with pytest.raises(aiohttp.ClientConnectionError):
                await call(http, "GET", url, headers=_key(handle))
        assert handle.requests.entries[-1].status == DROPPED_STATUS
        handle.faults.reset_rate = 0
        async with aiohttp.ClientSession() as http:
            assert (await call(http, "GET", url, headers=_key(handle)))[0] == 200


async def test_truncated_answers_are_payload_errors() -> None:
    async with await start_sandbox(SandboxOptions(scale=SMALL), vendors=("autosync",)) as sb:
        handle = sb.vendors["autosync"]
        url = handle.base_url + "/shops"
        handle.faults.truncate_rate = 1.0
        async with aiohttp.ClientSession() as http:
            async with http.get(url, headers=_key(handle)) as response:
                assert response.status == 200
                with pytest.raises(aiohttp.ClientPayloadError):
                    await response.read()
        handle.faults.truncate_rate = 0
        async with aiohttp.ClientSession() as http:
            assert (await call(http, "GET", url, headers=_key(handle)))[0] == 200


async def test_token_ttl_override_and_replay_check() -> None:
    async with (
        await start_sandbox(SandboxOptions(scale=SMALL), vendors=("autosoft",)) as sb,
        aiohttp.ClientSession() as http,
    ):
        handle = sb.vendors["autosoft"]
        clock = FakeClock(time.time())
        handle.state.auth.clock = clock
        handle.faults.token_ttl_seconds = 5
        handle.faults.mfa_replay_check = False
        status, first = await autosoft_login(http, handle, at=clock.now)
        assert status == 200
        assert first["expiresIn"] == 5
        status, again = await autosoft_login(http, handle, at=clock.now)  # the same code
        assert status == 200, again
        url = handle.base_url + "/vehicles"
        assert (await call(http, "GET", url, headers=bearer(first["authToken"])))[0] == 200
        clock.advance(5)
        status, body, _ = await call(http, "GET", url, headers=bearer(first["authToken"]))
        assert (status, body["error"]["code"]) == (401, "token_expired")

        handle.faults.token_ttl_seconds = None
        handle.faults.mfa_replay_check = True
        clock.advance(60)
        status, fresh = await autosoft_login(http, handle, at=clock.now)
        assert (status, fresh["expiresIn"]) == (200, 3600)
        status, body = await autosoft_login(http, handle, at=clock.now)
        assert (status, body["error"]["code"]) == (401, "mfa_code_reused")


async def test_bad_fault_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Faults(error_rate=1.5)
    with pytest.raises(ValueError):
        Faults(token_ttl_seconds=0)
    with pytest.raises(ValueError):
        await start_sandbox(SandboxOptions(faults={"nosuchvendor": Faults()}))
    # A bare string would otherwise match its substrings; ids are non-empty strings.
    for bad in ("rt_1001", b"1", 5, {""}, {"  "}, {1}, [None], {"1", 2}):
        with pytest.raises(ValueError):
            Faults(stores=bad)  # type: ignore[arg-type]
    faults = Faults(stores=["1", "2", "1"])  # type: ignore[arg-type]
    assert faults.stores == frozenset({"1", "2"})
    faults.stores = ("3",)  # type: ignore[assignment]
    assert faults.stores == frozenset({"3"})  # frozen on run-time assignment too
    with pytest.raises(ValueError):
        faults.stores = "3"  # type: ignore[assignment]
    assert faults.stores == frozenset({"3"})
    faults.stores = None
    assert faults.stores is None


# --- faults per store ---------------------------------------------------------------------


async def test_dealertrack_rooftop_failing_while_the_other_answers() -> None:
    """The rooftop travels in the query of reads and PATCHes, the path of a rooftop's detail
    and the body of POSTs; logins and the rooftop list name none."""
    home, other = (str(s) for s, _ in create_dealertrack(SandboxOptions(scale=SMALL)).stores)
    options = SandboxOptions(
        scale=SMALL,
        faults={"dealertrack": Faults(fail_all=True, fail_logins=True, stores={home})},
    )
    async with (
        await start_sandbox(options, vendors=("dealertrack",)) as sb,
        aiohttp.ClientSession() as http,
    ):
        handle = sb.vendors["dealertrack"]
        token = await signed_in(http, handle)  # a login names no store, fail_logins or not
        headers, url = bearer(token), handle.base_url

        async def reads(rooftop: str) -> list[int]:
            answers = [
                await call(http, "GET", url + "/customers", headers=headers, params=scope)
                for scope in ({"rooftopId": rooftop}, {"rooftopId": rooftop, "pageSize": 1})
            ]
            detail = await call(http, "GET", f"{url}/rooftops/{rooftop}", headers=headers)
            return [status for status, _, _ in [*answers, detail]]

        assert await reads(home) == [503] * 3
        assert await reads(other) == [200] * 3
        assert (await call(http, "GET", url + "/rooftops", headers=headers))[0] == 200

        post = url + "/accounting/journal-entries"
        status, body, _ = await call(http, "POST", post, headers=headers, json={"rooftopId": home})
        assert (status, body["error"]["code"]) == (503, "service_unavailable")
        # The body was read for its rooftop and still reaches the handler whole.
        status, body, _ = await call(http, "POST", post, headers=headers, json={"rooftopId": other})
        assert (status, body["error"]["code"]) == (422, "validation_failed"), body
        patch = url + "/sales/deals/deal_none"
        status, _, _ = await call(
            http, "PATCH", patch, headers=headers, params={"rooftopId": home}, json={}
        )
        assert status == 503
        status, _, _ = await call(
            http, "PATCH", patch, headers=headers, params={"rooftopId": other}, json={}
        )
        assert status == 404  # the handler's own answer: no such deal

        handle.faults.stores = frozenset({other})  # moved at run time
        assert await reads(home) == [200] * 3
        assert await reads(other) == [503] * 3
        handle.faults.stores = None  # the whole vendor again, logins included
        assert await reads(home) == [503] * 3
        assert (await call(http, "GET", url + "/rooftops", headers=headers))[0] == 503
        handle.faults.fail_all = False
        assert await reads(other) == [200] * 3


async def _two_shops(faults: Faults, latencies: Latencies | None = None) -> VendorHandle:
    app = create_autosync(SandboxOptions(scale=SMALL), key_shops=((1, 2),))
    return await serve_vendor(
        app, faults=faults, sleep=latencies.sleep if latencies is not None else None
    )


async def test_autosync_shop_failing_while_the_other_answers() -> None:
    handle = await _two_shops(Faults(fail_all=True, stores={"2"}))
    try:
        assert [store_id for store_id, _ in handle.stores] == ["1", "2"]
        async with aiohttp.ClientSession() as http:

            async def status(path: str) -> int:
                return (await call(http, "GET", handle.base_url + path, headers=_key(handle)))[0]

            assert await status("/shops") == 200  # names no shop
            assert [await status(f"/shops/1{p}") for p in ("", "/customers")] == [200, 200]
            assert [await status(f"/shops/2{p}") for p in ("", "/customers")] == [503, 503]
            assert await status("/shops/02/customers") == 503  # the shop the server reads
            answer = await call(
                http, "POST", handle.base_url + "/shops/2/customers", headers=_key(handle), json={}
            )
            assert answer[0] == 503
            answer = await call(
                http, "POST", handle.base_url + "/shops/1/customers", headers=_key(handle), json={}
            )
            assert answer[0] == 422

            handle.faults.stores = ["1"]  # type: ignore[assignment]
            assert handle.faults.stores == frozenset({"1"})
            assert await status("/shops/1/customers") == 503
            assert await status("/shops/2/customers") == 200
            handle.faults.stores = frozenset()  # no store: nothing is injected
            assert await status("/shops/1/customers") == 200
            handle.faults.rate_limit_storm = True
            handle.faults.stores = frozenset({"2"})
            assert await status("/shops/2/customers") == 429
            assert await status("/shops/1/customers") == 200  # storms are limited too
    finally:
        await handle.stop()


async def test_latency_only_for_the_chosen_shop() -> None:
    latencies = Latencies()
    handle = await _two_shops(Faults(latency_seconds=1.0, stores={"2"}), latencies)
    try:
        url = handle.base_url + "/shops/{}/customers"
        assert await _get(url.format(1), _key(handle)) == 200
        assert latencies.slept == []
        assert await _get(url.format(2), _key(handle)) == 200
        assert latencies.slept == [1.0]
        assert await _get(handle.base_url + "/shops", _key(handle)) == 200
        assert latencies.slept == [1.0]  # the listing names no shop: spared
        handle.faults.stores = frozenset({"1"})
        assert await _get(url.format(1), _key(handle)) == 200
        assert latencies.slept == [1.0, 1.0]
    finally:
        await handle.stop()


async def test_one_store_servers_ignore_stores() -> None:
    """Autosoft, Auto/Mate and DealerCenter list their one store without an id: the vendor
    is the store, so its faults reach every request whatever ``stores`` says."""
    options = SandboxOptions(
        scale=SMALL, faults={"autosoft": Faults(fail_all=True, stores={"elsewhere"})}
    )
    async with (
        await start_sandbox(options, vendors=("autosoft",)) as sb,
        aiohttp.ClientSession() as http,
    ):
        handle = sb.vendors["autosoft"]
        assert handle.stores[0][0] is None
        token = await signed_in(http, handle)
        status, _, _ = await call(http, "GET", handle.base_url + "/vehicles", headers=bearer(token))
        assert status == 503
