"""Helpers shared by the adapter write tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp

from adapters.base import DmsAdapter
from adapters.http import HttpPolicy
from adapters.models import Dms
from adapters.registry import build_adapter
from sandbox import SandboxOptions

# Gives up well before a sandbox with write latency answers a committed write.
IMPATIENT = HttpPolicy(read_timeout=0.2, total_timeout=2.0, backoff_base=0.01, backoff_max=0.02)


def connect(
    dms: Dms, session: aiohttp.ClientSession, handle: Any, policy: HttpPolicy | None = None
) -> DmsAdapter:
    return build_adapter(
        dms,
        http=session,
        base_url=handle.base_url,
        secrets=handle.credentials,
        policy=policy or HttpPolicy(),
    )


def days_ahead(days: int) -> datetime:
    """Midnight UTC ``days`` after the sandbox's today (its writes judge time by it)."""
    today = SandboxOptions().today
    return datetime.combine(today + timedelta(days=days), datetime.min.time(), UTC)
