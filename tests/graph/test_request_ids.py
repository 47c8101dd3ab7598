"""Request ids: a client's X-Request-ID (or one made here) is echoed, put on the log lines
written for the request, and sent to the vendors, whose logs keep it."""

from __future__ import annotations

import json
import logging
import re

import pytest

from graph.logs import JsonFormatter
from graph.request_ids import RequestIdFilter
from tests.graph.conftest import FULL_KEY, Api

READ = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 1) { nodes { id } }
  vehicles(first: 1) { nodes { id } } } }"""


async def read(api: Api, headers: dict[str, str]) -> tuple[str, dict[str, object]]:
    body = {"query": READ, "variables": {"d": api.dealership_id("autosync")}}
    all_headers = {"Authorization": f"Bearer {FULL_KEY}", **headers}
    async with api.http.post(api.url, json=body, headers=all_headers) as response:
        return response.headers["X-Request-ID"], await response.json()


async def test_a_request_id_reaches_the_vendor_and_comes_back(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    api.runtime.clear_caches()
    api.reset_upstream_counts()
    caplog.set_level(logging.INFO)
    caplog.handler.addFilter(RequestIdFilter())
    echoed, answer = await read(api, {"X-Request-ID": "trace-7f3a.1"})
    assert echoed == "trace-7f3a.1"
    assert answer["errors"]  # AutoSync keeps no vehicles: an answered error, logged at INFO
    sent = [e.request_id for e in api.sandbox.vendors["autosync"].requests.entries]
    assert sent and set(sent) == {"trace-7f3a.1"}
    ours = [r for r in caplog.records if r.name.startswith("graph")]
    assert ours and all(getattr(r, "request_id", None) == "trace-7f3a.1" for r in ours)


async def test_a_missing_or_unsafe_id_is_replaced(api: Api) -> None:
    made, _ = await read(api, {})
    unsafe, _ = await read(api, {"X-Request-ID": "bad id\u2028with spaces"})
    for rid in (made, unsafe):
        assert re.fullmatch("[0-9a-f]{32}", rid), rid  # as uuid4().hex wrote them
    assert made != unsafe


async def test_refusals_carry_the_id_too(api: Api) -> None:
    async with api.http.post(api.url, json={"query": "{ x }"}) as response:  # no key
        assert response.status == 401
        assert response.headers["X-Request-ID"]


def test_json_log_lines_carry_the_request_id() -> None:
    record = logging.LogRecord("graph.test", logging.WARNING, __file__, 1, "hello %s", ("x",), None)
    RequestIdFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert line == {
        "time": line["time"],
        "level": "WARNING",
        "logger": "graph.test",
        "request_id": "-",
        "message": "hello x",
    }
