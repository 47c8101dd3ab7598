"""The README's table of writes per DMS is the one the adapters declare, and names real
mutations."""

from __future__ import annotations

from pathlib import Path

from adapters.commands import WriteOperation
from graph.errors import mutation_name
from graph.schema import build_schema
from tests.docs.writes_table import BEGIN, END, table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_table_is_generated_from_the_adapters() -> None:
    text = README.read_text()
    start, end = text.index(BEGIN), text.index(END) + len(END)
    assert text[start:end] == table(), "regenerate with tests.docs.writes_table.table()"


def test_every_write_names_a_mutation_of_the_schema() -> None:
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    names = [mutation_name(op) for op in WriteOperation]
    assert len(names) == len(WriteOperation) == 10
    assert all(name in mutation.fields for name in names)
