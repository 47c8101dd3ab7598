"""What the Supergood session auth reads from the vendor's answers and its configuration,
case by case: a session answer, a held sign-in's challenge, the login's credentials, and
what the operator is told while a code is awaited. No network: these are the parsers."""

from __future__ import annotations

import base64
import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import SecretStr

from adapters.errors import UpstreamProtocolError
from adapters.health import MfaChallenge, MfaMethod
from adapters.supergood.auth import (
    PendingCode,
    SupergoodCredentials,
    SupergoodSessionAuth,
    parse_session,
    read_challenge,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_session_answer_gives_the_token_lifetime_and_user() -> None:
    session = parse_session(
        {
            "authToken": "tok-1",
            "expiresIn": "900",
            "user": {
                "id": 42,
                "name": "Dana",
                "entitlements": ["sales.read", "service.write"],
                "rooftops": ["rt-1", "rt-2"],
            },
        }
    )
    assert session.token.get_secret_value() == "tok-1"
    assert session.expires_in == 900.0
    assert (session.user_id, session.user_name) == ("42", "Dana")
    assert session.entitlements == frozenset({"sales.read", "service.write"})
    assert session.rooftops == ("rt-1", "rt-2")


def test_a_refresh_answer_without_a_user_has_none() -> None:
    session = parse_session({"authToken": "tok-2", "expiresIn": 60, "user": None})
    assert (session.user_id, session.user_name) == (None, None)
    assert (session.entitlements, session.rooftops) == (frozenset(), ())


@pytest.mark.parametrize(
    "body",
    [
        {"expiresIn": 60},
        {"authToken": "t"},
        {"authToken": "", "expiresIn": 60},
        {"authToken": 7, "expiresIn": 60},
        {"authToken": "t", "expiresIn": None},
        {"authToken": "t", "expiresIn": 0},
        {"authToken": "t", "expiresIn": -5},
        {"authToken": "t", "expiresIn": "soon"},
        {"authToken": "t", "expiresIn": 60, "user": "dana"},
        None,
    ],
)
def test_a_session_answer_without_a_usable_token_is_a_protocol_error(body: Any) -> None:
    with pytest.raises(UpstreamProtocolError) as failed:
        parse_session(body)
    assert failed.value.message == "session answer carries no usable token"


def test_a_lifetime_under_a_second_is_usable() -> None:
    assert parse_session({"authToken": "t", "expiresIn": "0.5"}).expires_in == 0.5


def _challenge(**fields: Any) -> dict[str, Any]:
    raw = {"type": "sms", "id": "ch-1", "expiresIn": 300, "destination": "•••-0142"} | fields
    return {"challenge": {k: v for k, v in raw.items() if v is not ...}}


def test_a_held_sign_in_names_its_challenge_method_destination_and_expiry() -> None:
    pending = read_challenge(_challenge(), NOW)
    assert pending == PendingCode(
        challenge_id="ch-1",
        challenge=MfaChallenge(
            method=MfaMethod.SMS,
            destination="•••-0142",
            requested_at=NOW,
            expires_at=NOW + timedelta(seconds=300),
        ),
    )


def test_a_challenge_without_a_lifetime_or_a_readable_destination_has_none() -> None:
    pending = read_challenge(_challenge(type="email", expiresIn=..., destination=17), NOW)
    assert pending is not None
    assert pending.challenge.method is MfaMethod.EMAIL
    assert (pending.challenge.destination, pending.challenge.expires_at) == (None, None)


@pytest.mark.parametrize(
    "detail",
    [
        {},
        {"challenge": "ch-1"},
        _challenge(type="voice"),
        _challenge(type=...),
        _challenge(id=...),
        _challenge(id=""),
        _challenge(id=12),
    ],
    ids=["none", "not-a-mapping", "unknown-type", "no-type", "no-id", "empty-id", "int-id"],
)
def test_a_challenge_we_cannot_answer_is_none(detail: dict[str, Any]) -> None:
    assert read_challenge(detail, NOW) is None


def _secrets(**extra: str) -> dict[str, str]:
    return {"client_id": "cid", "client_secret": "csec", "username": "u", "password": "pw"} | extra


def test_credentials_come_from_the_connections_secrets() -> None:
    creds = SupergoodCredentials.from_secrets(_secrets(totp_secret="JBSWY3DP"), dms="autosoft")
    assert creds.totp_secret is not None
    assert creds.totp_secret.get_secret_value() == "JBSWY3DP"
    assert creds.basic() == "Basic " + base64.b64encode(b"cid:csec").decode()
    assert creds.digest() == hashlib.sha256(b"cid\x00u").hexdigest()
    assert SupergoodCredentials.from_secrets(_secrets(totp_secret=""), dms="x").totp_secret is None
    assert SupergoodCredentials.from_secrets(_secrets(), dms="x").totp_secret is None


def test_missing_credentials_are_named() -> None:
    with pytest.raises(ValueError, match="autosoft connection is missing secrets: password"):
        SupergoodCredentials.from_secrets(_secrets(password=""), dms="autosoft")


def _auth(totp: str | None = "JBSWY3DP") -> SupergoodSessionAuth:
    creds = SupergoodCredentials(
        client_id=SecretStr("cid"),
        client_secret=SecretStr("csec"),
        username=SecretStr("u"),
        password=SecretStr("pw"),
        totp_secret=SecretStr(totp) if totp is not None else None,
    )
    return SupergoodSessionAuth(creds)


def test_every_secret_of_the_login_is_scrubbed() -> None:
    basic = base64.b64encode(b"cid:csec").decode()
    assert list(_auth().sensitive_values()) == ["cid", "u", "csec", "pw", basic, "JBSWY3DP"]
    assert list(_auth(None).sensitive_values()) == ["cid", "u", "csec", "pw", basic]


def test_the_operator_is_told_where_the_awaited_code_went() -> None:
    sms = MfaChallenge(MfaMethod.SMS, "•••-0142", NOW, None)
    assert str(SupergoodSessionAuth._needs_mfa("autosoft", sms)) == (
        "autosoft is waiting for the verification code it sent by sms to •••-0142;"
        " until an operator submits it, this connection answers nothing"
    )
    email = MfaChallenge(MfaMethod.EMAIL, None, NOW, None)
    assert str(SupergoodSessionAuth._needs_mfa("automate", email)) == (
        "automate is waiting for the verification code it sent by email;"
        " until an operator submits it, this connection answers nothing"
    )


def test_nothing_is_pending_before_a_sign_in() -> None:
    auth = _auth(None)
    assert auth.pending_mfa() is None
    assert auth.session is None
    assert auth.credentials_refused() is False
