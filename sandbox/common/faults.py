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

_READ_METHODS = frozenset({"GET", "HEAD"})


@dataclass
class Faults:
    latency_seconds: float = 0.0
    """Added before every response, as a slow vendor would."""
    write_latency_seconds: float = 0.0
    """Added after a write (any method but GET and HEAD) has been handled and before its
    answer leaves: a client that gives up meanwhile leaves the write done but unanswered.
    Session logins are POSTs too, so a client signs in before this is set."""


def faults_middleware(
    faults: Faults,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if faults.latency_seconds > 0:
            await asyncio.sleep(faults.latency_seconds)
        response = await handler(request)
        if faults.write_latency_seconds > 0 and request.method not in _READ_METHODS:
            await asyncio.sleep(faults.write_latency_seconds)
        return response

    return middleware
