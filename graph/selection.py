"""What the document selects under the field being resolved, fragments included.

Resolvers that can save vendor work ask it: a relation its embed can answer, a list whose
count is not wanted. Computed once per field of the document, not once per row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from graph.context import Info

_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def _python_name(graphql_name: str) -> str:
    return graphql_name if graphql_name.startswith("__") else _CAMEL.sub("_", graphql_name).lower()


def _fields(selections: Iterable[Selection]) -> Iterable[str]:
    for selection in selections:
        if isinstance(selection, SelectedField):
            yield selection.name
        elif isinstance(selection, FragmentSpread | InlineFragment):
            yield from _fields(selection.selections)


def selected_names(info: Info) -> frozenset[str]:
    """Python names of the fields selected directly under the field being resolved, through
    fragments and inline fragments."""
    memo = info.context.selection_memo
    key = tuple(map(id, info._raw_info.field_nodes))
    names = memo.get(key)
    if names is None:
        names = memo[key] = frozenset(
            _python_name(name)
            for selected in info.selected_fields
            if isinstance(selected, SelectedField)
            for name in _fields(selected.selections)
        )
    return names
