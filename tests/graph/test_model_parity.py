"""Every canonical model field reaches its GraphQL type, and every GraphQL field comes from
its model, but for the differences listed here on purpose: a new model field cannot be
forgotten in the graph, nor a graph field lose its source."""

from __future__ import annotations

import dataclasses

import pytest
from pydantic import BaseModel

import graph.schema  # noqa: F401  (imports every type module, which registers its type)
from adapters import models as m
from graph.kinds import KINDS
from graph.types import registry

MODELS: dict[str, type[BaseModel]] = {
    "InventoryVehicle": m.InventoryVehicle,
    "Customer": m.Customer,
    "ServiceVehicle": m.ServiceVehicle,
    "Lead": m.Lead,
    "Deal": m.Deal,
    "RepairOrder": m.RepairOrder,
    "ServiceAppointment": m.ServiceAppointment,
    "Part": m.Part,
    "Employee": m.Employee,
    "Account": m.Account,
    "Payment": m.Payment,
}
# (graph type, field) -> why the graph has it without a model field of that name.
GRAPH_ONLY = {
    ("Customer", "display_name"): "computed by the model's display_name property",
    ("RepairOrder", "model_"): "the whole model, kept to read lines from the detail on demand",
    ("Account", "amount_to_bring_current"): "derived: graph.derived.amount_to_bring_current",
}
# (graph type, model field) -> why the graph does not copy it.
MODEL_ONLY = {
    ("Customer", "full_name"): "an embed's whole name; it feeds displayName",
    ("RepairOrder", "labor_lines"): "resolved from model_ (or the detail read) when selected",
    ("RepairOrder", "part_lines"): "resolved from model_ (or the detail read) when selected",
    ("RepairOrder", "totals"): "resolved from model_ (or the detail read) when selected",
    ("RepairOrder", "lines_included"): "says whether model_ holds the lines",
    ("Account", "deal_id"): "no deal or vehicle relation on Account yet",
    ("Account", "vehicle_id"): "no deal or vehicle relation on Account yet",
}


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.name)
def test_graph_types_mirror_their_models(kind: object) -> None:
    cls = registry.graph_type(kind)  # type: ignore[arg-type]
    model = MODELS[cls.__name__]
    renamed: dict[str, str] = getattr(cls, "renamed_from", {})
    given = {
        renamed.get(f.name, f.name)
        for f in dataclasses.fields(cls)  # type: ignore[arg-type]
        if f.init
    } - {"id", "vendor_id", "dealership_id"}
    fields = set(model.model_fields) - {"id"}
    name = cls.__name__
    assert {f for f in given - fields if (name, f) not in GRAPH_ONLY} == set()
    assert {f for f in fields - given if (name, f) not in MODEL_ONLY} == set()


def test_every_kind_has_a_graph_type_and_each_listed_difference_is_real() -> None:
    assert {registry.graph_type(k).__name__ for k in KINDS} == set(MODELS)
    for name, field in GRAPH_ONLY:
        assert field not in MODELS[name].model_fields
    for name, field in MODEL_ONLY:
        assert field in MODELS[name].model_fields
