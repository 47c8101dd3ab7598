"""AutoSync's documented write endpoints (docs/contracts/autosync.md, "Writes").

``POST``/``PUT`` customers, ``POST`` vehicles, ``POST``/``PUT`` work orders, ``POST`` jobs,
``POST`` appointments and ``PATCH`` inventory. AutoSync has no idempotency key: every
``POST`` creates. Validation failures answer ``422 invalid_parameter`` with one message
naming the field (``The 'email' field is required.``), as the page's example does.
Writes land in the shop's tables, so later reads, filters and totals show them at once.
"""

from __future__ import annotations

import random
import re
from collections.abc import Awaitable, Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

from aiohttp import web

from sandbox.autosync.render import WORK_ORDER_STATUSES
from sandbox.autosync.state import AutoSyncShop, AutoSyncState, ShopTables
from sandbox.common.errors import ApiError, not_found
from sandbox.common.jsonenc import json_response
from sandbox.common.money import money, total
from sandbox.common.table import Table
from sandbox.common.writes import Body, BodyReader, SandboxClock, read_json_object, refused

Row = dict[str, Any]
ShopOf = Callable[[web.Request], AutoSyncShop]
WriteRoute = tuple[str, str, Callable[[web.Request], Awaitable[web.StreamResponse]]]

INVALID = "invalid_parameter"
LINE_TYPES = ("labor", "part", "fee")
# Where a work order may go next; ``invoiced`` is final.
WORK_ORDER_MOVES = {
    "draft": ("in_progress",),
    "in_progress": ("waiting_parts", "completed"),
    "waiting_parts": ("in_progress", "completed"),
    "completed": ("in_progress", "invoiced"),
    "invoiced": (),
}
JOBS_CLOSED = ("completed", "invoiced")
_ADVANCING = {"draft": "in_progress", "in_progress": "completed", "waiting_parts": "completed"}
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
_STATE = re.compile(r"^[A-Za-z]{2}$")
_PLATE = re.compile(r"^[A-Za-z0-9 -]{1,10}$")
BOOKING_HORIZON = timedelta(days=365)
LONGEST_APPOINTMENT = timedelta(hours=12)
DEFAULT_APPOINTMENT = timedelta(hours=1)


def _reject(reader: BodyReader) -> None:
    reader.raise_problems(INVALID)


def _nothing_to_update() -> ApiError:
    return ApiError(422, INVALID, "The request body has no fields to update.")


def _created(row: Row) -> web.Response:
    return json_response({"success": True, "data": row}, status=201)


def _insert(table: Table[int], row: Row) -> web.Response:
    table.put(row["id"], row)
    return _created(row)


def _updated(row: Row) -> web.Response:
    return json_response({"success": True, "data": row})


def _next_id(table: Table[int]) -> int:
    return max(table.rows, default=0) + 1


def _whole(value: Decimal) -> Decimal | int:
    """Quantities are written as integers when whole, as the vendor's own rows are."""
    return int(value) if value == value.to_integral_value() else value


