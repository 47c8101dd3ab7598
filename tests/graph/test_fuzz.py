"""Schema-aware fuzzing over HTTP: random operations with real and wrong values answer
without an HTTP 5xx or an INTERNAL_ERROR (the full 5,000-operation run is
``python -m bench.fuzz``)."""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest

from graph.schema import build_schema
from tests.graph.conftest import FULL_KEY, Api
from tests.graph.fuzz import Fuzzer, outcome

OPERATIONS = 250
IDS = """{ dealerships { id
  vehicles(first: 3) { nodes { id } } repairOrders(first: 3) { nodes { id } }
  customers(first: 3) { nodes { id } } } }"""


async def real_ids(api: Api) -> list[str]:
    data = (await api.query(IDS))["data"]
    ids = []
    for dealership in data["dealerships"]:
        ids.append(dealership["id"])
        for name in ("vehicles", "repairOrders", "customers"):
            ids += [n["id"] for n in ((dealership.get(name) or {}).get("nodes") or [])]
    return ids


async def test_random_operations_keep_the_error_contract(
    api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR)
    ids = await real_ids(api)
    assert len(ids) > 10
    fuzzer = Fuzzer(build_schema()._schema, ids, random.Random(20261207))
    broken: list[tuple[str, str, Any]] = []
    answered = 0
    for _ in range(OPERATIONS):
        query, variables = fuzzer.operation()
        response = await api.post({"query": query, "variables": variables}, key=FULL_KEY)
        body = await response.json() if response.content_type == "application/json" else None
        verdict = outcome(response.status, body)
        answered += 1
        if verdict != "ok":
            broken.append((verdict, query, variables))
    assert answered == OPERATIONS
    assert broken == [], broken[:3]
    assert not [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
