"""AutoSync writes (docs/contracts/autosync.md, "Writes"): canonical commands to AutoSync's
documented request bodies, and its answers to ``WriteOutcome``.

AutoSync has no idempotency key, so no write is idempotent: after an unknown outcome only a
read of the shop can tell whether it was applied. Its 422 names the field only in its
message (``The 'email' field is required.``), which is where the field is read from.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any, ClassVar

from adapters.autosync import mapping as m
from adapters.base import ServiceVehicleFilter, Window
from adapters.commands import (
    AppointmentDraft,
    CustomerDraft,
    PartStockChange,
    RepairOrderDraft,
    RepairOrderJob,
    RepairOrderLine,
    ServiceVehicleDraft,
    WriteOperation,
    WriteOutcome,
    written_record,
)
from adapters.convert import Raw, ident, mapped, text, timestamp
from adapters.errors import UpstreamOutcomeUnknown, UpstreamProtocolError, UpstreamRejected
from adapters.http import VendorError, path_segment, read_error_object
from adapters.models import Canonical
from adapters.writes import FieldNames, RestWrites, address_body, id_value, refuse

VENDOR = "autosync"
WRITES = frozenset(
    {
        WriteOperation.UPSERT_CUSTOMER,
        WriteOperation.CREATE_SERVICE_VEHICLE,
        WriteOperation.CREATE_REPAIR_ORDER,
        WriteOperation.SCHEDULE_APPOINTMENT,
        WriteOperation.SET_PART_STOCK,
    }
)
BUSINESS_TYPES = frozenset({"business", "fleet", "commercial"})
LINE_KINDS = frozenset({"labor", "part", "fee"})
_FIELD_IN_MESSAGE = re.compile(r"^The '([^']+)' field\b")

CUSTOMER_FIELDS = FieldNames(
    exact={"email": "emails", "phone": "phones", "is_business": "customer_type"},
    prefixes={"address": "address"},
    leaves={"street": "line1", "state": "region", "zip": "postal_code"},
)
VEHICLE_FIELDS = FieldNames(exact={"customer_id": "owner_id"})
WORK_ORDER_FIELDS = FieldNames()
APPOINTMENT_FIELDS = FieldNames(exact={"start_time": "starts_at", "end_time": "ends_at"})
STOCK_FIELDS = FieldNames()


def read_autosync_error(body: Any) -> VendorError:
    """The error object; the field it blames is the one its message quotes."""
    err = read_error_object(body)
    found = _FIELD_IN_MESSAGE.match(err.message or "")
    return replace(err, field=found.group(1)) if found else err


def job_fields(index: int) -> FieldNames:
    return FieldNames(
        exact={"name": f"jobs[{index}].name"},
        prefixes={"line_items": f"jobs[{index}].lines"},
        leaves={"type": "kind"},
    )


def customer_body(draft: CustomerDraft) -> dict[str, Any]:
    """AutoSync keeps one e-mail and one phone: the first of each."""
    if draft.customer_type is not None:
        business: bool | None = draft.customer_type.lower() in BUSINESS_TYPES
    else:
        business = True if draft.company_name else None
    return {
        "first_name": draft.first_name,
        "last_name": draft.last_name,
        "email": draft.emails[0] if draft.emails else None,
        "phone": draft.phones[0].number if draft.phones else None,
        "is_business": business,
        "company_name": draft.company_name,
        "address": address_body(draft.address, m.ADDRESS),
    }


def vehicle_body(draft: ServiceVehicleDraft) -> dict[str, Any]:
    return {
        "customer_id": id_value(draft.owner_id),
        "year": draft.year,
        "make": draft.make,
        "model": draft.model,
        "vin": draft.vin,
        "license_plate": draft.license_plate,
        "mileage": draft.mileage,
    }


def line_body(line: RepairOrderLine) -> dict[str, Any]:
    if line.kind == "labor":
        return {
            "type": "labor",
            "description": line.description,
            "hours": line.hours,
            "rate": line.rate,
        }
    return {
        "type": line.kind,
        "description": line.description,
        "part_id": id_value(line.part_id) if line.part_id else None,
        "quantity": line.quantity,
        "unit_price": line.unit_price,
    }


def check_jobs(jobs: tuple[RepairOrderJob, ...]) -> None:
    """What would fail a job after its work order exists, refused before anything is sent
    so a bad line never leaves a work order half written."""
    for i, job in enumerate(jobs):
        for j, line in enumerate(job.lines):
            at = f"jobs[{i}].lines[{j}]"
            if line.kind not in LINE_KINDS:
                raise refuse(VENDOR, f"{at}.kind", "a line is labor, part or fee")
            if line.kind == "labor" and line.hours is None:
                raise refuse(VENDOR, f"{at}.hours", "a labor line needs its hours")
            if line.kind != "labor" and line.unit_price is None and line.part_id is None:
                raise refuse(VENDOR, f"{at}.unit_price", "a part or fee line needs its price")


def appointment_notes(draft: AppointmentDraft) -> str | None:
    """AutoSync has one notes field: the concern, then the notes (as its own rows read)."""
    parts = [p.rstrip(".") for p in (draft.concern, draft.notes) if p]
    return ". ".join(parts) or None


def outcome(
    raw: Raw,
    mapper: Callable[[Raw], Canonical],
    *,
    number_field: str | None = None,
    record_raw: Raw | None = None,
) -> WriteOutcome:
    """The answer's id and status, and its record: AutoSync answers a write with the record
    as its reads show it, read here by ``mapper`` (from ``record_raw`` where the write took
    more requests than the one answered by ``raw``)."""
    source = f"{VENDOR} write answer"

    def read(r: Raw) -> WriteOutcome:
        return WriteOutcome(
            id=ident(r["id"]),
            status_raw=text(r.get("status")),
            occurred_at=timestamp(r.get("updated_at") or r.get("created_at")),
            number=text(r.get(number_field)) if number_field else None,
            record=written_record(mapper, raw if record_raw is None else record_raw, source=source),
        )

    return mapped(read, raw, source=source)


def with_jobs(work_order: Raw, jobs: list[Raw]) -> Raw:
    """A work order as answered at creation, with the jobs added to it since. Its totals
    were answered before the jobs, so they are left unknown rather than shown stale."""
    if not jobs:
        return work_order
    return {**work_order, "jobs": jobs, "subtotal": None, "tax": None, "total": None}


class AutoSyncWrites(RestWrites):
    """The write half of the AutoSync adapter (mixed into ``AutoSyncAdapter``)."""

    writes: ClassVar[frozenset[WriteOperation]] = WRITES
    idempotent_writes: ClassVar[frozenset[WriteOperation]] = frozenset()  # no idempotency key
    _shop: Callable[[str | None], Awaitable[str]]

    async def upsert_customer(
        self, store_id: str | None, draft: CustomerDraft, reference_id: str
    ) -> WriteOutcome:
        shop = await self._shop(store_id)
        body = customer_body(draft)
        if draft.customer_id is None:
            raw = await self._write(
                "POST", f"{shop}/customers", body, reference_id, CUSTOMER_FIELDS
            )
        else:
            path = f"{shop}/customers/{path_segment(draft.customer_id)}"
            raw = await self._write("PUT", path, body, reference_id, CUSTOMER_FIELDS, "customer_id")
        return outcome(raw, m.map_customer)

    async def create_service_vehicle(
        self, store_id: str | None, draft: ServiceVehicleDraft, reference_id: str
    ) -> WriteOutcome:
        shop = await self._shop(store_id)
        body = vehicle_body(draft)
        return outcome(
            await self._write("POST", f"{shop}/vehicles", body, reference_id, VEHICLE_FIELDS),
            m.map_vehicle,
        )

    async def create_repair_order(
        self, store_id: str | None, draft: RepairOrderDraft, reference_id: str
    ) -> WriteOutcome:
        """The work order, then each job on it (AutoSync takes jobs one request each)."""
        check_jobs(draft.jobs)
        shop = await self._shop(store_id)
        body = {
            "customer_id": id_value(draft.customer_id),
            "vehicle_id": id_value(draft.vehicle_id),
            "technician_id": id_value(draft.technician_id) if draft.technician_id else None,
            "notes": draft.notes,
        }
        raw = await self._write("POST", f"{shop}/workorders", body, reference_id, WORK_ORDER_FIELDS)
        work_order_id = ident(raw.get("id"))
        if work_order_id is None:
            raise UpstreamProtocolError(f"{VENDOR} POST {shop}/workorders: no id in the answer")
        jobs_path = f"{shop}/workorders/{path_segment(work_order_id)}/jobs"
        jobs: list[Raw] = []
        for i, job in enumerate(draft.jobs):
            job_body = {"name": job.name, "line_items": [line_body(x) for x in job.lines]}
            try:
                jobs.append(
                    await self._write("POST", jobs_path, job_body, reference_id, job_fields(i))
                )
            except UpstreamRejected as exc:
                raise UpstreamRejected(
                    f"work order {work_order_id} was created, but its job {job.name!r} was"
                    f" refused: {exc.message}",
                    status=exc.status,
                    vendor_code=exc.vendor_code,
                    field=exc.field,
                ) from None
            except UpstreamOutcomeUnknown as exc:
                raise UpstreamOutcomeUnknown(
                    f"work order {work_order_id} was created; its job {job.name!r}: {exc.message}",
                    reference_id=reference_id,
                ) from None
        return outcome(
            raw,
            m.map_work_order,
            number_field="work_order_number",
            record_raw=with_jobs(raw, jobs),
        )

    async def schedule_appointment(
        self, store_id: str | None, draft: AppointmentDraft, reference_id: str
    ) -> WriteOutcome:
        shop = await self._shop(store_id)
        vehicle_id = draft.vehicle_id or await self._vehicle_by_vin(store_id, draft)
        body = {
            "customer_id": id_value(draft.customer_id),
            "vehicle_id": id_value(vehicle_id) if vehicle_id else None,
            "start_time": draft.starts_at,
            "end_time": draft.ends_at,
            "notes": appointment_notes(draft),
        }
        return outcome(
            await self._write(
                "POST", f"{shop}/appointments", body, reference_id, APPOINTMENT_FIELDS
            ),
            m.map_appointment,
        )

    async def _vehicle_by_vin(self, store_id: str | None, draft: AppointmentDraft) -> str | None:
        """The customer's vehicle with the draft's VIN: appointments take a vehicle id."""
        if draft.vin is None:
            return None
        flt = ServiceVehicleFilter(customer_id=draft.customer_id, vin=draft.vin)
        page = await self.list_service_vehicles(store_id, flt, Window(0, 2))
        matches = [v for v in page.items if (v.vin or "").upper() == draft.vin.upper()]
        if len(matches) != 1:
            raise refuse(VENDOR, "vin", "the customer has no vehicle on file with this VIN")
        return matches[0].id

    async def set_part_stock(
        self, store_id: str | None, change: PartStockChange, reference_id: str
    ) -> WriteOutcome:
        shop = await self._shop(store_id)
        path = f"{shop}/inventory/{path_segment(change.part_id)}"
        body = {"quantity": change.quantity, "cost": change.cost, "price": change.price}
        return outcome(
            await self._write("PATCH", path, body, reference_id, STOCK_FIELDS, "part_id"),
            m.map_part,
        )
