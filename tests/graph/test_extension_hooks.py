"""The schema's extension runner (graph.extension_hooks) runs every kind of hook Strawberry
allows as Strawberry's own runner does: the same hooks, in the same order, seeing the same
exceptions, and gathers the same results."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext, ExecutionResult

from graph.extension_hooks import CachedHooksRunner
from graph.schema import build_schema

Log = list[object]


class Generators(SchemaExtension):
    """Hooks as generators, sync and async, the kind every extension of ours uses."""

    def __init__(self, log: Log, name: str) -> None:
        self.log = log
        self.name = name

    def on_operation(self) -> Iterator[None]:
        self.log.append((self.name, "operation"))
        try:
            yield
        except ValueError as exc:
            self.log.append((self.name, "operation saw", str(exc)))
            raise
        self.log.append((self.name, "operation done"))

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        self.log.append((self.name, "execute"))
        yield
        self.log.append((self.name, "execute done"))

    def on_stream_result(self, result: ExecutionResult) -> Iterator[None]:  # type: ignore[override]
        self.log.append((self.name, "stream", result.data))
        yield

    async def get_results(self) -> dict[str, object]:  # type: ignore[override]
        return {self.name: "async"}


class Functions(SchemaExtension):
    """Hooks as plain and async functions, which Strawberry wraps itself."""

    def __init__(self, log: Log) -> None:
        self.log = log

    def on_parse(self) -> None:  # type: ignore[override]
        self.log.append("parse")

    async def on_validate(self) -> None:  # type: ignore[override]
        self.log.append("validate")

    def get_results(self) -> dict[str, object]:
        return {"functions": "sync"}


class NoHooks(SchemaExtension):
    pass


async def stages(runner: SchemaExtensionsRunner, context: ExecutionContext, log: Log) -> None:
    with pytest.raises(ValueError):
        async with runner.operation():
            async with runner.parsing():
                log.append("parsing")
            async with runner.validation():
                log.append("validating")
            async with runner.executing():
                log.append("executing")
            async with runner.on_stream_result(ExecutionResult(data={"n": 1}, errors=None)):
                log.append("streaming")
            raise ValueError("late")
    log.append(await runner.get_extensions_results(context))


async def test_every_kind_of_hook_runs_as_with_strawberrys_runner() -> None:
    @strawberry.type
    class Query:
        n: int = 1

    context = ExecutionContext(query=None, schema=strawberry.Schema(Query), allowed_operations=())
    context.extensions_results["context"] = "kept"
    logs: list[Log] = []
    for runner_class in (SchemaExtensionsRunner, CachedHooksRunner):
        log: Log = []
        extensions = [Generators(log, "a"), NoHooks(), Functions(log), Generators(log, "b")]
        await stages(runner_class(context, extensions), context, log)
        logs.append(log)
    theirs, ours = logs
    assert ours == theirs
    assert ours[:2] == [("a", "operation"), ("b", "operation")]
    assert ("b", "operation saw", "late") in ours and ("a", "execute done") in ours
    assert ours[-1] == {"a": "async", "functions": "sync", "b": "async", "context": "kept"}


def test_the_schema_uses_it() -> None:
    schema = build_schema()
    context = ExecutionContext(query=None, schema=schema, allowed_operations=())
    assert isinstance(schema.create_extensions_runner(context, []), CachedHooksRunner)
