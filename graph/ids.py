"""Opaque global ids: one string that names a type, a dealership and the vendor's own id.

Clients must treat them as opaque; the encoding is urlsafe base64 of
``"<Type>:<dealership id>:<native id>"`` so that they survive URLs unescaped.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass


class InvalidGlobalId(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class GlobalId:
    type_name: str
    dealership_id: str
    native_id: str

    def encode(self) -> str:
        return encode_global_id(self.type_name, self.dealership_id, self.native_id)


def encode_global_id(type_name: str, dealership_id: str, native_id: str) -> str:
    raw = f"{type_name}:{dealership_id}:{native_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_global_id(value: str) -> GlobalId:
    padded = value + "=" * (-len(value) % 4)
    try:
        raw = base64.urlsafe_b64decode(padded.encode("ascii")).decode()
    except (binascii.Error, UnicodeError, ValueError) as exc:
        raise InvalidGlobalId(f"{value!r} is not a valid id") from exc
    # Dealership ids come from configuration and never contain ':'; native ids may.
    parts = raw.split(":", 2)
    if len(parts) != 3 or not all(parts[:2]):
        raise InvalidGlobalId(f"{value!r} is not a valid id")
    return GlobalId(*parts)
