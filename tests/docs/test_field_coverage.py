"""docs/field-coverage.md says what the adapters really fill, DMS by DMS."""

from __future__ import annotations

from tests.docs.coverage_probe import observe
from tests.docs.render_coverage import DOC, render


async def test_field_coverage_table_matches_the_adapters() -> None:
    expected = render(await observe())
    assert DOC.read_text() == expected, (
        "docs/field-coverage.md is stale: run `.venv/bin/python -m tests.docs.render_coverage`"
    )
