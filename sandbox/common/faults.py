"""Fault injection: conditions a test or benchmark sets on a running vendor server.

Set at start through ``SandboxOptions`` and changed at run time through
``VendorHandle.faults``; every vendor server gets it the same way (``serve_vendor``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from sandbox.common.errors import Handler


@dataclass
class Faults:
    latency_seconds: float = 0.0
    """Added before every response, as a slow vendor would."""


def faults_middleware(
    faults: Faults,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if faults.latency_seconds > 0:
            await asyncio.sleep(faults.latency_seconds)
        return await handler(request)

    return middleware
