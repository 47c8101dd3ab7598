"""``serve`` is quiet and GC-tuned unless asked otherwise."""

from __future__ import annotations

import gc

from graph.cli import _parser
from graph.gc_tuning import REQUEST_SIZED_THRESHOLDS, tune_for_serving


def test_serve_logs_requests_and_answers_only_when_verbose() -> None:
    assert _parser().parse_args(["serve"]).verbose is False
    assert _parser().parse_args(["serve", "--verbose"]).verbose is True


def test_serve_tunes_the_collector_unless_told_to_keep_the_defaults() -> None:
    assert _parser().parse_args(["serve"]).default_gc is False
    assert _parser().parse_args(["serve", "--default-gc"]).default_gc is True


def test_tuning_freezes_start_up_and_sets_request_sized_thresholds() -> None:
    before = gc.get_threshold()
    try:
        tune_for_serving()
        assert gc.get_threshold() == REQUEST_SIZED_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
