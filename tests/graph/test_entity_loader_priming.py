"""Rows a list read stand in for loads of the same ids, without a vendor call."""

from __future__ import annotations

from typing import Any

import pytest

from graph.loaders import EntityLoader


class Kind:
    """Records the ids each batched detail read asks one store for."""

    def __init__(self) -> None:
        self.asked: list[list[str]] = []

    async def get(self, adapter: Any, store_id: str, ids: list[str]) -> list[str]:
        self.asked.append(ids)
        return [f"read {i}" for i in ids]


class Entry:
    adapter = None
    store_id = "store"


@pytest.fixture
def kind() -> Kind:
    return Kind()


@pytest.fixture
async def loader(kind: Kind) -> EntityLoader:
    # Made in the test's event loop, which its futures belong to.
    return EntityLoader(kind, {"d1": Entry()})  # type: ignore[arg-type, dict-item]


async def test_a_primed_row_is_loaded_without_a_read(loader: EntityLoader, kind: Kind) -> None:
    loader.prime_many([(("d1", "a"), "listed a"), (("d1", "b"), "listed b")])
    assert await loader.load(("d1", "a")) == "listed a"
    assert await loader.load_many([("d1", "b"), ("d1", "c")]) == ["listed b", "read c"]
    assert kind.asked == [["c"]]


async def test_priming_never_replaces_a_value_already_loaded_or_primed(
    loader: EntityLoader, kind: Kind
) -> None:
    assert await loader.load(("d1", "a")) == "read a"
    loader.prime_many([(("d1", "a"), "listed a"), (("d1", "b"), "listed b")])
    loader.prime(("d1", "b"), "listed again")
    loader.prime_many([(("d1", "b"), "listed a third time")])
    assert await loader.load_many([("d1", "a"), ("d1", "b")]) == ["read a", "listed b"]
    assert kind.asked == [["a"]]


async def test_a_cleared_key_is_read_again(loader: EntityLoader, kind: Kind) -> None:
    loader.prime_many([(("d1", "a"), "listed a"), (("d1", "b"), "listed b")])
    loader.clear(("d1", "a"))
    assert await loader.load(("d1", "a")) == "read a"
    loader.clear_all()
    assert await loader.load_many([("d1", "a"), ("d1", "b")]) == ["read a", "read b"]
    assert kind.asked == [["a"], ["a", "b"]]


async def test_a_page_is_primed_only_when_the_loader_is_next_used(
    loader: EntityLoader, kind: Kind
) -> None:
    """A list's rows cost nothing per row until something loads: then each is primed in
    the order the uses came, as if primed at once."""
    walked: list[str] = []

    def page(*ids: str) -> Any:
        for i in ids:
            walked.append(i)
            yield ("d1", i), f"listed {i}"

    loader.prime_many(page("a", "b"))
    loader.prime_many(page("c"))
    assert walked == []
    assert await loader.load(("d1", "c")) == "listed c"
    assert walked == ["a", "b", "c"]
    loader.prime_many(page("d"))
    loader.clear(("d1", "d"))  # the page's row is primed first, then cleared
    assert await loader.load(("d1", "d")) == "read d"
    loader.prime_many(page("e"))
    loader.clear_all()  # a page not yet primed is dropped with the rest
    assert await loader.load(("d1", "e")) == "read e"
    assert walked == ["a", "b", "c", "d"]
    assert kind.asked == [["d"], ["e"]]
