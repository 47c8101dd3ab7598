"""Lender selections and decisions on Dealertrack deals (``lenderStatus``,
``lenderDecision``), derived from where the deal stands."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sandbox.common.rng import chance, stream
from sandbox.common.world.models import Deal, DealStatus
from sandbox.common.world.sales import CAPTIVE_LENDERS, LENDERS

LENDER_STATUSES = ("not_submitted", "submitted", "approved", "conditioned", "declined", "funded")
# Dealertrack lender ids: the page shows ``lnd_ally`` and ``lnd_capone``.
_SPECIAL_IDS = {"CAPITAL_ONE": "lnd_capone"}
_FALLBACK_LENDERS = ("ALLY", "CAPITAL_ONE", "CHASE", "WELLS_FARGO")


def lender_id(name: str) -> str:
    return _SPECIAL_IDS.get(name, "lnd_" + name.lower().replace("_", ""))


@dataclass(frozen=True, slots=True)
class LenderView:
    preferred: tuple[str, ...]
    status: str | None  # None on cash deals
    decision: str | None  # approved | conditioned | declined, once a lender answered
    approved_apr: Decimal | None


def _status(rng: random.Random, status: DealStatus) -> str:
    if status is DealStatus.DRAFT:
        return "not_submitted"
    if status is DealStatus.PENDING:
        return "submitted"
    if status is DealStatus.APPROVED:
        return "conditioned" if chance(rng, 0.2) else "approved"
    if status is DealStatus.CONTRACTED:
        return "approved"
    if status is DealStatus.DELIVERED:
        return "funded"
    return rng.choice(("declined", "submitted", "not_submitted"))  # cancelled


def lender_view(seed_key: str, deal: Deal) -> LenderView:
    fin = deal.financing
    if fin is None or fin.lender is None:
        return LenderView((), None, None, None)
    rng = stream(seed_key, "deal", deal.id)
    first = lender_id(fin.lender)
    preferred = [first]
    if chance(rng, 0.5):
        second = lender_id(rng.choice(_FALLBACK_LENDERS))
        if second != first:
            preferred.append(second)
    status = _status(rng, deal.status)
    decision = {"approved": "approved", "funded": "approved"}.get(status)
    if status in ("conditioned", "declined"):
        decision = status
    # The contract is written at the rate the lender approved.
    approved_apr = fin.apr if decision in ("approved", "conditioned") else None
    return LenderView(tuple(preferred), status, decision, approved_apr)


# Every lender a group's deals may be submitted to: the page's, the sandbox's banks and the
# captive finance arms.
KNOWN_LENDERS = frozenset(lender_id(name) for name in (*LENDERS, *CAPTIVE_LENDERS.values()))
