"""Deterministic fake secrets for a sandbox tenant (same seed, same credentials)."""

from __future__ import annotations

import base64
import random
import string

_ALNUM = string.ascii_letters + string.digits


def secret_text(rng: random.Random, length: int) -> str:
    return "".join(rng.choice(_ALNUM) for _ in range(length))


def hex_text(rng: random.Random, length: int) -> str:
    return f"{rng.getrandbits(4 * length):0{length}x}"


def totp_secret(rng: random.Random) -> str:
    """A 160-bit base32 secret, as authenticator apps are provisioned with."""
    return base64.b32encode(rng.randbytes(20)).decode("ascii")
