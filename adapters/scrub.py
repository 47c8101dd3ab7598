"""Removing a connection's secrets from whatever a vendor sends back.

Vendors echo requests in their error answers: a login's password, the API key, the
``Authorization`` header. Everything read from an upstream error (code, message, blamed
field, the raw error object) passes through ``scrub_error`` before it reaches a client, a
log line or a stored record, so one place decides what a secret looks like:

- the value itself, in any letter case;
- with its separators (``_-. +``) dropped or moved (``sk_live_ab12`` as ``skLiveAb12``
  once a field name is camel-cased, or ``sk-live-ab12``);
- URL-encoded (``%2B``, ``+`` for spaces), and base64-encoded (standard and URL-safe,
  padded or not), which covers ``Basic`` blobs built from it and tokens in ``Bearer``
  headers.

Secrets shorter than ``MIN_SECRET_LENGTH`` are not looked for: they would match ordinary
words.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from typing import Any, Protocol, TypeVar
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4
_SEPARATORS = "_-. +"
_LOOSE_FROM = 8
"""Secrets this long or longer are also matched with separators dropped or added; shorter
ones only as written (in any case), so a short secret does not swallow unrelated text."""


def _encodings(secret: str) -> set[str]:
    raw = secret.encode()
    forms = {secret, quote(secret, safe=""), quote_plus(secret)}
    for encoded in (base64.b64encode(raw), base64.urlsafe_b64encode(raw)):
        text = encoded.decode()
        forms.update({text, text.rstrip("=")})
    return {f for f in forms if len(f) >= MIN_SECRET_LENGTH}


def _loose(form: str) -> str:
    """A pattern for ``form`` whatever separators sit between its letters and digits."""
    core = [c for c in form if c not in _SEPARATORS]
    return f"[{re.escape(_SEPARATORS)}]?".join(re.escape(c) for c in core)


@lru_cache(maxsize=256)
def _pattern(secrets: frozenset[str]) -> re.Pattern[str] | None:
    alternatives: set[str] = set()
    for secret in secrets:
        if len(secret) < MIN_SECRET_LENGTH:
            continue
        for form in _encodings(secret):
            alternatives.add(re.escape(form))
            if len(form) >= _LOOSE_FROM and any(c.isalnum() for c in form):
                alternatives.add(_loose(form))
    if not alternatives:
        return None
    # Longest first, so a secret's encoding is not cut short by a shorter secret inside it.
    ordered = sorted(alternatives, key=len, reverse=True)
    return re.compile("|".join(ordered), re.IGNORECASE)


def scrub(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of every secret replaced by ``[redacted]``."""
    pattern = _pattern(frozenset(s for s in secrets if s))
    return text if pattern is None else pattern.sub(REDACTED, text)


def scrub_value(value: Any, secrets: Iterable[str]) -> Any:
    """A decoded JSON value with its strings (keys included) scrubbed."""
    held = frozenset(s for s in secrets if s)
    if isinstance(value, str):
        return scrub(value, held)
    if isinstance(value, Mapping):
        return {scrub(str(k), held): scrub_value(v, held) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_value(v, held) for v in value]
    return value


class ErrorFields(Protocol):
    """A vendor error as read (``adapters.http.VendorError``), a dataclass."""

    code: str | None
    message: str | None
    field: str | None
    detail: Mapping[str, Any] | None


E = TypeVar("E", bound=ErrorFields)


def scrub_error(err: E, secrets: Iterable[str]) -> E:
    held = frozenset(s for s in secrets if s)
    if not held:
        return err

    def text(value: str | None) -> str | None:
        return None if value is None else scrub(value, held)

    return replace(  # type: ignore[type-var]
        err,
        code=text(err.code),
        message=text(err.message),
        field=text(err.field),
        detail=scrub_value(err.detail, held) if err.detail is not None else None,
    )
