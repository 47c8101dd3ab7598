"""Writes in the Supergood style: JSON bodies, 422 ``validation_failed`` with every bad field
in ``details``, and the ``referenceId`` idempotency key (a repeat with the same body answers
the first response again and creates nothing; another body under the key is ``409``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from sandbox.common.errors import ApiError
from sandbox.common.jsonenc import json_response
from sandbox.common.writes import (
    Body,
    BodyReader,
    ReferenceRegistry,
    fingerprint,
    read_json_object,
    refused,
)
from sandbox.supergood.http import ERROR_CODES, Route

VALIDATION_FAILED = ERROR_CODES[422]
REPLAY_HEADER = "Idempotent-Replayed"
REFERENCE_FIELD = "referenceId"
REFERENCE_MAX_LENGTH = 100

WriteHandler = Callable[[web.Request, Body], tuple[int, dict[str, Any]]]
"""(request, body) -> (status, answer). Synchronous on purpose: with no await between the
key check, validation and commit, two concurrent requests under one referenceId cannot
both create."""


def reference_id(body: Body) -> str | None:
    reader = BodyReader(body)
    value = reader.text(REFERENCE_FIELD, max_length=REFERENCE_MAX_LENGTH)
    reader.raise_problems(VALIDATION_FAILED)
    return value


def write_route(
    method: str,
    path: str,
    handler: WriteHandler,
    registry: ReferenceRegistry,
    entitlement: str | None = None,
) -> Route:
    """A write endpoint that honours ``referenceId``, keyed per route (so one key may serve a
    lead and a deal) and fingerprinted over the path parameters and the body."""
    scope = f"{method} {path}"

    async def serve(request: web.Request) -> web.Response:
        body = await read_json_object(request)
        key = reference_id(body)
        if key is None:
            status, answer = handler(request, body)
            return json_response(answer, status=status)
        digest = fingerprint({"path": dict(request.match_info), "body": body})
        recorded = registry.replay(scope, key, digest)
        if recorded is not None:
            return json_response(
                recorded.body, status=recorded.status, headers={REPLAY_HEADER: "true"}
            )
        status, answer = handler(request, body)
        registry.record(scope, key, digest, status, answer)
        return json_response(answer, status=status)

    return Route(method, path, serve, entitlement)


def validation_failed(field: str | None, message: str) -> ApiError:
    return refused(VALIDATION_FAILED, field, message)
