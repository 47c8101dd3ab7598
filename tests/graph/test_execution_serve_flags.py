"""``serve`` is quiet and GC-tuned unless asked otherwise."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

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


def test_tuning_turns_the_collector_back_on_after_start_up_paused_it() -> None:
    before = gc.get_threshold()
    gc.disable()
    try:
        tune_for_serving()
        assert gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
        gc.set_threshold(*before)


# Run as the ``dealergraph`` script runs it: a fresh interpreter calling graph.launch.main.
# Each collection that starts notes whether graph.cli was still loading (in sys.modules,
# its ``main`` not yet defined); the command is export-schema, which resumes collecting.
_LAUNCH = """
import gc, sys
loading = []
def noted(phase, info):
    cli = sys.modules.get("graph.cli")
    if phase == "start":
        loading.append(cli is not None and not hasattr(cli, "main"))
gc.callbacks.append(noted)
sys.argv = ["dealergraph", "export-schema", "--output", sys.argv[1]]
from graph import launch
code = launch.main()
print(code, sum(loading), gc.isenabled())
"""


def test_the_command_loads_without_collecting_then_collects_again(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", _LAUNCH, str(tmp_path / "schema.graphql")],
        capture_output=True,
        text=True,
        check=True,
    )
    # exit code 0, no collection while graph.cli loaded, the collector on for the command
    assert out.stdout.split() == ["0", "0", "True"]
    served = Path(__file__).parents[2] / "schema.graphql"
    assert (tmp_path / "schema.graphql").read_text() == served.read_text()


def test_a_process_without_shared_redis_does_not_load_the_redis_client() -> None:
    loaded = "import sys, graph.cli, graph.app, graph.runtime; print('redis' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", loaded], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
