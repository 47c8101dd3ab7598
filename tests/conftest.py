"""Suite-wide hooks."""

from __future__ import annotations

import pytest


def pytest_terminal_summary(
    terminalreporter: pytest.TerminalReporter, config: pytest.Config
) -> None:
    """Name the random order's seed at the end as well (``-q`` hides the header that
    pytest-randomly prints it in), so a failure seen once can be replayed."""
    if config.pluginmanager.hasplugin("randomly"):
        seed = config.getoption("randomly_seed")
        terminalreporter.write_line(
            f"random order: replay it with -p randomly --randomly-seed={seed}"
        )
