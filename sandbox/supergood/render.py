"""What a Supergood-family renderer of one store's world starts from: lookups by the
world's integer ids, and the vendor ids records point at each other with."""

from __future__ import annotations

from sandbox.common.ids import HexIds
from sandbox.common.world.models import StoreWorld


class StoreRenderer:
    def __init__(self, world: StoreWorld, ids: HexIds) -> None:
        self.world = world
        self.ids = ids
        self.customers = {c.id: c for c in world.customers}
        self.inventory = {v.id: v for v in world.inventory}
        self.owned = {v.id: v for v in world.owned_vehicles}

    def vehicle_id(self, n: int) -> str:
        return self.ids.make("veh", n)

    def customer_id(self, n: int) -> str:
        return self.ids.make("cust", n)

    def user_id(self, n: int) -> str:
        return self.ids.make("u", n)

    def account_id(self, n: int) -> str:
        return self.ids.make("ar", n)
