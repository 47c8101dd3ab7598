"""The vendors' pages, as copied into the repository (tests/fixtures/vendor_pages)."""

from __future__ import annotations

from pathlib import Path

VENDOR_PAGES = Path(__file__).parent / "fixtures" / "vendor_pages"
VENDORS = ("autosoft", "automate", "dealertrack", "dealercenter", "autosync")


def vendor_page_path(vendor: str) -> Path:
    return VENDOR_PAGES / f"{vendor}.txt"


def vendor_page(vendor: str) -> str:
    """The page's text."""
    return vendor_page_path(vendor).read_text()
