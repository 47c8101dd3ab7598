"""Every usual rendering of a secret is removed from vendor text, and nothing else is."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest

from adapters.http import VendorError
from adapters.scrub import REDACTED, scrub, scrub_error, scrub_value

KEY = "sk_live_4f9A8b7C"
PASSWORD = "Tr0ub4dor&3 horse"
CLIENT = ("client-7", "cs_9d8e7f6a5b")
SECRETS = (KEY, PASSWORD, CLIENT[1])


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize(
    "rendering",
    [
        KEY,
        KEY.upper(),
        KEY.lower(),
        "skLive4f9A8b7C",  # camel-cased as a field name
        "sk-live-4f9a8b7c",
        PASSWORD,
        quote(PASSWORD, safe=""),
        PASSWORD.replace(" ", "+"),
        b64(PASSWORD),
        b64(PASSWORD).rstrip("="),
        base64.urlsafe_b64encode(KEY.encode()).decode(),
        f"Bearer {KEY}",
    ],
)
def test_each_rendering_is_removed(rendering: str) -> None:
    text = f"invalid value '{rendering}' for field"
    scrubbed = scrub(text, SECRETS)
    assert scrubbed.startswith("invalid value '") and scrubbed.endswith("' for field")
    assert REDACTED in scrubbed
    assert rendering not in scrubbed


def test_a_basic_blob_of_a_secret_pair_is_removed() -> None:
    blob = b64(f"{CLIENT[0]}:{CLIENT[1]}")
    # A Basic blob is the base64 of "id:secret": the strategy lists the blob as a secret.
    assert blob not in scrub(f"Authorization: Basic {blob}", (*SECRETS, blob))


def test_ordinary_text_is_left_alone() -> None:
    text = "pageSize must be at most 100 (fields: vin, stockNumber)"
    assert scrub(text, SECRETS) == text
    assert scrub(text, ()) == text
    # Too short to look for: it would match ordinary words.
    assert scrub("the vin is bad", ("vin",)) == "the vin is bad"


def test_structures_and_errors_are_scrubbed_throughout() -> None:
    body = {"password": PASSWORD, KEY: [f"key {KEY.upper()}", 3], "ok": None}
    assert scrub_value(body, SECRETS) == {
        "password": REDACTED,
        REDACTED: [f"key {REDACTED}", 3],
        "ok": None,
    }
    err = VendorError(
        code=f"bad_{KEY}", message=f"echo {PASSWORD}", field=KEY, detail={"echo": KEY}
    )
    clean = scrub_error(err, SECRETS)
    assert (clean.code, clean.message, clean.field) == (
        f"bad_{REDACTED}",
        f"echo {REDACTED}",
        REDACTED,
    )
    assert clean.detail == {"echo": REDACTED}
    assert scrub_error(err, ()) is err
