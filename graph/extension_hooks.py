"""Schema extension hooks worked out once per extension class instead of on every request.

Strawberry's ``SchemaExtensionsRunner`` opens four stages per operation (operation,
parsing, validation, execution), and each asks every extension for its hook: the schema's
eight extensions make 32 look-ups, and each hook found is wrapped in a new
``contextlib.contextmanager`` function, about a fifth of executing ``{ __typename }``. A
class's hooks do not change, so ``CachedHooksRunner`` wraps each generator hook once per
(class, stage) and only binds it to the request's extension. Entering and leaving the
stages stays Strawberry's own code: the hooks run in the same order, with the same
exception handling, as before. A hook that is a plain or async function (none of ours) is
still handed to Strawberry's ``get_hook``. Results (``extensions`` in the answer) are
asked only of the extensions that give any.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, partial
from typing import Any

from strawberry.extensions import SchemaExtension
from strawberry.extensions.context import (
    ExecutingContextManager,
    ExtensionContextManagerBase,
    OperationContextManager,
    ParsingContextManager,
    StreamResultContextManager,
    ValidationContextManager,
    WrappedHook,
)
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext, StreamExecutionResult
from strawberry.utils.await_maybe import await_maybe


@dataclass(frozen=True, slots=True)
class _Hook:
    open: Callable[..., Any] | None
    """Opens the hook's context manager from the extension (and the stage's arguments);
    None when the class has no hook for the stage."""
    is_async: bool


@cache
def _hook_of(extension_class: type[SchemaExtension], hook_name: str) -> _Hook | None:
    """The class's hook for a stage, as ``get_hook`` wraps it; None when it is neither
    missing nor a generator (left to ``get_hook``)."""
    hook_fn = getattr(extension_class, hook_name)
    if hook_fn is getattr(SchemaExtension, hook_name):
        return _Hook(None, is_async=False)
    if inspect.isgeneratorfunction(hook_fn):
        return _Hook(contextlib.contextmanager(hook_fn), is_async=False)
    if inspect.isasyncgenfunction(hook_fn):
        return _Hook(contextlib.asynccontextmanager(hook_fn), is_async=True)
    return None


class _CachedHooks(ExtensionContextManagerBase):
    __slots__ = ()

    def get_hook(self, extension: SchemaExtension) -> WrappedHook | None:
        hook = _hook_of(type(extension), self.HOOK_NAME)
        if hook is None:
            return super().get_hook(extension)
        if hook.open is None:
            return None
        return WrappedHook(extension, partial(hook.open, extension), hook.is_async)


class _Operation(_CachedHooks, OperationContextManager):
    pass


class _Validation(_CachedHooks, ValidationContextManager):
    pass


class _Parsing(_CachedHooks, ParsingContextManager):
    pass


class _Executing(_CachedHooks, ExecutingContextManager):
    pass


class _StreamResult(_CachedHooks, StreamResultContextManager):
    pass


class CachedHooksRunner(SchemaExtensionsRunner):
    def operation(self) -> OperationContextManager:
        return _Operation(self.extensions)

    def validation(self) -> ValidationContextManager:
        return _Validation(self.extensions)

    def parsing(self) -> ParsingContextManager:
        return _Parsing(self.extensions)

    def executing(self) -> ExecutingContextManager:
        return _Executing(self.extensions)

    def on_stream_result(self, result: StreamExecutionResult) -> StreamResultContextManager:
        return _StreamResult(self.extensions, result)

    async def get_extensions_results(self, ctx: ExecutionContext) -> dict[str, Any]:
        # As Strawberry's, without awaiting the {} of every extension that keeps the base
        # class's get_results (all but the cost limiter).
        data: dict[str, Any] = {}
        for extension in self.extensions:
            if type(extension).get_results is not SchemaExtension.get_results:
                data.update(await await_maybe(extension.get_results()))
        data.update(ctx.extensions_results)
        return data
