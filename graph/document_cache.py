"""Values kept per parsed document, found by the document's identity.

Clients send the same few documents again and again, and the parser cache hands out the same
``DocumentNode`` for the same text. A graphql-core document hashes by walking every one of
its nodes, so its id keys the entry instead; an entry keeps its document, so that id cannot
be reused while the entry lives. Least recently used entries go first. The plans
(``graph.cost_extension.PlanCache``) and the validation errors (``graph.validation_cache``)
of a schema are kept this way.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

from graphql import DocumentNode

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class KeptByDocument(Generic[K, V]):
    """At most ``maxsize`` values, each under a key that starts with its document's id."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[K, tuple[DocumentNode, V]] = OrderedDict()

    def get(self, key: K, document: DocumentNode) -> V | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] is not document:
            return None
        self._entries.move_to_end(key)
        return entry[1]

    def put(self, key: K, document: DocumentNode, value: V) -> None:
        self._entries[key] = (document, value)
        self._entries.move_to_end(key)
        while len(self._entries) > self.maxsize:
            self._entries.popitem(last=False)
