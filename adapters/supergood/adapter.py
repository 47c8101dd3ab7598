"""What every Supergood-family adapter shares: one authenticated ``RestApi`` per login
(``connect``), and the reads of its ``spec`` (``adapters.declared``). AutoSoft, Auto/Mate
and DealerCenter logins are one dealership each; a Dealertrack login reaches rooftops.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import ClassVar

from adapters.declared import Connection, DeclaredAdapter
from adapters.models import RepairOrder, ServiceVehicle
from adapters.rest import RestApi
from adapters.supergood.api import supergood_api
from adapters.tracking import ScopeOf

_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def newest_vehicles(
    orders: Iterable[RepairOrder], vins: Sequence[str]
) -> list[ServiceVehicle | None]:
    """Vehicles by VIN as the repair orders embed them (vendors with no vehicle resource);
    where several ROs name one VIN, the most recently opened describes it."""
    wanted = {v.upper() for v in vins}
    found: dict[str, ServiceVehicle] = {}
    for ro in sorted(orders, key=lambda r: r.opened_at or _LONG_AGO):
        if ro.vehicle is not None and ro.vehicle.id.upper() in wanted:
            found[ro.vehicle.id.upper()] = ro.vehicle
    return [found.get(v.upper()) for v in vins]


class SupergoodAdapter(DeclaredAdapter):
    scope_of: ClassVar[ScopeOf | None] = None
    """The store a request concerns, where one login serves several (Dealertrack)."""

    @classmethod
    def open_api(cls, connection: Connection) -> RestApi:
        return supergood_api(connection, vendor=cls.dms.value, scope_of=cls.scope_of)
