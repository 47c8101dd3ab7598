"""Helpers shared by the adapter write tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from adapters.base import DmsAdapter
from adapters.commands import (
    AppointmentDraft,
    Contact,
    CustomerDraft,
    DealChanges,
    DealDraft,
    JournalEntryDraft,
    LeadDraft,
    PartStockChange,
    PaymentDraft,
    RepairOrderDraft,
    ServiceVehicleDraft,
    WriteOperation,
)
from adapters.errors import NotSupported, UpstreamOutcomeUnknown
from adapters.http import HttpPolicy
from adapters.models import Consent, DealStatus, PaymentMethod, VehicleRef
from adapters.response_cache import NO_CACHE
from sandbox import SandboxOptions
from tests.adapters.adapter_sandbox_kit import connect as connect  # re-exported for the write tests
from tests.virtual_clock import VirtualClock

# Gives up well before a sandbox with write latency answers a committed write.
IMPATIENT = HttpPolicy(
    cache_ttls=NO_CACHE, read_timeout=0.2, total_timeout=2.0, backoff_base=0.01, backoff_max=0.02
)


def days_ahead(days: int) -> datetime:
    """Midnight UTC ``days`` after the sandbox's today (its writes judge time by it)."""
    today = SandboxOptions().today
    return datetime.combine(today + timedelta(days=days), datetime.min.time(), UTC)


async def lost_answer(
    handle: Any, latency_clock: VirtualClock, write: Awaitable[Any], hold: float = 0.6
) -> UpstreamOutcomeUnknown:
    """Send ``write`` (from an ``IMPATIENT`` adapter that has signed in) while the sandbox,
    whose latencies sleep on ``latency_clock``, holds write answers back: it is done but
    unanswered when the adapter gives up. Returns the ``UpstreamOutcomeUnknown`` raised,
    once the clock has let the sandbox finish answering into the void and its latency is
    back to none."""
    handle.faults.write_latency_seconds = hold
    try:
        with pytest.raises(UpstreamOutcomeUnknown) as err:
            await write
    finally:
        handle.faults.write_latency_seconds = 0
    await latency_clock.advance(hold)
    return err.value


def _sample_writes(adapter: DmsAdapter) -> dict[WriteOperation, Callable[[], Awaitable[Any]]]:
    """One small, well-formed command per write operation (ids need not exist)."""
    day = days_ahead(3)
    person = Contact(first_name="A", last_name="B")
    return {
        WriteOperation.CREATE_LEAD: lambda: adapter.create_lead(
            None, LeadDraft(contact=person, source="web", consent=Consent()), "r"
        ),
        WriteOperation.UPSERT_CUSTOMER: lambda: adapter.upsert_customer(
            None, CustomerDraft(first_name="A", last_name="B", emails=("a@example.org",)), "r"
        ),
        WriteOperation.CREATE_DEAL: lambda: adapter.create_deal(
            None,
            DealDraft(buyer_id="c1", vehicle=VehicleRef(vin="1HGCM82633A004352"), selling_price=1),
            "r",
        ),
        WriteOperation.UPDATE_DEAL: lambda: adapter.update_deal(
            None, "d1", DealChanges(status=DealStatus.SUBMITTED), "r"
        ),
        WriteOperation.POST_PAYMENT: lambda: adapter.post_payment(
            None, PaymentDraft(account_id="a1", amount=1, method=PaymentMethod.CASH), "r"
        ),
        WriteOperation.SCHEDULE_APPOINTMENT: lambda: adapter.schedule_appointment(
            None, AppointmentDraft(customer_id="c1", starts_at=day), "r"
        ),
        WriteOperation.POST_JOURNAL_ENTRY: lambda: adapter.post_journal_entry(
            None, JournalEntryDraft(posted_on=day.date(), lines=()), "r"
        ),
        WriteOperation.CREATE_SERVICE_VEHICLE: lambda: adapter.create_service_vehicle(
            None, ServiceVehicleDraft(owner_id="c1", year=2020, make="Kia", model="Rio"), "r"
        ),
        WriteOperation.CREATE_REPAIR_ORDER: lambda: adapter.create_repair_order(
            None, RepairOrderDraft(customer_id="c1", vehicle_id="v1"), "r"
        ),
        WriteOperation.SET_PART_STOCK: lambda: adapter.set_part_stock(
            None, PartStockChange(part_id="p1", quantity=1), "r"
        ),
    }


async def assert_undeclared_writes_unsupported(adapter: DmsAdapter, handle: Any) -> None:
    """Every write the adapter does not declare raises ``NotSupported`` without a request."""
    before = handle.requests.count()
    for operation, send in _sample_writes(adapter).items():
        if operation not in adapter.writes:
            with pytest.raises(NotSupported):
                await send()
    assert handle.requests.count() == before
