"""The command line turns documented-only mode on for the sandboxes it serves."""

from __future__ import annotations

from typing import Any

import pytest

import sandbox
from graph.cli import main
from sandbox import SandboxOptions


class _Started(Exception):
    """Stops the command once it has asked for its sandboxes."""


@pytest.mark.parametrize(
    ("argv", "documented_only"),
    [
        (["sandbox"], False),
        (["sandbox", "--documented-only"], True),
        (["serve"], False),
        (["serve", "--sandbox-documented-only"], True),
    ],
)
def test_the_flag_reaches_the_sandbox_options(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], documented_only: bool
) -> None:
    asked: list[SandboxOptions] = []

    async def start(options: SandboxOptions, **kwargs: Any) -> Any:
        asked.append(options)
        raise _Started

    monkeypatch.setattr(sandbox, "start_sandbox", start)
    monkeypatch.delenv("DEALERGRAPH_CONFIG", raising=False)  # serve: the embedded sandbox
    with pytest.raises(_Started):
        main(argv)
    assert [o.documented_only for o in asked] == [documented_only]


def test_the_serve_flag_needs_the_embedded_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--config", "dealergraph.toml", "--sandbox-documented-only"]) == 2
    assert "--sandbox-documented-only" in capsys.readouterr().err
