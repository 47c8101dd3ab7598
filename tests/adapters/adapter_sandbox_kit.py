"""Helpers shared by the sandbox integration tests."""

from __future__ import annotations

import functools
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any, TypeVar

import aiohttp
import pytest

from adapters.base import (
    AppointmentFilter,
    CustomerFilter,
    DealFilter,
    DmsAdapter,
    Page,
    PartFilter,
    RepairOrderFilter,
    VehicleFilter,
    Window,
)
from adapters.errors import UpstreamAuthFailed
from adapters.http import HttpPolicy
from adapters.models import (
    Customer,
    Deal,
    Dms,
    InventoryVehicle,
    Part,
    RepairOrder,
    ServiceAppointment,
)
from adapters.registry import build_adapter
from adapters.response_cache import NO_CACHE
from adapters.shared import SharedCredentials

T = TypeVar("T")

Lister = Callable[[str | None, Any, Window], Awaitable[Page[T]]]

# Larger than any seeded list: a locally filtered listing scans to its end.
SCAN_ALL = 1_000_000


def connect(
    dms: Dms,
    session: aiohttp.ClientSession,
    handle: Any,
    policy: HttpPolicy | None = None,
    *,
    shared: SharedCredentials | None = None,
    **overrides: str,
) -> DmsAdapter:
    """An adapter for a sandbox vendor, its secrets with ``overrides`` applied. Nothing is
    cached across calls (these tests count the vendor requests each read makes; the cache
    has tests of its own). ``shared``: its session's clock (a test's fake one), say."""
    return build_adapter(
        dms,
        http=session,
        base_url=handle.base_url,
        secrets={**handle.credentials, **overrides},
        policy=replace(policy or HttpPolicy(), cache_ttls=NO_CACHE),
        shared=shared,
    )


def connector(dms: Dms) -> Callable[..., DmsAdapter]:
    """``connect`` for one vendor: ``(session, handle, policy=None, **overrides)``."""
    return functools.partial(connect, dms)


def logins(handle: Any) -> int:
    """``POST /sessions`` calls a Supergood-family sandbox saw, refreshes not counted."""
    sessions = handle.requests.count(method="POST", path_contains="/sessions")
    return sessions - handle.requests.count(method="POST", path_contains="/sessions/refresh")


async def read_everything(lister: Lister[T], store_id: str | None, flt: Any) -> list[T]:
    """The whole filtered list through the adapter. Pushed-down filters report a total (one
    window over all of it); locally checked ones do not until a scan has ended."""
    probe = await lister(store_id, flt, Window(0, 1))
    if probe.total == 0:
        return []
    page = await lister(store_id, flt, Window(0, probe.total or SCAN_ALL))
    assert not page.has_next
    assert page.total == len(page.items)
    return page.items


def spread(rows: Sequence[T], count: int) -> list[T]:
    """``count`` rows spread over the whole list (first and last included)."""
    if len(rows) <= count:
        return list(rows)
    step = (len(rows) - 1) / (count - 1)
    return [rows[round(i * step)] for i in range(count)]


def pages_for(total: int, size: int = 100) -> int:
    return max(1, math.ceil(total / size))