class AutoSyncWrites:
    def __init__(self, state: AutoSyncState, clock: SandboxClock, shop_of: ShopOf) -> None:
        self.state = state
        self.clock = clock
        self.shop_of = shop_of

    def _emit(self, event: str, shop: AutoSyncShop, data: Row) -> None:
        if self.state.webhooks is not None:
            self.state.webhooks.emit(event, shop.id, data)  # encoded at once, exactly

    async def _read(self, request: web.Request) -> tuple[AutoSyncShop, Body]:
        shop = self.shop_of(request)  # scope errors come before body ones
        return shop, await read_json_object(request)

    def _change(self, row: Row, changes: Row) -> web.Response:
        """An update: the fields given, stamped; none at all is a refusal."""
        if not changes:
            raise _nothing_to_update()
        row.update(changes, updated_at=self.clock.now())
        return _updated(row)

    @staticmethod
    def _row(request: web.Request, table: Table[int], name: str, label: str) -> Row:
        try:
            row = table.get(int(request.match_info[name]))
        except ValueError:
            row = None
        if row is None:
            raise not_found(label)
        return row

    @staticmethod
    def _existing(
        r: BodyReader, table: Table[int], field: str, what: str, *, required: bool
    ) -> Row | None:
        row_id = r.integer(field, required=required, minimum=1)
        if row_id is None:
            return None
        row = table.get(row_id)
        if row is None:
            r.fail(field, f"must name an existing {what}")
        return row

    # --- customers --------------------------------------------------------------------------

    async def create_customer(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        r = BodyReader(body)
        fields = self._customer_fields(r, body, creating=True)
        _reject(r)
        tables = shop.tables
        now = self.clock.now()
        customer_id = _next_id(tables.customers)
        row = {
            "id": customer_id,
            "first_name": fields["first_name"],
            "last_name": fields["last_name"],
            "email": fields.get("email"),
            "phone": fields.get("phone"),
            "is_business": fields.get("is_business", False),
            "company_name": fields.get("company_name"),
            "address": fields.get("address"),
            "created_at": now,
            "updated_at": now,
        }
        self._emit("customer.created", shop, row)
        return _insert(tables.customers, row)

    async def update_customer(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        row = self._row(request, shop.tables.customers, "customer_id", "Customer")
        r = BodyReader(body)
        fields = self._customer_fields(r, body, creating=False)
        _reject(r)
        if "address" in fields:
            fields["address"] = {**(row.get("address") or {}), **fields["address"]}
        return self._change(row, fields)

    @staticmethod
    def _customer_fields(r: BodyReader, body: Body, *, creating: bool) -> Row:
        """The fields given; on an update, only those present (the page: "Only include
        fields you want to update"), and a name given must not be blank."""
        fields: Row = {
            "first_name": r.text(
                "first_name", required=creating or "first_name" in body, max_length=60
            ),
            "last_name": r.text(
                "last_name", required=creating or "last_name" in body, max_length=60
            ),
            "email": r.email("email"),
            "phone": r.phone("phone"),
            "is_business": r.boolean("is_business"),
            "company_name": r.text("company_name", max_length=100),
        }
        if r.obj("address") is not None:
            address = {
                "street": r.text("address.street", max_length=100),
                "city": r.text("address.city", max_length=60),
                "state": r.text("address.state", max_length=2),
                "zip": r.text("address.zip", max_length=10),
            }
            if address["state"] and not _STATE.match(address["state"]):
                r.fail("address.state", "must be a two-letter state code")
            if address["zip"] and not _ZIP.match(address["zip"]):
                r.fail("address.zip", "must be a ZIP code (12345 or 12345-6789)")
            given = {k: v for k, v in address.items() if v is not None}
            fields["address"] = given if not creating else address
        return {k: v for k, v in fields.items() if v is not None}

    # --- vehicles ---------------------------------------------------------------------------

    async def create_vehicle(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        tables = shop.tables
        r = BodyReader(body)
        now = self.clock.now()
        owner = self._existing(r, tables.customers, "customer_id", "customer", required=True)
        year = r.integer("year", required=True, minimum=1900, maximum=now.year + 2)
        make = r.text("make", required=True, max_length=40)
        model = r.text("model", required=True, max_length=40)
        vin = r.vin("vin")
        if vin is not None:
            same = next((v for v in tables.vehicles if v["vin"] == vin), None)
            if same is not None:
                r.fail("vin", f"matches vehicle {same['id']} already on file")
        plate = r.text("license_plate", max_length=10)
        if plate is not None and not _PLATE.match(plate):
            r.fail("license_plate", "must be up to 10 letters, digits, spaces or dashes")
        mileage = r.integer("mileage", minimum=0, maximum=2_000_000)
        _reject(r)
        assert owner is not None
        vehicle_id = _next_id(tables.vehicles)
        row = {
            "id": vehicle_id,
            "customer_id": owner["id"],
            "year": year,
            "make": make,
            "model": model,
            "trim": None,
            "vin": vin,
            "license_plate": plate.upper() if plate else None,
            "mileage": mileage,
            "created_at": now,
            "updated_at": now,
        }
        return _insert(tables.vehicles, row)

    # --- work orders and jobs ---------------------------------------------------------------

    def _owned_vehicle(
        self, r: BodyReader, tables: ShopTables, customer: Row | None, *, required: bool
    ) -> Row | None:
        vehicle = self._existing(r, tables.vehicles, "vehicle_id", "vehicle", required=required)
        if (
            vehicle is not None
            and customer is not None
            and vehicle["customer_id"] != customer["id"]
        ):
            r.fail("vehicle_id", f"must name a vehicle of customer {customer['id']}")
            return None
        return vehicle

    def _technician(self, r: BodyReader, tables: ShopTables) -> Row | None:
        tech = self._existing(r, tables.employees, "technician_id", "employee", required=False)
        if tech is not None and (tech["role"] != "technician" or tech["status"] != "active"):
            r.fail("technician_id", "must name an active technician")
            return None
        return tech

    async def create_work_order(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        tables = shop.tables
        r = BodyReader(body)
        customer = self._existing(r, tables.customers, "customer_id", "customer", required=True)
        vehicle = self._owned_vehicle(r, tables, customer, required=True)
        tech = self._technician(r, tables)
        notes = r.text("notes", max_length=2000)
        _reject(r)
        assert customer is not None and vehicle is not None
        now = self.clock.now()
        wo_id = _next_id(tables.work_orders)
        row = {
            "id": wo_id,
            "work_order_number": str(wo_id),
            "status": "draft",
            "customer": {"id": customer["id"], "name": _display_name(customer)},
            "vehicle": {k: vehicle[k] for k in ("id", "year", "make", "model")},
            "subtotal": money(0),
            "tax": money(0),
            "total": money(0),
            "technician": {"id": tech["id"], "name": tech["name"]} if tech else None,
            "created_at": now,
            "vehicle_id": vehicle["id"],
            "customer_id": customer["id"],
            "service_writer": None,  # an API key is no employee
            "mileage_in": vehicle["mileage"],
            "promised_at": None,
            "completed_at": None,
            "updated_at": now,
            "notes": notes,
            "jobs": [],
        }
        tables.work_orders.put(wo_id, row)
        self._emit("workorder.created", shop, _work_order_event(row))
        return _created({**row, "payments": []})

    async def update_work_order(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        tables = shop.tables
        row = self._row(request, tables.work_orders, "workorder_id", "Work order")
        r = BodyReader(body)
        status = r.enum("status", WORK_ORDER_STATUSES)
        tech = self._technician(r, tables)
        notes = r.text("notes", max_length=2000)
        mileage = r.integer("mileage_in", minimum=0, maximum=2_000_000)
        promised = r.timestamp("promised_at")
        current = row["status"]
        if current == "invoiced":
            r.fail("status", f"cannot change: work order {row['id']} is invoiced")
        elif status is not None and status != current and status not in WORK_ORDER_MOVES[current]:
            r.fail("status", f"cannot move a work order from {current} to {status}")
        _reject(r)
        changes: Row = {
            k: v
            for k, v in (
                ("status", status),
                ("notes", notes),
                ("mileage_in", mileage),
                ("promised_at", promised),
            )
            if v is not None
        }
        if tech is not None:
            changes["technician"] = {"id": tech["id"], "name": tech["name"]}
        if not changes:
            raise _nothing_to_update()
        now = self.clock.now()
        if status == "completed" and current != "completed":
            changes["completed_at"] = now
        elif status is not None and status not in JOBS_CLOSED:
            changes["completed_at"] = None
        row.update(changes, updated_at=now)
        completed = status == "completed" and current != "completed"
        event = "workorder.completed" if completed else "workorder.updated"
        self._emit(event, shop, _work_order_event(row))
        return _updated({**row, "payments": tables.payments_by_work_order.get(row["id"], [])})

    async def create_job(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        tables = shop.tables
        wo = self._row(request, tables.work_orders, "workorder_id", "Work order")
        if wo["status"] in JOBS_CLOSED:
            raise refused(
                INVALID, None, f"Work order {wo['id']} is {wo['status']}; no jobs can be added."
            )
        r = BodyReader(body)
        name = r.text("name", required=True, max_length=80)
        lines = [
            self._line(r, tables, shop, i) for i in range(len(r.array("line_items", max_items=50)))
        ]
        _reject(r)
        job_ids = [j["id"] for w in tables.work_orders for j in w["jobs"]]
        line_ids = [x["id"] for w in tables.work_orders for j in w["jobs"] for x in j["line_items"]]
        first_line = max(line_ids, default=0) + 1
        tech = wo["technician"]
        job = {
            "id": max(job_ids, default=0) + 1,
            "name": name,
            "technician_id": tech["id"] if tech else None,
            "status": "approved",
            "line_items": [{"id": n, **x} for n, x in enumerate(lines, start=first_line)],
        }
        wo["jobs"].append(job)
        self._total(wo, shop)
        wo["updated_at"] = self.clock.now()
        return _created(job)

    def _line(self, r: BodyReader, tables: ShopTables, shop: AutoSyncShop, i: int) -> Row:
        at = f"line_items[{i}]"
        kind = r.enum(f"{at}.type", LINE_TYPES, required=True)
        if kind == "labor":
            hours = r.number(f"{at}.hours", required=True, minimum=Decimal("0.01"), maximum=100)
            rate = r.money(f"{at}.rate")
            rate = shop.world.store.labor_rate if rate is None else rate
            return {
                "type": "labor",
                "description": r.text(f"{at}.description", required=True, max_length=200),
                "hours": hours,
                "rate": rate,
                "total": money(hours * rate) if hours is not None else None,
            }
        part = (
            self._existing(r, tables.inventory, f"{at}.part_id", "part", required=False)
            if kind == "part"
            else None
        )
        quantity = r.number(f"{at}.quantity", minimum=Decimal("0.01"), maximum=10_000)
        quantity = Decimal(1) if quantity is None else quantity
        price = r.money(f"{at}.unit_price", required=part is None)
        price = part["price"] if price is None and part is not None else price
        description = r.text(f"{at}.description", required=part is None, max_length=200)
        line: Row = {"type": kind}
        if part is not None:
            line.update(part_id=part["id"], part_number=part["part_number"])
        line.update(
            description=description or (part["name"] if part else None),
            quantity=_whole(quantity),
            unit_price=price,
            total=money(quantity * price) if price is not None else None,
        )
        return line

    @staticmethod
    def _total(wo: Row, shop: AutoSyncShop) -> None:
        """The documented rule: subtotal of the approved jobs' lines, tax on it (a shop
        taxes its whole subtotal), total = subtotal + tax."""
        subtotal = total(
            x["total"] for j in wo["jobs"] if j["status"] == "approved" for x in j["line_items"]
        )
        tax = money(subtotal * shop.world.store.tax_rate)
        wo.update(subtotal=subtotal, tax=tax, total=total((subtotal, tax)))

    # --- appointments -----------------------------------------------------------------------

    async def create_appointment(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        tables = shop.tables
        r = BodyReader(body)
        now = self.clock.now()
        customer = self._existing(r, tables.customers, "customer_id", "customer", required=True)
        vehicle = self._owned_vehicle(r, tables, customer, required=False)
        start = r.timestamp("start_time", required=True)
        end = r.timestamp("end_time")
        if start is not None:
            if start < now:
                r.fail("start_time", "must not be in the past")
            elif start > now + BOOKING_HORIZON:
                r.fail("start_time", "must be within a year")
            if end is not None and not start < end <= start + LONGEST_APPOINTMENT:
                r.fail("end_time", "must be after start_time and at most 12 hours later")
        notes = r.text("notes", max_length=2000)
        _reject(r)
        assert customer is not None and start is not None
        appointment_id = _next_id(tables.appointments)
        row = {
            "id": appointment_id,
            "customer_id": customer["id"],
            "vehicle_id": vehicle["id"] if vehicle else None,
            "start_time": start,
            "end_time": end or start + DEFAULT_APPOINTMENT,
            "status": "scheduled",
            "notes": notes,
            "created_at": now,
        }
        self._emit("appointment.created", shop, row)
        return _insert(tables.appointments, row)

    # --- inventory --------------------------------------------------------------------------

    async def update_stock(self, request: web.Request) -> web.Response:
        shop, body = await self._read(request)
        row = self._row(request, shop.tables.inventory, "part_id", "Part")
        r = BodyReader(body)
        changes = {
            "quantity": r.integer("quantity", minimum=0, maximum=1_000_000),
            "cost": r.money("cost"),
            "price": r.money("price"),
        }
        _reject(r)
        answer = self._change(row, {k: v for k, v in changes.items() if v is not None})
        low = row["quantity"] < (row.get("reorder_point") or 0)
        if changes["quantity"] is not None and low:
            self._emit("inventory.low_stock", shop, row)
        return answer

    # --- simulated shop activity -----------------------------------------------------------

    def advance_work_order(self, shop: AutoSyncShop, rng: random.Random) -> Row | None:
        """What a technician does in the shop: one open work order moves a step on (draft
        to in progress, then to completed), stamped and announced like an API write."""
        open_orders = [wo for wo in shop.tables.work_orders if wo["status"] in _ADVANCING]
        if not open_orders:
            return None
        wo = rng.choice(open_orders)
        status = _ADVANCING[wo["status"]]
        now = self.clock.now()
        changes: Row = {"status": status}
        if status == "completed":
            changes["completed_at"] = now
        wo.update(changes, updated_at=now)
        event = "workorder.completed" if status == "completed" else "workorder.updated"
        self._emit(event, shop, _work_order_event(wo))
        return wo

    def routes(self, base: str) -> list[WriteRoute]:
        shop = f"{base}/shops/{{shop_id}}"
        return [
            ("POST", f"{shop}/customers", self.create_customer),
            ("PUT", f"{shop}/customers/{{customer_id}}", self.update_customer),
            ("POST", f"{shop}/vehicles", self.create_vehicle),
            ("POST", f"{shop}/workorders", self.create_work_order),
            ("PUT", f"{shop}/workorders/{{workorder_id}}", self.update_work_order),
            ("POST", f"{shop}/workorders/{{workorder_id}}/jobs", self.create_job),
            ("POST", f"{shop}/appointments", self.create_appointment),
            ("PATCH", f"{shop}/inventory/{{part_id}}", self.update_stock),
        ]


def _work_order_event(wo: Row) -> Row:
    """What the page's example shows of a work order in a webhook."""
    keys = ("id", "work_order_number", "status", "total", "customer")
    return {k: wo[k] for k in keys}


def _display_name(customer: Row) -> str:
    return customer.get("company_name") or f"{customer['first_name']} {customer['last_name']}"
