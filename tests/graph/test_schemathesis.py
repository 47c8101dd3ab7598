"""A bounded schemathesis run over GraphQL: every root field, with generated documents and
arguments (the custom scalars drawn from valid and invalid text), answers without an HTTP
5xx or an INTERNAL_ERROR. schemathesis is synchronous, so it runs in a worker thread while
the server answers on the event loop."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any

import schemathesis
from graphql import get_introspection_query, graphql_sync
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.graphql import nodes

from graph.schema import build_schema
from tests.graph.conftest import FULL_KEY, Api

EXAMPLES_PER_FIELD = 8
_TEXT = st.one_of(st.text(max_size=30), st.sampled_from(["", "9" * 40, "soon", "NaN"]))


def _register_scalars() -> None:
    money = st.decimals(allow_nan=False, allow_infinity=False, places=2).map(str)
    moment = st.datetimes(timezones=st.just(datetime.UTC)).map(lambda d: d.isoformat())
    for name, valid in (("Decimal", money), ("DateTime", moment), ("Date", st.dates().map(str))):
        schemathesis.graphql.scalar(name, st.one_of(valid, _TEXT).map(nodes.String))
    schemathesis.graphql.scalar("_Any", st.just(nodes.Object([])))


def run(url: str) -> tuple[int, list[Any]]:
    """(requests sent, contract breaches) for every operation schemathesis derives."""
    _register_scalars()
    introspection = graphql_sync(build_schema()._schema, get_introspection_query())
    schema = schemathesis.graphql.from_dict(introspection.data)
    sent, breaches = 0, []
    for found in schema.get_all_operations():
        operation = found.ok()

        @settings(
            max_examples=EXAMPLES_PER_FIELD,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case: Any) -> None:
            nonlocal sent
            response = case.call(base_url=url, headers={"Authorization": f"Bearer {FULL_KEY}"})
            sent += 1
            if response.status_code >= 500:
                breaches.append((case.operation.label, response.status_code, response.text[:300]))
                return
            for error in response.json().get("errors") or ():
                if (error.get("extensions") or {}).get("code") == "INTERNAL_ERROR":
                    breaches.append((case.operation.label, case.body, error))

        check()
    return sent, breaches


async def test_schemathesis_finds_no_5xx_and_no_internal_error(api: Api) -> None:
    sent, breaches = await asyncio.to_thread(run, api.url)
    assert sent >= 20 * EXAMPLES_PER_FIELD // 2  # every root field was exercised
    assert breaches == []
