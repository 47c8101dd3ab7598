"""Writes in the Supergood style: JSON bodies, 422 ``validation_failed`` with every bad field
in ``details``, and the ``referenceId`` idempotency key (a repeat with the same body answers
the first response again and creates nothing; another body under the key is ``409``)."""

from __future__ import annotations

from collections.abc import Callable, Collection
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

WriteGuard = Callable[[web.Request, Body], object]
"""A check of the caller's access to the write's scope (a rooftop), raising ``ApiError``
(its result is not used); run before the referenceId is looked up, so a replay never
answers a caller the write itself would refuse."""


def reference_id(body: Body) -> str | None:
    reader = BodyReader(body)
    value = reader.text(REFERENCE_FIELD, max_length=REFERENCE_MAX_LENGTH)
    reader.raise_problems(VALIDATION_FAILED)
    return value


def write_route(
    method: str,
    path: str,
    handler: WriteHandler,
    registry: ReferenceRegistry | None,
    entitlement: str | None = None,
    guard: WriteGuard | None = None,
) -> Route:
    """A write endpoint that honours ``referenceId``, keyed per route (so one key may serve a
    lead and a deal) and fingerprinted over the path parameters and the body.

    ``registry`` None: the endpoint takes no idempotency key (a ``referenceId`` member is
    ignored like any unknown one). ``guard`` runs before the key is looked up."""
    scope = f"{method} {path}"

    async def serve(request: web.Request) -> web.Response:
        body = await read_json_object(request)
        if guard is not None:
            guard(request, body)
        key = reference_id(body) if registry is not None else None
        if registry is None or key is None:
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


def finance_products(reader: BodyReader, path: str) -> list[dict[str, Any]]:
    """The F&I products at ``path`` (``finance.products``), as the family's deal bodies
    spell them: ``[{"code", "name", "price"}]``, code and price required."""
    return [
        {
            "code": reader.text(f"{path}[{i}].code", required=True, max_length=20),
            "name": reader.text(f"{path}[{i}].name", max_length=80),
            "price": reader.money(f"{path}[{i}].price", required=True),
        }
        for i in range(len(reader.array(path, max_items=20)))
    ]


ADDRESS_LINES = (("line1", 100), ("city", 60), ("region", 30), ("postalCode", 12))


def postal_address(
    reader: BodyReader, path: str, *, required: Collection[str] = ()
) -> dict[str, Any] | None:
    """The family's address at ``path``: ``{line1, city, region, postalCode, country}``,
    ``country`` defaulting to ``US``; ``required`` names the members a vendor insists on."""
    if reader.obj(path) is None:
        return None
    row: dict[str, Any] = {
        name: reader.text(f"{path}.{name}", required=name in required, max_length=length)
        for name, length in ADDRESS_LINES
    }
    return {**row, "country": reader.text(f"{path}.country", max_length=2) or "US"}
