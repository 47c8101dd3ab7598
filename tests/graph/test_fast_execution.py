"""The fast executor answers byte for byte what graphql-core's standard path answers.

A corpus of queries runs through both paths: on a small schema built for it (aliases,
fragments, @include/@skip, __typename, enums, Decimals, dates, nulls, null in non-null
fields, values a scalar rejects or accepts from another type, resolvers that raise, arguments,
abstract types, lists of lists), and over HTTP against the API in front of the sandboxes.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import AsyncIterator
from decimal import Decimal
from enum import Enum
from typing import Any

import pytest
import strawberry
from aiohttp.test_utils import TestServer
from graphql import GraphQLError, GraphQLObjectType
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import GraphQLCoreConverter

from graph.app import DealerGraphView, create_app
from graph.fast_execution import FastLeafExecutor, _row_function
from graph.ids import encode_global_id
from graph.types.values import SCALAR_OVERRIDES
from tests.graph.conftest import FULL_KEY, Api


@strawberry.enum
class Color(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.interface
class Named:
    name: str | None


@strawberry.type
class Part(Named):
    number: str
    price: Decimal
    discount: Decimal | None
    due: datetime.date | None
    seen_at: datetime.datetime | None
    color: Color
    count: int
    in_stock: bool | None
    tags: list[str]
    grid: list[list[int | None]] | None
    strict_grid: list[list[int]]
    rank: int | None
    finish: Color | None
    child: Part | None = None

    @strawberry.field
    def label(self) -> str:
        return f"#{self.number}"

    @strawberry.field
    def fails(self) -> str | None:
        raise GraphQLError("this field always fails")

    @strawberry.field
    def scaled(self, factor: int) -> int:
        return self.count * factor


@strawberry.type
class Tool(Named):
    size: int


class _NoDate:
    """Not a date, though the Date scalar's ``isoformat`` call accepts it: it answers None."""

    def isoformat(self) -> None:
        return None


def _part(key: str, **changes: Any) -> Part:
    values: dict[str, Any] = {
        "name": f"part {key}",
        "number": key,
        "price": Decimal("52995.0"),
        "discount": None,
        "due": datetime.date(2026, 11, 20),
        "seen_at": datetime.datetime(2026, 11, 20, 9, 30, tzinfo=datetime.UTC),
        "color": Color.RED,
        "count": 3,
        "in_stock": True,
        "tags": ["a", "b"],
        "grid": [[1, None], [], [2]],
        "strict_grid": [[1, 2], [3]],
        "rank": 5,
        "finish": Color.BLUE,
    }
    values.update(changes)
    return Part(**values)


CLEAN = [
    _part("1"),
    _part("2", name=None, price=Decimal("1.375"), discount=Decimal("-0"), color=Color.BLUE),
    _part("2b", count=-(2**31), in_stock=False, price=Decimal("1E+3")),
    _part("2c", count=2**31 - 1, rank=-(2**31), finish=Color.RED),
    _part("3", due=None, seen_at=None, grid=None, tags=[], child=_part("3a")),
    _part("3b", in_stock=None, rank=None, finish=None, number=""),
]
# Rows that make errors: null in non-null leaves, a value the scalar rejects, a null in a
# non-null list of lists; and values of another type, which the scalar may still accept.
BROKEN = [
    _part("4", count=None),
    _part("5", count="many"),
    _part("6", strict_grid=[[1, None]]),
    _part("7", color="green"),
    _part("8", tags=None),
    _part("9", count=2**31, in_stock="yes"),
    _part("10", count=True, name=7, in_stock=0),
    _part("11", number=None),
    _part("12", price=None),
    _part("13", color=None),
    _part("14", count=-(2**31) - 1),
    _part("15", rank=2**31, finish="green"),
    _part("16", number=8, rank=True, name=ValueError("a value that is an error")),
    _part("17", price=2.5, discount="cheap"),
    _part("18", due=datetime.datetime(2026, 1, 2, 3, 4), seen_at=datetime.date(2026, 1, 2)),
    _part("19", due=_NoDate()),
]


