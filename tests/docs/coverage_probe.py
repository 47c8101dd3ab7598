"""Which canonical fields each DMS actually fills, observed over its sandbox through its adapter.

The field-coverage table in ``docs/field-coverage.md`` is checked against this, so the
table cannot claim a field that the code leaves empty, nor omit one it fills.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import aiohttp
from pydantic import BaseModel

from adapters import base
from adapters.base import Capability, DmsAdapter, Window
from adapters.models import Dms
from adapters.registry import build_adapter
from sandbox import SandboxOptions, start_sandbox
from sandbox.server import VENDOR_FACTORIES

# capability -> (model name in the table, list method, empty filter)
READS: dict[Capability, tuple[str, str, Any]] = {
    Capability.VEHICLES: ("InventoryVehicle", "list_vehicles", base.VehicleFilter()),
    Capability.CUSTOMERS: ("Customer", "list_customers", base.CustomerFilter()),
    Capability.SERVICE_VEHICLES: (
        "ServiceVehicle",
        "list_service_vehicles",
        base.ServiceVehicleFilter(),
    ),
    Capability.LEADS: ("Lead", "list_leads", base.LeadFilter()),
    Capability.DEALS: ("Deal", "list_deals", base.DealFilter()),
    Capability.REPAIR_ORDERS: ("RepairOrder", "list_repair_orders", base.RepairOrderFilter()),
    Capability.APPOINTMENTS: (
        "ServiceAppointment",
        "list_appointments",
        base.AppointmentFilter(),
    ),
    Capability.PARTS: ("Part", "list_parts", base.PartFilter()),
    Capability.EMPLOYEES: ("Employee", "list_employees", base.EmployeeFilter()),
    Capability.ACCOUNTS: ("Account", "list_accounts", base.AccountFilter()),
    Capability.PAYMENTS: ("Payment", "list_payments", base.PaymentFilter()),
}
MODELS = [name for name, _, _ in READS.values()]
SAMPLE = 100  # rows per list; the sandboxes spread every status over the first pages
DETAILS = 10  # repair orders also read by id: some vendors list them without lines


def _filled(value: Any) -> bool:
    if value is None or value == () or value == "":
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, enum.Enum):
        return value.value not in ("unknown", "other")
    return True


def _walk(prefix: str, model: BaseModel, out: set[str]) -> None:
    for name, value in model.__dict__.items():
        path = f"{prefix}{name}"
        listed = isinstance(value, Sequence) and not isinstance(value, str)
        items: Iterable[Any] = value if listed else (value,)
        for item in items:
            if isinstance(item, BaseModel):
                _walk(f"{path}.", item, out)
            elif _filled(item):
                out.add(path)


async def _observe_adapter(adapter: DmsAdapter, stores: list[str | None]) -> dict[str, set[str]]:
    seen: dict[str, set[str]] = defaultdict(set)
    for capability, (model_name, method, empty) in READS.items():
        if capability not in adapter.capabilities:
            continue
        for store in stores:
            page = await getattr(adapter, method)(store, empty, Window(0, SAMPLE))
            rows = list(page.items)
            if capability is Capability.REPAIR_ORDERS:
                ids = [r.id for r in rows[:DETAILS]]
                rows += [r for r in await adapter.get_repair_orders(store, ids) if r]
            for row in rows:
                _walk("", row, seen[model_name])
    return seen


async def observe() -> dict[Dms, tuple[frozenset[Capability], dict[str, set[str]]]]:
    """Per DMS: its capabilities and, per model, the field paths some record filled."""
    vendors = tuple(VENDOR_FACTORIES)
    result: dict[Dms, tuple[frozenset[Capability], dict[str, set[str]]]] = {}
    sandbox = await start_sandbox(
        SandboxOptions(seed=1, rate_limit_per_minute=100_000), vendors=vendors
    )
    try:
        async with aiohttp.ClientSession() as http:
            for name, handle in sandbox.vendors.items():
                dms = Dms(name)
                adapter = build_adapter(
                    dms, http=http, base_url=handle.base_url, secrets=handle.credentials
                )
                await adapter.start()
                try:
                    stores = [store_id for store_id, _ in handle.stores]
                    result[dms] = (adapter.capabilities, await _observe_adapter(adapter, stores))
                finally:
                    await adapter.close()
    finally:
        await sandbox.stop()
    return result
