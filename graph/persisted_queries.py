"""Persisted queries: Apollo's automatic persisted queries (APQ) and an allowlist mode.

APQ (``[server] persisted_queries = "apq"``, the default): a client sends
``extensions.persistedQuery = {version: 1, sha256Hash}`` without the document; an unknown
hash answers ``PERSISTED_QUERY_NOT_FOUND`` (HTTP 200, as Apollo Server does), the client
sends hash and document together, the hash is checked against the document and the pair
kept (a bounded LRU in memory), and later hash-only requests run it, as GET too (queries
only: a GET never runs a mutation).

Allowlist (``"allowlist"``): only the operations of an Apollo persisted-query manifest run,
asked for by id (the hash) or by their text; anything else is refused with
``PERSISTED_QUERY_NOT_ALLOWED`` before it is parsed. A document sent as text runs as the
manifest holds it, so whitespace may differ but nothing else can be slipped in.

``"off"``: a request asking for a persisted query is told ``PERSISTED_QUERY_NOT_SUPPORTED``
(Apollo clients then send documents).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from pathlib import Path
from typing import Literal

from cachetools import LRUCache
from graphql import GraphQLError
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from graph.config import ConfigError, ServerConfig

NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND"
NOT_SUPPORTED = "PERSISTED_QUERY_NOT_SUPPORTED"
NOT_ALLOWED = "PERSISTED_QUERY_NOT_ALLOWED"
HASH_MISMATCH = "PERSISTED_QUERY_HASH_MISMATCH"
BAD_USER_INPUT = "BAD_USER_INPUT"
CACHE_BYTES = 8 * 1024 * 1024
"""Registered APQ documents kept, by total size: a client can fill it, never grow it."""
MANIFEST_FORMAT = "apollo-persisted-query-manifest"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_WHITESPACE = re.compile(r"[\s,\ufeff]+")

Mode = Literal["off", "apq", "allowlist"]


def sha256_hex(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def _refusal(code: str, message: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def _shape(document: str) -> str:
    """The document with GraphQL's insignificant whitespace and commas collapsed (inside a
    string too: harmless, since what runs is the manifest's text)."""
    return _WHITESPACE.sub(" ", document).strip()


def load_manifest(path: Path) -> dict[str, str]:
    """Operation id -> document, from an Apollo persisted-query manifest."""
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise ConfigError(f"persisted_query_manifest: cannot read {path}: {exc}") from None
    if (
        not isinstance(data, dict)
        or data.get("format") != MANIFEST_FORMAT
        or data.get("version") != 1
        or not isinstance(data.get("operations"), list)
    ):
        raise ConfigError(
            f"persisted_query_manifest: {path} is not an Apollo persisted-query manifest"
            f' (format "{MANIFEST_FORMAT}", version 1, operations)'
        )
    operations: dict[str, str] = {}
    for index, operation in enumerate(data["operations"]):
        if not (
            isinstance(operation, dict)
            and isinstance(operation.get("id"), str)
            and isinstance(operation.get("body"), str)
        ):
            raise ConfigError(
                f"persisted_query_manifest: {path}: operation {index} needs an id and a body"
            )
        operations[operation["id"]] = operation["body"]
    return operations


class PersistedQueries:
    """Turns a request into the document to run, or the refusal to answer instead."""

    def __init__(self, mode: Mode, manifest: dict[str, str] | None = None) -> None:
        self.mode = mode
        self.manifest = manifest or {}
        self._by_shape = {_shape(body): body for body in self.manifest.values()}
        self._registered: LRUCache[str, str] = LRUCache(maxsize=CACHE_BYTES, getsizeof=len)

    @classmethod
    def from_config(cls, server: ServerConfig) -> PersistedQueries:
        if server.persisted_queries != "allowlist":
            return cls(server.persisted_queries)
        assert server.persisted_query_manifest is not None  # ServerConfig requires it
        return cls("allowlist", load_manifest(Path(server.persisted_query_manifest)))

    def resolve(self, request: GraphQLRequestData) -> GraphQLRequestData | ExecutionResult:
        extensions = request.extensions or {}
        persisted = extensions.get("persistedQuery")
        if persisted is None:
            if self.mode == "allowlist":
                return self._allowed(request, request.query)
            return request
        if self.mode == "off":
            return _refusal(NOT_SUPPORTED, "PersistedQueryNotSupported")
        digest = _hash_of(persisted)
        if isinstance(digest, ExecutionResult):
            return digest
        if request.query is not None and sha256_hex(request.query) != digest:
            return _refusal(HASH_MISMATCH, "provided sha does not match query")
        if self.mode == "allowlist":
            return self._allowed(request, request.query or self.manifest.get(digest))
        if request.query is None:
            document = self._registered.get(digest)
            if document is None:
                return _refusal(NOT_FOUND, "PersistedQueryNotFound")
            return _resolved(request, document)
        if len(request.query) <= CACHE_BYTES:
            self._registered[digest] = request.query
        return _resolved(request, request.query)

    def _allowed(
        self, request: GraphQLRequestData, document: str | None
    ) -> GraphQLRequestData | ExecutionResult:
        body = self._by_shape.get(_shape(document)) if document is not None else None
        if body is None:
            return _refusal(
                NOT_ALLOWED, "only the operations in the persisted-query manifest may run here"
            )
        return _resolved(request, body)


def _resolved(request: GraphQLRequestData, document: str) -> GraphQLRequestData:
    """The request with its document and without ``persistedQuery``, so resolving it again
    (a single operation passes two hooks) takes it as it is."""
    extensions = {k: v for k, v in (request.extensions or {}).items() if k != "persistedQuery"}
    return dataclasses.replace(request, query=document, extensions=extensions or None)


def _hash_of(persisted: object) -> str | ExecutionResult:
    if not isinstance(persisted, dict):
        return _refusal(BAD_USER_INPUT, "extensions.persistedQuery must be an object")
    if persisted.get("version") != 1:
        return _refusal(BAD_USER_INPUT, "Unsupported persisted query version: only 1 is known")
    digest = persisted.get("sha256Hash")
    if not isinstance(digest, str) or _SHA256.fullmatch(digest.lower()) is None:
        return _refusal(BAD_USER_INPUT, "extensions.persistedQuery.sha256Hash must be SHA-256 hex")
    return digest.lower()
