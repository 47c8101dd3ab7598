"""Input validation before any upstream call, collected as typed user errors.

A check records a ``UserError`` (field path, code, message) and returns a usable value or
None; the mutation sends nothing while any error is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from enum import Enum

import strawberry

from adapters.vin import is_valid_vin
from graph.context import Context
from graph.runtime import DealershipEntry

MAX_MONEY = Decimal("100000000")  # no single dealership figure is a hundred million
CENT = Decimal("0.01")


@strawberry.enum(description="Why an input was refused.")
class UserErrorCode(Enum):
    REQUIRED = "required"
    INVALID_VALUE = "invalid_value"
    INVALID_VIN = "invalid_vin"
    INVALID_MONEY = "invalid_money"
    ALLOCATION_MISMATCH = "allocation_mismatch"
    UNBALANCED_ENTRY = "unbalanced_entry"
    UNKNOWN_ID = "unknown_id"
    MISSING_CONSENT = "missing_consent"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    REJECTED_BY_DMS = "rejected_by_dms"
    MFA_NOT_PENDING = "mfa_not_pending"
    MFA_CODE_REJECTED = "mfa_code_rejected"
    MFA_CODE_EXPIRED = "mfa_code_expired"


@strawberry.type(description="A problem with the input; nothing was written.")
class UserError:
    field: list[str] = strawberry.field(
        description='Path to the input field, e.g. ["pricing", "sellingPrice"].'
    )
    code: UserErrorCode
    message: str


Path = tuple[str, ...]


class Checks:
    def __init__(self, ctx: Context, entry: DealershipEntry) -> None:
        self.ctx = ctx
        self.entry = entry
        self.errors: list[UserError] = []

    def fail(self, path: Path, code: UserErrorCode, message: str) -> None:
        self.errors.append(UserError(field=list(path), code=code, message=message))

    @property
    def ok(self) -> bool:
        return not self.errors

    def required(self, path: Path, value: object) -> bool:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.fail(path, UserErrorCode.REQUIRED, f"{path[-1]} is required")
            return False
        return True

    def text(self, path: Path, value: str | None, *, max_length: int = 500) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if len(value) > max_length:
            self.fail(path, UserErrorCode.INVALID_VALUE, f"at most {max_length} characters")
            return None
        return value or None

    def money(self, path: Path, value: Decimal | None) -> Decimal | None:
        """A non-negative amount in whole cents."""
        if value is None:
            return None
        try:
            exact = value == value.quantize(CENT)
        except InvalidOperation:
            exact = False
        if not value.is_finite() or not exact:
            self.fail(path, UserErrorCode.INVALID_MONEY, "must be an amount in whole cents")
            return None
        if value < 0 or value >= MAX_MONEY:
            self.fail(path, UserErrorCode.INVALID_MONEY, "must be zero or more, and plausible")
            return None
        return value.quantize(CENT)

    def number(
        self, path: Path, value: Decimal | int | None, low: Decimal | int, high: Decimal | int
    ) -> Decimal | int | None:
        if value is None:
            return None
        if isinstance(value, Decimal) and not value.is_finite():
            self.fail(path, UserErrorCode.INVALID_VALUE, "must be a number")
            return None
        if not low <= value <= high:
            self.fail(path, UserErrorCode.INVALID_VALUE, f"must be between {low} and {high}")
            return None
        return value

    def vin(self, path: Path, value: str | None) -> str | None:
        if value is None:
            return None
        vin = value.strip().upper()
        if not is_valid_vin(vin):
            self.fail(
                path,
                UserErrorCode.INVALID_VIN,
                "not a valid 17-character VIN (the check digit does not match)",
            )
            return None
        return vin

    def native_id(
        self, path: Path, value: strawberry.ID | None, type_names: set[str]
    ) -> str | None:
        """The vendor id behind a global id of this dealership; foreign ids are refused."""
        if value is None:
            return None
        resolved = self.ctx.resolve_id(value)
        if (
            resolved is None
            or resolved[1].id != self.entry.id
            or resolved[0].type_name not in type_names
        ):
            names = " or ".join(sorted(type_names))
            self.fail(path, UserErrorCode.UNKNOWN_ID, f"not the id of a {names} of this dealership")
            return None
        return resolved[0].native_id

    def sums_to(
        self, path: Path, parts: Iterable[Decimal | None], total: Decimal | None, what: str
    ) -> None:
        if total is None:
            return
        if sum((p or Decimal(0) for p in parts), Decimal(0)) != total:
            self.fail(path, UserErrorCode.ALLOCATION_MISMATCH, f"{what} must add up to {total}")


def as_int(value: Decimal | int | None) -> int | None:
    """A checked number as an int (``Checks.number`` returns the input's own type)."""
    return None if value is None else int(value)


def as_decimal(value: Decimal | int | None) -> Decimal | None:
    return None if value is None else Decimal(value)
