"""What every adapter's writes share: sending one write, naming the refused input in the
canonical command's terms, and the small body-building helpers.

The HTTP layer never resends a write after a failure that may have reached the vendor; here
the unknown outcome is tagged with the write's reference id, and a vendor's refusal is
tagged with the command field it blames (``pricing.sellingPrice`` -> ``selling_price``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from adapters.base import DmsAdapter
from adapters.convert import Raw, obj
from adapters.errors import UpstreamOutcomeUnknown, UpstreamProtocolError, UpstreamRejected
from adapters.fieldmap import FieldMap, key_of
from adapters.health import ConnectionHealth, MfaChallenge
from adapters.models import Address
from adapters.rest import RestApi

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_STEP = re.compile(r"[^.\[\]]+|\[\d+\]")


def snake(path: str) -> str:
    """``vehicleOfInterest.stockNumber`` -> ``vehicle_of_interest.stock_number``."""
    return _CAMEL.sub("_", path).lower()


@dataclass(frozen=True)
class FieldNames:
    """How a vendor's request fields read as the command's fields.

    ``exact`` names whole vendor paths; ``prefixes`` move a vendor subtree onto a command
    one (the rest of the path keeps its steps, in snake case, with ``leaves`` renaming the
    last one). A field with no translation keeps the vendor's name.
    """

    exact: Mapping[str, str] = field(default_factory=dict)
    prefixes: Mapping[str, str] = field(default_factory=dict)
    leaves: Mapping[str, str] = field(default_factory=dict)

    def canonical(self, vendor: str | None) -> str | None:
        if not vendor:
            return None
        if vendor in self.exact:
            return self.exact[vendor]
        for prefix in sorted(self.prefixes, key=len, reverse=True):
            rest = vendor[len(prefix) :]
            if vendor.startswith(prefix) and (not rest or rest[0] in ".["):
                steps = _STEP.findall(snake(rest))
                if steps and steps[-1] in self.leaves:
                    steps[-1] = self.leaves[steps[-1]]
                tail = "".join(s if s.startswith("[") else f".{s}" for s in steps)
                return self.prefixes[prefix] + tail
        return vendor


def street(line1: str | None, line2: str | None) -> str | None:
    """One street line for vendors without a second one."""
    return ", ".join(p for p in (line1, line2) if p) or None


def address_body(address: Address | None, read_map: FieldMap) -> dict[str, Any] | None:
    """``address`` under the vendor keys its read map names; both street lines go as one
    (the vendors take a single street line)."""
    if address is None:
        return None
    return {
        key_of(spec): street(address.line1, address.line2)
        if name == "line1"
        else getattr(address, name)
        for name, spec in read_map.items()
        if name != "line2"
    }


def refuse(vendor: str, field_name: str, message: str) -> UpstreamRejected:
    """Input the vendor's contract cannot take at all, refused before anything is sent."""
    return UpstreamRejected(f"{vendor}: {message}", status=422, field=field_name)


def spelled(
    vendor: str, field_name: str, table: Mapping[StrEnum, str], value: StrEnum | None
) -> str | None:
    """A canonical enum value as the vendor spells it; one it has no word for is refused
    before anything is sent."""
    if value is None:
        return None
    found = table.get(value)
    if found is None:
        raise refuse(vendor, field_name, f"no {field_name.replace('_', ' ')} {value.value!r}")
    return found


def compact(value: Any) -> Any:
    """The body without null members: the vendors read an absent field and a null alike,
    and an update must not send what the caller left unset."""
    if isinstance(value, Mapping):
        return {k: compact(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [compact(v) for v in value]
    return value


def id_value(value: str) -> int | str:
    """An integer id as the integer a vendor with integer ids expects; anything else as
    given, for the vendor to refuse in its own words."""
    return int(value) if value.isascii() and value.isdigit() else value


class RestWrites(DmsAdapter):
    """Writes over the adapter's ``RestApi``; an answer's record is unwrapped the way the
    vendor's detail answers are (AutoSync's ``data``, Supergood's bare object)."""

    _api: RestApi

    def health(self, store_id: str | None = None) -> ConnectionHealth:
        # Every adapter reaches its DMS through this one client, so its view is the
        # connection's.
        return self._api.http.health(store_id)

    async def request_mfa_code(self) -> MfaChallenge:
        return await self._api.http.request_mfa_code()

    async def submit_mfa_code(self, code: str) -> None:
        await self._api.http.submit_mfa_code(code)

    async def close(self) -> None:
        await self._api.http.close()
        await super().close()

    async def _write(
        self,
        method: str,
        path: str,
        body: Mapping[str, Any],
        reference_id: str,
        fields: FieldNames,
        not_found_field: str | None = None,
        params: Mapping[str, str] | None = None,
    ) -> Raw:
        """One write; the record its answer carries. ``not_found_field``: the command
        field whose id a 404 means does not exist (the record a PUT or PATCH addresses).
        ``params``: the query, for vendors that scope a write there (a rooftop)."""
        http = self._api.http
        try:
            answer = await http.request(method, path, params=params, json_body=compact(body))
        except UpstreamRejected as exc:
            blamed = not_found_field if exc.status == 404 else fields.canonical(exc.field)
            raise UpstreamRejected(
                exc.message, status=exc.status, vendor_code=exc.vendor_code, field=blamed
            ) from None
        except UpstreamOutcomeUnknown as exc:
            raise UpstreamOutcomeUnknown(exc.message, reference_id=reference_id) from None
        try:
            return obj(self._api.style.detail(answer))
        except (KeyError, TypeError, AttributeError):
            raise UpstreamProtocolError(
                f"{http.vendor} {method} {path}: the answer carries no record"
            ) from None