def middle(values: Sequence[T]) -> T:
    ordered = sorted(values)  # type: ignore[type-var]
    return ordered[len(ordered) // 2]


def nothing(_: object) -> bool:
    """The expectation of a filter that can match no row this vendor holds."""
    return False


async def check_filters(
    lister: Lister[Any],
    store_id: str | None,
    everything: Sequence[Any],
    cases: Sequence[tuple[Any, Callable[[Any], bool]]],
) -> None:
    """Each filter, read through the adapter, yields exactly the rows of the unfiltered list
    that satisfy the expectation, in the same order; and matches something, unless it is
    expected to match ``nothing`` (a filter that matches nothing proves little).

    A filter on several statuses is read one vendor query per status, so its rows come
    status by status: then each status's rows keep the list's order."""
    assert cases and everything, "nothing to check the filters against"
    for flt, expected in cases:
        got = await read_everything(lister, store_id, flt)
        want = [row for row in everything if expected(row)]
        if len(getattr(flt, "status", None) or ()) > 1:
            assert sorted(r.id for r in got) == sorted(r.id for r in want), flt
            for raw in {r.status_raw for r in want}:
                mine = [r.id for r in got if r.status_raw == raw]
                assert mine == [r.id for r in want if r.status_raw == raw], (flt, raw)
        else:
            assert [row.id for row in got] == [row.id for row in want], flt
        assert want or expected is nothing, f"{flt} matched no row"


# Supergood-family secrets: client_id and username identify rather than authenticate.
NEVER_SHOWN = ("client_secret", "password", "totp_secret")
WRONG_SUPERGOOD_SECRETS = (
    ({"password": "not-the-password-1"}, "invalid_credentials"),
    ({"client_secret": "not-the-secret-1"}, "invalid_client"),
    ({"totp_secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}, "invalid_mfa_code"),
)


async def check_wrong_secrets_fail_quietly(
    connect: Callable[..., DmsAdapter],
    handle: Any,
    read: Callable[[DmsAdapter], Awaitable[object]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Each wrong Supergood secret is refused with its vendor code, and neither the right
    secrets nor the wrong ones show in the error, the adapter or the logs."""
    caplog.set_level(logging.DEBUG)
    secrets = handle.credentials
    for bad, code in WRONG_SUPERGOOD_SECRETS:
        adapter = connect(handle, **bad)
        with pytest.raises(UpstreamAuthFailed) as err:
            await read(adapter)
        assert err.value.vendor_code == code
        text = f"{err.value} {err.value!r} {adapter!r} {adapter}"
        for value in [*(secrets[k] for k in NEVER_SHOWN), *bad.values()]:
            assert value not in text
    for key in NEVER_SHOWN:
        assert secrets[key] not in caplog.text


def check_secrets_hidden(
    adapter: DmsAdapter, handle: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """After a signed-in read: no secret nor the session token in repr, vars or logs."""
    token = adapter._api.http._auth.session.token.get_secret_value()  # type: ignore[attr-defined]
    shown = f"{adapter!r} {adapter} {vars(adapter)} {caplog.text}"
    assert shown.startswith(f"{type(adapter).__name__}(")
    for key in NEVER_SHOWN:
        assert handle.credentials[key] not in shown
    assert token not in shown


# Filter cases every DMS must honour the same way, whatever it pushes down; a vendor's own
# cases (its status values) are listed beside them in its test.
Case = tuple[Any, Callable[[Any], bool]]


def search_hit(term: str, *fields: str | None) -> bool:
    return any(term.casefold() in (f or "").casefold() for f in fields)


def customer_cases(customers: Sequence[Customer]) -> list[Case]:
    term = (customers[7].last_name or "")[:4].upper()
    since = middle([c.updated_at for c in customers])
    return [
        (
            CustomerFilter(search=term),
            lambda c: search_hit(term, f"{c.first_name} {c.last_name}", c.company_name, c.email),
        ),
        (CustomerFilter(updated_since=since), lambda c: c.updated_at >= since),
    ]


def repair_order_cases(ros: Sequence[RepairOrder]) -> list[Case]:
    """Advisor, technician, customer, vehicle (in another case) and updated-since."""
    sample = next(r for r in ros[len(ros) // 2 :] if r.technician_ids and r.vehicle_id)
    tech, vehicle = sample.technician_ids[0], str(sample.vehicle_id)
    since = middle([r.updated_at for r in ros])
    return [
        (
            RepairOrderFilter(advisor_id=sample.advisor_id),
            lambda r: r.advisor_id == sample.advisor_id,
        ),
        (RepairOrderFilter(technician_id=tech), lambda r: tech in r.technician_ids),
        (
            RepairOrderFilter(customer_id=sample.customer_id),
            lambda r: r.customer_id == sample.customer_id,
        ),
        (RepairOrderFilter(vehicle_id=vehicle.lower()), lambda r: r.vehicle_id == vehicle),
        (RepairOrderFilter(updated_since=since), lambda r: r.updated_at >= since),
    ]


def appointment_cases(appts: Sequence[ServiceAppointment]) -> list[Case]:
    starts = sorted({a.starts_at for a in appts if a.starts_at})
    low = starts[len(starts) // 4] + timedelta(seconds=1)
    high = starts[3 * len(starts) // 4] + timedelta(seconds=1)
    customer = appts[5].customer_id
    return [
        (AppointmentFilter(customer_id=customer), lambda a: a.customer_id == customer),
        (
            AppointmentFilter(starts_after=low, starts_before=high),
            lambda a: low <= a.starts_at <= high,
        ),
    ]


def part_cases(parts: Sequence[Part]) -> list[Case]:
    part = parts[11]
    term = (part.description or "")[:5].lower()
    return [
        (PartFilter(part_number=part.part_number), lambda p: p.part_number == part.part_number),
        (PartFilter(search=term), lambda p: search_hit(term, p.part_number, p.description)),
    ]


def vehicle_cases(vehicles: Sequence[InventoryVehicle]) -> list[Case]:
    """VIN (in another case), stock number, make/model/year and updated-since."""
    sample = vehicles[len(vehicles) // 3]
    since = middle([v.updated_at for v in vehicles])
    return [
        (VehicleFilter(vin=str(sample.vin).lower()), lambda v: v.vin == sample.vin),
        (VehicleFilter(stock_number=sample.stock_number), lambda v: v.id == sample.id),
        (
            VehicleFilter(make=str(sample.make).upper(), model=sample.model, year=sample.year),
            lambda v: (v.make, v.model, v.year) == (sample.make, sample.model, sample.year),
        ),
        (VehicleFilter(updated_since=since), lambda v: v.updated_at >= since),
    ]


def deal_cases(deals: Sequence[Deal]) -> list[Case]:
    buyer = deals[3].buyer_id
    since = middle([d.updated_at for d in deals])
    return [
        (DealFilter(buyer_id=buyer), lambda d: d.buyer_id == buyer),
        (DealFilter(updated_since=since), lambda d: d.updated_at >= since),
    ]


async def check_windows(
    lister: Lister[Any],
    store_id: str | None,
    flt: Any,
    handle: Any,
    path: str,
    cases: Sequence[tuple[int, int, int]],
) -> int:
    """Each (offset, limit, calls) window matches the same slice of the whole list, with
    the right total and has_next, in exactly ``calls`` reads of ``path``; a negative
    offset counts from the end. Answers the list's length."""
    everything = await read_everything(lister, store_id, flt)
    total = len(everything)
    assert cases and total, "no window to check, or an empty list"
    assert len({row.id for row in everything}) == total
    for offset, limit, calls in cases:
        start = offset if offset >= 0 else total + offset
        handle.requests.reset()
        page = await lister(store_id, flt, Window(start, limit))
        assert [r.id for r in page.items] == [r.id for r in everything[start : start + limit]]
        assert (page.total, page.has_next) == (total, start + limit < total)
        assert handle.requests.count(method="GET", path_contains=path) == calls
    return total


async def check_batch_lookup(
    lister: Lister[Any],
    getter: Callable[[str | None, Sequence[str]], Awaitable[list[Any]]],
    store_id: str | None,
    flt: Any,
    handle: Any,
    unknown: str,
    size: int = 50,
) -> tuple[int, int]:
    """Look up ``size`` ids spread over the list (one repeated, in reverse order, with an
    unknown one): answers in order, the listed record for each, None for the unknown.
    Answers (GET calls the lookup cost, rows in the list)."""
    rows = await read_everything(lister, store_id, flt)
    wanted = [r.id for r in spread(rows, size)]
    ids = [wanted[0], unknown, *reversed(wanted)]
    handle.requests.reset()
    got = await getter(store_id, ids)
    calls = handle.requests.count(method="GET")
    assert [g.id if g else None for g in got] == [wanted[0], None, *reversed(wanted)]
    by_id = {r.id: r for r in rows}
    assert all(g == by_id[g.id] for g in got if g)
    return calls, len(rows)
