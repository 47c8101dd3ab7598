"""Canonical change events, whatever the vendor called them."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any


class EventType(StrEnum):
    VEHICLE_CREATED = "vehicle.created"
    VEHICLE_UPDATED = "vehicle.updated"
    CUSTOMER_CREATED = "customer.created"
    CUSTOMER_UPDATED = "customer.updated"
    LEAD_CREATED = "lead.created"
    LEAD_UPDATED = "lead.updated"
    DEAL_CREATED = "deal.created"
    DEAL_UPDATED = "deal.updated"
    REPAIR_ORDER_CREATED = "repair_order.created"
    REPAIR_ORDER_UPDATED = "repair_order.updated"
    REPAIR_ORDER_COMPLETED = "repair_order.completed"
    APPOINTMENT_CREATED = "appointment.created"
    PAYMENT_RECEIVED = "payment.received"
    INSPECTION_COMPLETED = "inspection.completed"
    PART_LOW_STOCK = "part.low_stock"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event before the log numbers it."""

    type: EventType
    dealership_id: str
    occurred_at: datetime
    record_type: str | None
    """The graph type of the record it concerns (``RepairOrder``), if any."""
    native_id: str | None
    changes: dict[str, str | None] = field(default_factory=dict)
    """Fields the event says changed, with their new values as text, where known."""
    dedupe_key: str = ""
    """Events with one key are recorded once (a webhook delivered twice, a row polled in
    two overlapping windows)."""

    def dedupe(self) -> str:
        """The key it is recorded once by (its own, else what it is about and when)."""
        return (
            self.dedupe_key
            or f"{self.type}:{self.dealership_id}:{self.native_id}:{self.occurred_at}"
        )

    def row(
        self, recorded_at: float
    ) -> tuple[str, str, str, float, str | None, str | None, str, float]:
        """Its values as either log stores them: dedupe, type, dealership_id, occurred_at,
        record_type, native_id, changes (JSON), recorded_at."""
        return (
            self.dedupe(),
            self.type.value,
            self.dealership_id,
            self.occurred_at.timestamp(),
            self.record_type,
            self.native_id,
            json.dumps(self.changes),
            recorded_at,
        )

    def recorded(self, cursor: int) -> Event:
        """The event as the log numbered it."""
        return Event(
            cursor,
            self.type,
            self.dealership_id,
            self.occurred_at,
            self.record_type,
            self.native_id,
            dict(self.changes),
        )


@dataclass(frozen=True, slots=True)
class Event:
    cursor: int
    """Position in the log: strictly increasing."""
    type: EventType
    dealership_id: str
    occurred_at: datetime
    record_type: str | None
    native_id: str | None
    changes: dict[str, str | None]

    @classmethod
    def stored(
        cls,
        cursor: Any,
        type_: str,
        dealership_id: Any,
        occurred_at: Any,
        record_type: str | None,
        native_id: str | None,
        changes: str,
    ) -> Event:
        """The event from its columns as either log stores them (``NewEvent.row``)."""
        return cls(
            cursor=int(cursor),
            type=EventType(type_),
            dealership_id=str(dealership_id),
            occurred_at=datetime.fromtimestamp(float(occurred_at), UTC),
            record_type=record_type,
            native_id=native_id,
            changes=json.loads(changes),
        )
