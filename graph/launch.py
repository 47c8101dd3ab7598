"""The ``dealergraph`` command's entry point: the command's modules load with the garbage
collector paused.

Start-up allocates hundreds of thousands of objects that live as long as the process
(modules, the schema's types, configuration, the embedded sandbox's records). Collections
while they are made find nothing to free and walk them again each time. ``graph.cli`` turns
the collector back on: ``serve`` once it is up (``graph.gc_tuning.tune_for_serving``, or at
once with ``--default-gc``), every other command before it runs.
"""

from __future__ import annotations

import gc


def main() -> int:
    gc.disable()
    from graph.cli import main as command

    return command()
