"""How long ``./dev serve`` takes to its serving line: prints figures, asserts nothing.

Starts ``./dev serve`` (embedded sandboxes, the README's first command) on a free port,
times it from launch to the line ``dealergraph: serving ...``, stops it (SIGINT, as Ctrl-C
does) and starts it again. The first start may install (``./dev`` reinstalls after
``pyproject.toml`` changes) and compile the project's modules: it is printed apart; the
warm starts after it give the median and the spread. ``--stages`` adds, in one fresh
interpreter each, where a start goes: loading the command's modules, building the sandbox
worlds, and the runtime with its app. Run: ``.venv/bin/python -m bench.start [--starts 8]
[--stages]``.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.execution import free_port

ROOT = Path(__file__).resolve().parents[1]

_STAGES = """
import time
began = time.perf_counter()
import gc
gc.disable()  # as graph.launch loads the command
import asyncio, datetime, tempfile
import graph.cli as cli
from graph.app import create_app
from graph.config import ServerConfig
from graph.runtime import Runtime
from graph.sandbox_mode import sandbox_config
from sandbox import SandboxOptions, start_sandbox
loaded = time.perf_counter()

async def main():
    t0 = time.perf_counter()
    options = SandboxOptions(today=datetime.date.today(), activity_seconds=1e9)
    sandbox = await start_sandbox(options)
    t1 = time.perf_counter()
    config, environ = sandbox_config(sandbox, "k", ServerConfig(data_dir=tempfile.mkdtemp()))
    runtime = await Runtime.start(config, environ)
    create_app(runtime, demo_key="k", log_answers=False)
    t2 = time.perf_counter()
    print(loaded - began, t1 - t0, t2 - t1)
    await runtime.close()
    await sandbox.stop()

asyncio.run(main())
"""


def one_start() -> float:
    """Seconds from launching ``./dev serve`` to its serving line."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [str(ROOT / "dev"), "serve", "--port", str(free_port())],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: the stop reaches the server, not just dev
    )
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if line.startswith(b"dealergraph: serving"):
                return time.perf_counter() - began
        raise RuntimeError("./dev serve ended before its serving line")
    finally:
        os.killpg(process.pid, signal.SIGINT)
        process.wait(timeout=30)


def stages() -> tuple[float, float, float]:
    out = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-c", _STAGES],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loading, worlds, runtime = (float(v) for v in out.stdout.split())
    return loading, worlds, runtime


def _spread(values: list[float]) -> str:
    return (
        f"{statistics.median(values):.2f} s [{min(values):.2f}-{max(values):.2f}] n={len(values)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=8, help="warm starts timed")
    parser.add_argument("--stages", action="store_true", help="where a start goes")
    args = parser.parse_args()
    print(f"bench.start: {args.starts} warm starts of ./dev serve, {os.cpu_count()} CPUs")
    print(f"load: {os.getloadavg()}")
    print(f"first start (may install and compile): {one_start():.2f} s")
    print(f"warm start to the serving line: {_spread([one_start() for _ in range(args.starts)])}")
    if args.stages:
        rows = [stages() for _ in range(args.starts)]
        for i, label in enumerate(("loading the modules", "the sandbox worlds", "runtime + app")):
            print(f"  {label:<22}{_spread([row[i] for row in rows])}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
