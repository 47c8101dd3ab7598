"""AutoSync's in-memory tenant: shops, API keys and each shop's tables by integer id."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from sandbox.autosync.keys import ApiKey
from sandbox.autosync.render import AutoSyncRenderer, shop
from sandbox.common.credentials import hex_text
from sandbox.common.dates import Timeline
from sandbox.common.ratelimit import FixedWindowLimiter
from sandbox.common.rng import stream

if TYPE_CHECKING:
    from sandbox.autosync.oauth import OAuthServer
    from sandbox.autosync.webhooks import WebhookSender
from sandbox.common.table import Table
from sandbox.common.world import REPAIR_SHOP, StoreWorld, build_world
from sandbox.common.world.identity import make_store_info
from sandbox.common.world.models import StoreInfo
from sandbox.options import SandboxOptions

GROUP = "autosync"


@dataclass
class ShopTables:
    customers: Table[int]
    vehicles: Table[int]
    work_orders: Table[int]
    appointments: Table[int]
    payments: Table[int]
    inventory: Table[int]
    employees: Table[int]
    payments_by_work_order: dict[int, list[dict[str, Any]]]


def _table(rows: list[dict[str, Any]]) -> Table[int]:
    table: Table[int] = Table()
    for row in rows:
        table.put(row["id"], row)
    return table


class AutoSyncShop:
    """A shop; its data is generated on first use, so a shop no key reaches costs nothing."""

    def __init__(self, shop_id: int, info: StoreInfo, options: SandboxOptions) -> None:
        self.id = shop_id
        self.info = info
        self.record = shop(shop_id, info)
        self._options = options

    @property
    def name(self) -> str:
        return self.info.name

    @cached_property
    def world(self) -> StoreWorld:
        o = self._options
        return build_world(
            seed=o.seed,
            group=GROUP,
            index=self.id - 1,
            profile=REPAIR_SHOP,
            scale=o.scale,
            today=o.today,
        )

    @cached_property
    def tables(self) -> ShopTables:
        world = self.world
        render = AutoSyncRenderer(world)
        payments = [render.payment(p) for p in world.payments]
        by_work_order: dict[int, list[dict[str, Any]]] = {}
        for row in payments:
            by_work_order.setdefault(row["work_order_id"], []).append(row)
        return ShopTables(
            customers=_table([render.customer(c) for c in world.customers]),
            vehicles=_table([render.vehicle(v) for v in world.owned_vehicles]),
            work_orders=_table([render.work_order(r) for r in world.repair_orders]),
            appointments=_table([render.appointment(a) for a in world.appointments]),
            payments=_table(payments),
            inventory=_table([render.part(p) for p in world.parts]),
            employees=_table([render.employee(e) for e in world.employees]),
            payments_by_work_order=by_work_order,
        )


@dataclass
class AutoSyncState:
    shops: dict[int, AutoSyncShop]
    keys: dict[str, ApiKey]
    limiter: FixedWindowLimiter
    default_key: str = field(default="")
    oauth: OAuthServer | None = None
    """The OAuth 2.0 server for platform clients (``sandbox.autosync.oauth``)."""
    webhooks: WebhookSender | None = None
    """Sends the shop's change events to registered URLs (``sandbox.autosync.webhooks``)."""
    simulate_activity: Callable[[], Any] | None = None
    """One piece of shop activity: a work order moves on (announced by webhook)."""

    def key_for(self, key: str) -> ApiKey | None:
        return self.keys.get(key)


def build_state(
    options: SandboxOptions,
    *,
    shop_count: int = 2,
    key_shops: Sequence[Sequence[int]] = ((1,),),
) -> AutoSyncState:
    """``key_shops[i]`` lists the shops API key ``i`` reaches; key 0 is the default one."""
    timeline = Timeline(options.today)
    shops = {
        n: AutoSyncShop(
            n, make_store_info(f"{options.seed}:{GROUP}", n - 1, REPAIR_SHOP, timeline), options
        )
        for n in range(1, shop_count + 1)
    }
    rng = stream(options.seed, GROUP, "credentials")
    keys: dict[str, ApiKey] = {}
    for reach in key_shops:
        unknown = [s for s in reach if s not in shops]
        if unknown:
            raise ValueError(f"API key reaches unknown shop(s) {unknown}")
        key = f"sk_test_{hex_text(rng, 32)}"
        keys[key] = ApiKey(key, tuple(reach))
    # Shops a key reaches are built now, so no client request pays for generating them.
    for reach in key_shops:
        for shop_id in reach:
            _ = shops[shop_id].tables
    return AutoSyncState(
        shops=shops,
        keys=keys,
        limiter=FixedWindowLimiter(
            options.rate_limit_per_minute, options.rate_limit_window_seconds
        ),
        default_key=next(iter(keys)),
    )
