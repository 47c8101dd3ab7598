"""Vendors that echo the request in their error answers (credentials, headers, body) leak
no configured secret through the graph: not to clients, not to the log, not into the
idempotency records. Every vendor echoes on logins, reads and writes, 4xx and 5xx."""

from __future__ import annotations

import base64
import json
import logging
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from adapters.models import Dms
from sandbox import SandboxOptions
from sandbox.common.faults import Faults
from tests.graph.conftest import Api, start_api
from tests.graph.test_write_matrix import DEFAULT, build_input, cases, mutation

VENDORS = tuple(d.value for d in Dms)
READ = """query($d: ID!) { dealership(id: $d) { repairOrders(first: 2) { nodes { id } } } }"""


def _flat(text: str) -> str:
    """Lower case without separators, so camel-cased or upper-cased echoes are found too."""
    return re.sub(r"[_\-. +]", "", text.lower())


def leaked(api: Api, text: str) -> list[str]:
    """The configured secrets (or their base64) that ``text`` holds, in any rendering."""
    flat = _flat(text)
    found = []
    for vendor, handle in api.sandbox.vendors.items():
        for name, value in handle.credentials.items():
            forms = {value, base64.b64encode(value.encode()).decode().rstrip("=")}
            if any(_flat(form) in flat for form in forms):
                found.append(f"{vendor}.{name}")
    return found


def _echoing(**more: Any) -> SandboxOptions:
    faults = {v: Faults(echo_request=True, **more) for v in VENDORS}
    return SandboxOptions(seed=5, rate_limit_per_minute=100_000, faults=faults)


@pytest.fixture
async def refusing_logins(tmp_path: Path) -> AsyncIterator[Api]:
    options = _echoing(fail_all=True, fail_logins=True)
    async for value in start_api(options, vendors=VENDORS, data_dir=tmp_path):
        yield value


@pytest.fixture
async def echoing(tmp_path: Path) -> AsyncIterator[Api]:
    async for value in start_api(_echoing(), vendors=VENDORS, data_dir=tmp_path):
        yield value


def _records(data_dir: Path) -> str:
    files = sorted(data_dir.glob("idempotency.sqlite3*"))
    assert files, "no idempotency store"
    return "".join(f.read_bytes().decode("latin-1") for f in files)


async def test_echoed_logins_leak_nothing(
    refusing_logins: Api, caplog: pytest.LogCaptureFixture
) -> None:
    api = refusing_logins
    caplog.set_level(logging.DEBUG)
    answers = []
    for vendor in VENDORS:
        answer = await api.query(READ, {"d": api.dealership_id(vendor)})
        (error,) = answer["errors"]
        assert error["extensions"]["dealershipId"] == api.dealership_id(vendor)
        answers.append(answer)
    logins = api.sandbox.vendors["autosoft"].requests.count(method="POST")
    assert logins >= 1  # the sign-in was sent and its echo came back
    assert "[redacted]" in json.dumps(answers)
    assert leaked(api, json.dumps(answers)) == []
    assert leaked(api, caplog.text) == []


async def test_echoed_reads_and_writes_leak_nothing(
    echoing: Api, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    api = echoing
    caplog.set_level(logging.DEBUG)
    answers: list[Any] = []
    for vendor in VENDORS:
        dealer = api.dealership_id(vendor)
        op = next(op for dms, op in cases(DEFAULT) if dms == vendor)
        name, _, document = mutation(op)
        variables = await build_input(api, DEFAULT, vendor, dealer, op, f"echo-{vendor}")
        faults = api.sandbox.vendors[vendor].faults
        faults.reject_writes = True  # 422, blaming a field
        rejected = await api.query(document, {"i": variables})
        faults.reject_writes = False
        payload = rejected["data"][name]
        assert payload["userErrors"], (vendor, rejected)
        faults.fail_all = True  # 503 on reads and writes
        failed_read = await api.query(READ, {"d": dealer})
        variables["idempotencyKey"] = f"echo-{vendor}-2"
        failed_write = await api.query(document, {"i": variables})
        faults.fail_all = False
        assert failed_read["errors"] and failed_write["errors"], vendor
        answers += [rejected, failed_read, failed_write]
    text = json.dumps(answers)
    assert "[redacted]" in text
    assert leaked(api, text) == []
    assert leaked(api, caplog.text) == []
    assert leaked(api, _records(tmp_path)) == []
