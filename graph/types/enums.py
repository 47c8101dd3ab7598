"""The canonical enums, exposed as GraphQL enums under the same names."""

from __future__ import annotations

import strawberry

from adapters import models as m
from adapters.base import Capability
from adapters.commands import WriteOperation
from adapters.health import ConnectionState, MfaMethod

Dms = strawberry.enum(m.Dms, description="The dealer-management system a dealership runs.")
VehicleStatus = strawberry.enum(m.VehicleStatus, description="Normalized inventory status.")
VehicleCondition = strawberry.enum(m.VehicleCondition)
LeadStatus = strawberry.enum(m.LeadStatus)
DealStatus = strawberry.enum(m.DealStatus, description="Normalized deal status.")
RepairOrderStatus = strawberry.enum(m.RepairOrderStatus, description="Normalized RO status.")
AppointmentStatus = strawberry.enum(m.AppointmentStatus)
EmployeeRole = strawberry.enum(m.EmployeeRole)
AccountKind = strawberry.enum(m.AccountKind)
AccountStatus = strawberry.enum(m.AccountStatus)
PaymentMethod = strawberry.enum(m.PaymentMethod)
Capability = strawberry.enum(
    Capability, description="A kind of data a dealership's DMS provides to the graph."
)
WriteOperation = strawberry.enum(
    WriteOperation, description="A kind of write a dealership's DMS accepts."
)
ConnectionState = strawberry.enum(
    ConnectionState, description="How the connection to a dealership's DMS is doing."
)
MfaMethod = strawberry.enum(MfaMethod, description="How a DMS sends its sign-in codes.")
