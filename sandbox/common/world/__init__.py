"""A vendor-neutral store world: people, cars, deals, repair orders, parts, money.

Each vendor sandbox renders the same kind of world into its own JSON shapes, so a later
vendor reuses the generator and writes only its renderer.
"""

from sandbox.common.world.build import build_world
from sandbox.common.world.models import StoreWorld
from sandbox.common.world.profile import BHPH_DEALER, DEALERSHIP, REPAIR_SHOP, StoreProfile

__all__ = ["BHPH_DEALER", "DEALERSHIP", "REPAIR_SHOP", "StoreProfile", "StoreWorld", "build_world"]