@strawberry.type
class Query:
    parts: list[Part]
    broken: list[Part]
    maybe: list[Part | None]
    patchy: list[Part | None]
    rows: list[list[Part]]
    one: Part
    things: list[Named]


ROOT = Query(
    parts=CLEAN,
    broken=[*CLEAN, *BROKEN],
    maybe=[CLEAN[0], None, CLEAN[1]],
    patchy=[*CLEAN, *BROKEN],  # an error nulls its own row only: every row is completed
    rows=[CLEAN, CLEAN[:1]],
    one=CLEAN[2],
    things=[CLEAN[0], Tool(name="wrench", size=10)],  # type: ignore[list-item]
)

LEAVES = (
    "number name price discount due seenAt color count inStock rank finish tags grid strictGrid"
)
CORPUS = [
    f"{{ parts {{ {LEAVES} }} }}",
    f"{{ __typename parts {{ __typename {LEAVES} }} one {{ __typename }} }}",
    "{ parts { a: number b: number number price: discount discount: price } }",
    "{ parts { ...P ... on Part { color } ... on Named { name } } } fragment P on Part { due }",
    "query($yes: Boolean!, $no: Boolean!) { parts { number @include(if: $yes)"
    " name @include(if: $no) price @skip(if: $yes) count @skip(if: $no)"
    " ... on Part @include(if: $no) { tags } } }",
    f"{{ broken {{ {LEAVES} }} }}",
    "{ broken { number count } }",
    "{ broken { number strictGrid } }",
    "{ broken { color number } }",
    "{ broken { tags } }",
    "{ broken { number inStock } }",
    f"{{ patchy {{ {LEAVES} }} }}",
    "{ patchy { count rank } }",
    "{ maybe { number price } }",
    "{ rows { number due } }",
    f"{{ parts {{ number label fails scaled(factor: 2) child {{ {LEAVES} }} }} }}",
    "{ parts { number child { number child { number } } } }",
    "{ things { __typename name ... on Part { number price } ... on Tool { size } } }",
    f"{{ one {{ {LEAVES} label }} }}",
]
VARIABLES = {"yes": True, "no": False}


def _schema(executor: type[Any]) -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=[Tool],
        scalar_overrides=SCALAR_OVERRIDES,
        execution_context_class=executor,
    )


STANDARD = _schema(StrawberryGraphQLCoreExecutionContext)
FAST = _schema(FastLeafExecutor)


def _answer(schema: strawberry.Schema, query: str) -> bytes:
    result = schema.execute_sync(query, variable_values=VARIABLES, root_value=ROOT)
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [error.formatted for error in result.errors]
    return json.dumps(body, separators=(",", ":")).encode()


@pytest.mark.parametrize("query", CORPUS)
def test_same_answer_as_the_standard_path(query: str) -> None:
    assert _answer(FAST, query) == _answer(STANDARD, query)


def test_the_corpus_meets_errors_and_nulls() -> None:
    answers = [json.loads(_answer(FAST, query)) for query in CORPUS]
    assert sum(1 for a in answers if a.get("errors")) >= 5
    assert any(a["data"] is None for a in answers)  # a null propagated to the root


class _CountingExecutor(FastLeafExecutor):
    fields: list[str] = []

    def execute_field(self, parent_type: Any, source: Any, details: Any, *rest: Any) -> Any:
        self.fields.append(details[0].node.name.value)
        return super().execute_field(parent_type, source, details, *rest)


def test_plain_leaves_skip_the_resolver_machinery() -> None:
    _CountingExecutor.fields = []
    _answer(_schema(_CountingExecutor), f"{{ parts {{ __typename {LEAVES} }} one {{ number }} }}")
    assert _CountingExecutor.fields == ["parts", "one"]
    _CountingExecutor.fields = []
    _answer(_schema(_CountingExecutor), "{ parts { number label } }")
    assert _CountingExecutor.fields == ["parts"] + ["label"] * len(CLEAN)


