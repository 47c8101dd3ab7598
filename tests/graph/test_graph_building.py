"""Graph objects built by the compiled builders are the ones field-by-field building makes:
every kind each sandbox vendor lists, as a node with its nested values (built ones and
lazy lists read to the end)."""

from __future__ import annotations

import dataclasses
from typing import Any

import aiohttp
import pytest
import strawberry

from adapters.base import Window
from adapters.models import BookValue
from adapters.models import Fee as FeeModel
from adapters.registry import build_adapter
from adapters.vendors import VENDORS
from graph import kinds
from graph.types import convert
from graph.types.convert import LazyValues, build, build_node, to_node
from graph.types.registry import graph_type
from graph.types.values import Fee
from sandbox import SandboxOptions, start_sandbox


def snapshot(value: Any) -> Any:
    """A graph object as comparable data: its type and every attribute, nested ones too."""
    if isinstance(value, LazyValues | list | tuple):  # which of them, and what it holds
        return (type(value).__name__, [snapshot(v) for v in value])
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__name__, {k: snapshot(v) for k, v in vars(value).items()})
    return (type(value).__name__, repr(value))


def by_name(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build, nested ones included, as ``convert`` did it before it compiled them."""
    monkeypatch.setattr(convert, "_builders", {})
    monkeypatch.setattr(
        convert,
        "_compile_builder",
        lambda cls, model, extra: lambda m, e: convert._build_by_name(cls, m, e),
    )


async def every_kind() -> list[tuple[str, Any]]:
    """Up to 60 models of every kind each vendor lists (its first store)."""
    sb = await start_sandbox(SandboxOptions(seed=1, scale=1.0, rate_limit_per_minute=100_000))
    models: list[tuple[str, Any]] = []
    try:
        async with aiohttp.ClientSession() as session:
            for vendor in VENDORS:
                handle = sb.vendors[vendor.name]
                adapter = build_adapter(
                    vendor.dms,
                    http=session,
                    base_url=handle.base_url,
                    secrets=handle.credentials,
                )
                store_id = handle.stores[0][0]
                for kind in kinds.KINDS:
                    if kind.capability in adapter.capabilities:
                        page = await kind.list(adapter, store_id, kind.empty_filter, Window(0, 60))
                        models += [(kind.name, model) for model in page.items]
                await adapter.close()
    finally:
        await sb.stop()
    return models


async def test_compiled_builders_build_what_field_by_field_building_builds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows = await every_kind()
    by_kind = {k.name: k for k in kinds.KINDS}
    compiled = [snapshot(to_node(graph_type(by_kind[k]), m, "d-1")) for k, m in rows]
    by_name(monkeypatch)
    reference = [snapshot(to_node(graph_type(by_kind[k]), m, "d-1")) for k, m in rows]
    assert len(compiled) > 300 and {k for k, _ in rows} == set(by_kind)
    for ours, theirs in zip(compiled, reference, strict=True):
        assert ours == theirs


@strawberry.type
class Written:
    """A type whose ``__init__`` is its own: built by calling it."""

    code: str
    size: int = 0

    def __init__(self, code: str, size: int = 0) -> None:
        self.code, self.size = code.upper(), size


def test_a_type_with_an_init_of_its_own_is_built_through_it() -> None:
    built = build(Written, FeeModel(code="doc", amount=1), size=3)
    assert (built.code, built.size) == ("DOC", 3)


def test_an_unknown_extra_is_refused_as_init_refuses_it() -> None:
    with pytest.raises(TypeError):
        build(Fee, FeeModel(code="doc", amount=1), colour="red")


def test_a_missing_argument_is_refused_as_init_refuses_it() -> None:
    with pytest.raises(TypeError):
        build(Fee, BookValue(source="kbb", amount=1))  # no code: Fee's required argument


@strawberry.type
class WithDefaults:
    code: str
    note: str = "none"  # not on the model: the type's default stands
    tags: list[str] = strawberry.field(default_factory=list)


def test_arguments_the_model_lacks_take_the_type_defaults() -> None:
    one, two = (build(WithDefaults, FeeModel(code=c, amount=1)) for c in ("a", "b"))
    assert (one.code, one.note, one.tags) == ("a", "none", [])
    assert one.tags is not two.tags  # a factory's value per object, as __init__ makes it


def test_a_node_s_own_values_cannot_be_given_again() -> None:
    """A node's id, vendor id and dealership come from ``build_node``: a type's extra of
    the same name is a mistake, refused as keywords given twice are."""
    model = FeeModel(code="doc", amount=1).model_copy(update={"id": "f1"})
    with pytest.raises(TypeError, match="given twice"):
        build_node(Fee, model, "d-1", vendor_id="other")
