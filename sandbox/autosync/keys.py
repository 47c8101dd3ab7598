"""What a bearer credential reaches: an API key's, or an OAuth access token's, shops."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ApiKey:
    key: str
    shop_ids: tuple[int, ...]