def _no_call(value: Any) -> Any:
    raise AssertionError(f"completer called for {value!r}")


def test_common_values_complete_without_a_call() -> None:
    # A str, a bool, a 32-bit int (both ends), an enum member, a Decimal, a date, a datetime,
    # and None in nullable fields: each row of CLEAN completes with no completer called.
    inline = "number name price discount due seenAt color count inStock rank finish"
    part = FAST._schema.type_map["Part"]
    assert isinstance(part, GraphQLObjectType)
    fields = []
    for name in inline.split():
        field = part.fields[name]
        python_name = field.extensions[GraphQLCoreConverter.DEFINITION_BACKREF].python_name
        fields.append((name, False, getattr, python_name, _no_call, field.type))
    row = _row_function("Part", tuple(fields))
    standard = json.loads(_answer(STANDARD, f"{{ parts {{ {inline} }} }}"))["data"]["parts"]
    assert json.dumps([row(item) for item in CLEAN]) == json.dumps(standard)  # True is not 1


# --- the API over HTTP: the same requests to an app on each path ---------------------------

API_CORPUS = [
    "{ __typename dealerships { __typename id name dms } }",
    """query($yes: Boolean!, $no: Boolean!) { vehicles(first: 30) {
      totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      edges { cursor node { id vin } }
      nodes { ...V vin2: vin price: askingPrice status @include(if: $yes)
        trim @skip(if: $yes) make @include(if: $no)
        ... on InventoryVehicle { __typename acquiredOn updatedAt daysInStock options
          photos { url primary position } bookValues { source amount } } } } }
    fragment V on InventoryVehicle { id vin stockNumber year mileage msrp condition }""",
    """{ repairOrders(first: 20) { edges { cursor } nodes { roNumber status openedAt
      laborLines { opCode hours rate amount declined } partLines { partNumber quantity amount }
      totals { grandTotal tax } customer { displayName } dealership { name } } } }""",
    """{ dealerships { name deals(first: 5) { nodes { dealNumber status
      pricing { sellingPrice fees { code amount } } } } } }""",
]


def _view(app: Any) -> DealerGraphView:
    return next(r.handler for r in app.router.routes() if isinstance(r.handler, DealerGraphView))


@pytest.fixture(scope="module")
async def standard_url(api: Api) -> AsyncIterator[str]:
    """A second app over the same runtime, on graphql-core's standard path."""
    app = create_app(api.runtime)
    _view(app).schema.execution_context_class = StrawberryGraphQLCoreExecutionContext
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("/graphql"))
    finally:
        await server.close()


async def _raw(api: Api, url: str, query: str, variables: dict[str, Any]) -> bytes:
    headers = {"Authorization": f"Bearer {FULL_KEY}"}
    body = {"query": query, "variables": variables}
    async with api.http.post(url, json=body, headers=headers) as response:
        assert response.status == 200
        raw = await response.read()
    # The cost report counts vendor requests, which the response cache spares the second.
    return raw.split(b',"extensions":{"cost"')[0]


@pytest.mark.parametrize("query", API_CORPUS)
async def test_api_answers_the_same_bytes(api: Api, standard_url: str, query: str) -> None:
    fast = await _raw(api, api.url, query, VARIABLES)
    standard = await _raw(api, standard_url, query, VARIABLES)
    assert fast == standard
    assert b'"data":{' in fast


async def test_api_node_lookups_and_missing_lists(api: Api, standard_url: str) -> None:
    dealership = api.dealership_id("autosync")
    missing = encode_global_id("InventoryVehicle", "nowhere", "1")
    query = """query($ids: [ID!]!) { nodes(ids: $ids) { __typename id
      ... on Dealership { name vehicles(first: 3) { nodes { vin } } } } }"""
    variables = {"ids": [dealership, missing]}
    fast = await _raw(api, api.url, query, variables)
    assert fast == await _raw(api, standard_url, query, variables)
