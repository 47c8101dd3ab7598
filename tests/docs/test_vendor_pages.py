"""The page examples the suite uses are excerpts of the vendor pages, for all five vendors,
and every example answer a page shows has its fixture."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.vendor_pages import VENDORS, vendor_page

FIXTURES = Path(__file__).parents[1] / "adapters" / "fixtures"
# The project's own shape notes, not page examples.
NOT_FROM_THE_PAGE = "_contract_shapes.json"
# The line before each example answer: the Supergood family's "Example response",
# AutoSync's "Response · 200 OK" and "Error Response".
ANSWER = re.compile(r"^(?:Example response|Response · [^\n]*|Error Response)\n", re.MULTILINE)


def _examples(vendor: str) -> list[Path]:
    return sorted(
        p for p in FIXTURES.glob(f"{vendor}_*.json") if not p.name.endswith(NOT_FROM_THE_PAGE)
    )


EXAMPLES = [p.name for vendor in VENDORS for p in _examples(vendor)]


def test_every_vendor_has_page_examples() -> None:
    counts = {vendor: len(_examples(vendor)) for vendor in VENDORS}
    assert counts == {
        "autosoft": 5,
        "automate": 8,
        "dealertrack": 6,
        "dealercenter": 8,
        "autosync": 4,
    }
    assert len(EXAMPLES) == sum(counts.values())


@pytest.mark.parametrize("name", EXAMPLES)
def test_fixture_is_an_excerpt_of_its_vendor_page(name: str) -> None:
    text = (FIXTURES / name).read_text()
    assert text.endswith("}\n"), name
    assert text.rstrip("\n") in vendor_page(name.split("_")[0]), name


@pytest.mark.parametrize("vendor", VENDORS)
def test_every_example_answer_on_the_page_has_its_fixture(vendor: str) -> None:
    answers = ANSWER.split(vendor_page(vendor))[1:]
    assert answers, vendor
    fixtures = {p.name: p.read_text().rstrip("\n") for p in _examples(vendor)}
    covered = {
        index: [name for name, text in fixtures.items() if answer.lstrip("\n").startswith(text)]
        for index, answer in enumerate(answers)
    }
    # Each answer is exactly one fixture (the others are the request bodies the page shows).
    assert all(len(names) == 1 for names in covered.values()), covered
