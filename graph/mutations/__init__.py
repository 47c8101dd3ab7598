"""Writes: one module per domain, merged into the root ``Mutation`` type."""

from __future__ import annotations

from strawberry.tools import merge_types

from graph.mutations.accounting import AccountingMutations
from graph.mutations.connections import ConnectionMutations
from graph.mutations.sales import SalesMutations
from graph.mutations.service import ServiceMutations

Mutation = merge_types(
    "Mutation", (SalesMutations, ServiceMutations, AccountingMutations, ConnectionMutations)
)
