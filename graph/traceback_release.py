"""Answered errors let go of their tracebacks, so a request's objects die with it.

An exception's traceback holds the frames it passed through, and those frames hold the
request (its context, executor and rows) while the request, through the errors it
collected, holds the exception: a reference cycle that only the cycle collector frees. An
answered request's errors have been logged and formatted by then; their tracebacks are
of no further use.
"""

from __future__ import annotations

from collections.abc import Iterable


def release_tracebacks(errors: Iterable[BaseException]) -> None:
    """Drop the tracebacks of ``errors`` and of every exception they were caused by."""
    pending: list[BaseException | None] = list(errors)
    seen: set[int] = set()
    while pending:
        error = pending.pop()
        if error is None or id(error) in seen:
            continue
        seen.add(id(error))
        error.__traceback__ = None
        pending += (error.__cause__, error.__context__, getattr(error, "original_error", None))
