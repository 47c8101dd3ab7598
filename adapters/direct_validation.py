"""Canonical models validated without the trip through ``BaseModel.__init__``.

``Model(**values)`` goes through ``__init__``, which hands pydantic-core the instance to fill
(``validate_python(data, self_instance=self)``); asking pydantic-core for a new instance
(``validate_python(data)``, what ``model_validate`` does) is the same validation, the same
instance and the same errors, and costs about 3 us instead of 5 us for a vehicle's 36
fields: about 2 ms of a 1,000-row page.

Checking the field types in Python instead and skipping validation was measured too: the
per-field checks (about 4.5 us a vehicle) cost more than pydantic-core's validation.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic._internal._model_construction import ModelMetaclass


class DirectValidation(ModelMetaclass):
    """The metaclass of canonical models: ``Model(**values)`` validates as
    ``Model.model_validate(values)``; a class with its own ``__init__`` keeps it."""

    def __call__(cls, /, *args: Any, **kwargs: Any) -> Any:
        if args or cls.__pydantic_custom_init__:
            return super().__call__(*args, **kwargs)
        return cls.__pydantic_validator__.validate_python(kwargs)


class Canonical(BaseModel, metaclass=DirectValidation):
    """The base of canonical models (``adapters.models``): frozen, no fields but their own,
    validated on construction as ``model_validate`` validates."""

    model_config = ConfigDict(frozen=True, extra="forbid")
