"""The HTTP layer under writes, against small servers on real sockets: a write is never
resent after it may have arrived, failures before sending stay "unavailable", bodies keep
money exact, and a refusal carries the field the vendor blamed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Awaitable, Callable
from decimal import Decimal

import aiohttp
import pytest
from aiohttp import web

from adapters.autosync.writes import read_autosync_error
from adapters.errors import UpstreamOutcomeUnknown, UpstreamRejected, UpstreamUnavailable
from adapters.http import ErrorReader, HttpClient, HttpPolicy, read_error_object
from adapters.response_cache import NO_CACHE
from adapters.supergood import read_supergood_error
from adapters.writes import FieldNames

ServeApp = Callable[[web.Application], Awaitable[str]]
POLICY = HttpPolicy(
    cache_ttls=NO_CACHE, read_timeout=0.2, connect_timeout=0.5, backoff_base=0.01, backoff_max=0.02
)
SECRET_BODY = {"password": "hunter22", "amount": Decimal("10.00")}


class Calls:
    """Requests a test server received, by method."""

    def __init__(self) -> None:
        self.methods: list[str] = []

    def handler(
        self, answer: Callable[[web.Request, int], Awaitable[web.StreamResponse]]
    ) -> web.Application:
        async def handle(request: web.Request) -> web.StreamResponse:
            self.methods.append(request.method)
            await request.read()  # the whole request arrived
            return await answer(request, len(self.methods))

        app = web.Application()
        app.router.add_route("*", "/thing", handle)
        return app


async def client(
    session: aiohttp.ClientSession,
    serve: ServeApp,
    app: web.Application,
    reader: ErrorReader = read_error_object,
) -> HttpClient:
    return HttpClient(session, await serve(app), vendor="acme", policy=POLICY, error_reader=reader)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_nothing_sent_is_unavailable(session: aiohttp.ClientSession) -> None:
    http = HttpClient(session, f"http://127.0.0.1:{closed_port()}", vendor="acme", policy=POLICY)
    with pytest.raises(UpstreamUnavailable, match="acme POST /thing"):
        await http.request("POST", "/thing", json_body=SECRET_BODY)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_timeout_after_sending_is_unknown_and_not_resent(
    session: aiohttp.ClientSession, serve: ServeApp, method: str
) -> None:
    calls = Calls()
    answer = asyncio.Event()  # set only once the client has given up

    async def slow(request: web.Request, n: int) -> web.Response:
        await answer.wait()
        return web.json_response({})

    http = await client(session, serve, calls.handler(slow))
    try:
        with pytest.raises(UpstreamOutcomeUnknown) as err:
            await http.request(method, "/thing", json_body=SECRET_BODY)
    finally:
        answer.set()
    assert calls.methods == [method]
    assert f"acme {method} /thing" in err.value.message and "hunter22" not in err.value.message


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
async def test_disconnect_after_sending_is_unknown(
    session: aiohttp.ClientSession, serve: ServeApp, method: str
) -> None:
    calls = Calls()

    async def hang_up(request: web.Request, n: int) -> web.Response:
        assert request.transport is not None
        request.transport.close()
        await asyncio.sleep(0.05)
        return web.json_response({})

    http = await client(session, serve, calls.handler(hang_up))
    with pytest.raises(UpstreamOutcomeUnknown):
        await http.request(method, "/thing", json_body=SECRET_BODY)
    assert calls.methods == [method]
    # A read of the same is retried and then merely unavailable.
    calls.methods.clear()
    with pytest.raises(UpstreamUnavailable):
        await http.get("/thing")
    assert len(calls.methods) > POLICY.max_retries


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_server_error_on_a_write_is_unknown(
    session: aiohttp.ClientSession, serve: ServeApp, status: int
) -> None:
    calls = Calls()

    async def fail(request: web.Request, n: int) -> web.Response:
        return web.json_response({"error": {"code": "internal_error"}}, status=status)

    http = await client(session, serve, calls.handler(fail))
    with pytest.raises(UpstreamOutcomeUnknown, match=f"answered {status}"):
        await http.request("PATCH", "/thing", json_body=SECRET_BODY)
    assert calls.methods == ["PATCH"]


async def test_a_write_refused_unprocessed_is_sent_again(
    session: aiohttp.ClientSession, serve: ServeApp
) -> None:
    calls = Calls()

    async def busy_once(request: web.Request, n: int) -> web.Response:
        if n == 1:
            return web.json_response({}, status=429, headers={"Retry-After": "0"})
        return web.json_response({"id": "new"}, status=201)

    http = await client(session, serve, calls.handler(busy_once))
    assert await http.request("POST", "/thing", json_body=SECRET_BODY) == {"id": "new"}
    assert calls.methods == ["POST", "POST"]


async def test_body_money_is_sent_exactly(session: aiohttp.ClientSession, serve: ServeApp) -> None:
    seen: list[str] = []

    async def echo(request: web.Request) -> web.Response:
        seen.append(await request.text())
        assert request.content_type == "application/json"
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/thing", echo)
    http = await client(session, serve, app)
    await http.request(
        "POST", "/thing", json_body={"price": Decimal("51995.00"), "rate": Decimal("0.0725")}
    )
    assert seen == ['{"price":51995.00,"rate":0.0725}']
    with pytest.raises(TypeError):
        await http.request("POST", "/thing", json_body={"price": 0.1})


@pytest.mark.parametrize(
    ("reader", "body", "field"),
    [
        (
            read_supergood_error,
            {
                "error": {
                    "code": "validation_failed",
                    "message": "bad",
                    "details": [{"field": "pricing.sellingPrice", "message": "bad"}],
                }
            },
            "pricing.sellingPrice",
        ),
        (
            read_autosync_error,
            {"error": {"code": "invalid_parameter", "message": "The 'email' field is required."}},
            "email",
        ),
        (read_autosync_error, {"error": {"code": "invalid_parameter", "message": "No."}}, None),
    ],
)
async def test_refusal_carries_the_vendor_field(
    session: aiohttp.ClientSession,
    serve: ServeApp,
    reader: ErrorReader,
    body: dict[str, object],
    field: str | None,
) -> None:
    calls = Calls()

    async def refuse(request: web.Request, n: int) -> web.Response:
        return web.json_response(body, status=422)

    http = await client(session, serve, calls.handler(refuse), reader)
    with pytest.raises(UpstreamRejected) as err:
        await http.request("POST", "/thing", json_body={})
    assert (err.value.status, err.value.field) == (422, field)


def test_vendor_fields_read_as_command_fields() -> None:
    names = FieldNames(
        exact={"buyer.customerId": "buyer_id"},
        prefixes={"pricing.fees": "fees", "line_items": "jobs[1].lines", "customer": "contact"},
        leaves={"type": "kind"},
    )
    assert names.canonical("buyer.customerId") == "buyer_id"
    assert names.canonical("pricing.fees[2].amount") == "fees[2].amount"
    assert names.canonical("line_items[0].type") == "jobs[1].lines[0].kind"
    assert names.canonical("customer.address.postalCode") == "contact.address.postal_code"
    assert names.canonical("customerId") == "customerId"  # no translation: the vendor's name
    assert names.canonical(None) is None
