"""Answered errors let go of their tracebacks, along every chain that leads from them."""

from __future__ import annotations

from graphql import GraphQLError

from graph.traceback_release import release_tracebacks


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


def test_causes_contexts_and_original_errors_are_all_released() -> None:
    root = _raised(KeyError("row"))
    cause = _raised(ValueError("mapped"))
    cause.__context__ = root
    original = _raised(RuntimeError("store"))
    original.__cause__ = cause
    reported = _raised(GraphQLError("answered", original_error=original))
    assert all(e.__traceback__ is not None for e in (root, cause, original, reported))
    release_tracebacks([reported])
    assert [e.__traceback__ for e in (root, cause, original, reported)] == [None] * 4


def test_a_chain_that_loops_is_released_once() -> None:
    first, second = _raised(ValueError("first")), _raised(ValueError("second"))
    first.__cause__, second.__cause__ = second, first
    release_tracebacks([first, second, first])
    assert first.__traceback__ is None and second.__traceback__ is None


def test_nothing_to_release() -> None:
    release_tracebacks([])
    plain = ValueError("never raised")
    release_tracebacks([plain])
    assert plain.__traceback__ is None
