"""Mutation score of the core modules, one module at a time.

`mutmut run` over the whole scope maps tests to functions with the whole suite and then runs,
for each of ~2,500 mutants, every test that reached the mutated function: hours on a 2-core
machine. Here each module of `[tool.mutmut] only_mutate` is mutated in its own copy of the
tree, with only the test files that exercise it (TEST_FILES), under `nice -n 19`.

    .venv/bin/python tools/mutation_score.py                 # the whole scope
    .venv/bin/python tools/mutation_score.py graph/listing.py --max-children 1
    .venv/bin/python tools/mutation_score.py graph/listing.py --survivors   # after new tests

The copy is of a commit (`--rev`, default HEAD: the score belongs to a commit), or of the
working tree with `--worktree` (to try tests before committing them). Each copy stays in
WORKDIR/<module> for `mutmut results` / `mutmut show NAME` run there.
Score = (killed + timeout) / (total - skipped), mutmut's own formula: a mutant no selected
test reaches ("no tests") counts as not killed.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKDIR = ROOT / "var" / "mutation"
MUTMUT = Path(sys.executable).parent / "mutmut"

_SHARED = "tests/adapters/test_shared_redis.py::test_"
# Not its budget-per-window test: it spans windows of real seconds, and times out on a
# loaded machine (a failure mutmut would count as a kill).
_SHARED_REDIS = (
    f"{_SHARED}a_pause_one_replica_met_holds_the_other_and_is_never_shortened",
    f"{_SHARED}one_sign_in_per_login_across_two_replicas",
    f"{_SHARED}a_refused_sign_in_holds_back_the_other_replica",
    f"{_SHARED}totp_steps_claimed_by_two_replicas_are_distinct",
    f"{_SHARED}a_circuit_one_replica_opened_rejects_at_the_other_and_one_probe_goes_out",
)
_ADAPTER_HTTP = (
    "tests/adapters/test_resilience_state_machines.py",
    "tests/adapters/test_http_resilience.py",
    "tests/adapters/test_adapter_http.py",
    *_SHARED_REDIS,
)
# Not test_pagination_complete.py: its sandbox walks cost a minute or more per mutant of the
# walk; the in-memory walks below check the same arithmetic.
_GRAPH_LISTS = (
    "tests/graph/test_pagination_properties.py",
    "tests/graph/test_cursor_windows.py",
    "tests/graph/test_cross_dealership_windows.py",
)
_WRITES = (
    "tests/graph/test_exactly_once.py",
    "tests/graph/test_crash_recovery.py",
    "tests/graph/test_exactly_once_outcomes.py",
)

# The test files that exercise each module of the scope.
TEST_FILES: dict[str, tuple[str, ...]] = {
    "adapters/circuit.py": (
        *_ADAPTER_HTTP,
        "tests/adapters/test_circuit_arguments.py",
        "tests/adapters/test_circuit_shared.py",
    ),
    "adapters/ratelimit.py": (
        "tests/adapters/test_rate_fairness.py",
        "tests/adapters/test_rate_slots_given_back.py",
        *_ADAPTER_HTTP,
    ),
    "adapters/supergood/auth.py": (
        "tests/adapters/test_supergood_auth.py",
        "tests/adapters/test_supergood_mfa.py",
        "tests/adapters/test_resilience_state_machines.py",
        *_SHARED_REDIS,
        "tests/adapters/test_supergood_session_answers.py",
        "tests/adapters/test_supergood_session_timing.py",
        "tests/adapters/test_supergood_code_sign_in.py",
    ),
    "adapters/paging.py": (
        "tests/adapters/test_adapter_paging.py",
        "tests/adapters/test_read_union.py",
        "tests/adapters/test_paging_edges.py",
        "tests/adapters/test_paging_plans_and_lookups.py",
    ),
    "adapters/response_cache.py": (
        "tests/adapters/test_response_cache.py",
        "tests/adapters/test_response_cache_invalidation.py",
        "tests/adapters/test_adapter_http.py",
    ),
    "graph/listing.py": _GRAPH_LISTS,
    "graph/pagination.py": _GRAPH_LISTS,
    "graph/idempotency.py": (*_WRITES, "tests/graph/test_idempotency_records.py"),
    "graph/exactly_once.py": _WRITES,
    "adapters/typed_maps.py": ("tests/adapters/test_typed_maps.py",),
    "graph/traceback_release.py": (
        "tests/graph/test_request_memory.py",
        "tests/graph/test_traceback_release.py",
    ),
}

_COPY_IGNORE = shutil.ignore_patterns(
    ".git", ".venv", "var", "build", "mutants", "node_modules", "__pycache__", "*.egg-info",
    ".hypothesis", ".pytest_cache", ".ruff_cache",
)  # fmt: skip
_STATUS = {1: "killed", 3: "killed", 0: "survived", 5: "no tests", 33: "no tests", 34: "skipped"}
_STATUS |= {36: "timeout", -24: "timeout", 24: "timeout", 152: "timeout", 255: "timeout"}


@dataclass
class ModuleScore:
    module: str
    counts: Counter[str]
    survivors: list[str]
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def caught(self) -> int:
        return self.counts["killed"] + self.counts["timeout"]

    @property
    def score(self) -> float:
        tested = self.total - self.counts["skipped"]
        return 100 * self.caught / tested if tested else 0.0


def scope() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mutmut"]
    modules: list[str] = config["only_mutate"]
    if sorted(modules) != sorted(TEST_FILES):
        raise SystemExit(f"TEST_FILES must name the test files of exactly {modules}")
    return modules


def mutmut_section(text: str, module: str, tests: list[str]) -> str:
    """pyproject.toml with [tool.mutmut] narrowed to one module and its test files."""
    config = tomllib.loads(text)["tool"]["mutmut"]
    config["only_mutate"] = [module]
    config["pytest_add_cli_args_test_selection"] = tests
    body = "".join(f"{key} = {json.dumps(value)}\n" for key, value in config.items())
    return re.sub(
        r"(?ms)^\[tool\.mutmut\]\n.*?(?=^\[|\Z)", lambda _: f"[tool.mutmut]\n{body}\n", text
    )


def copy_tree(copy: Path, rev: str | None) -> None:
    """The tree at ``rev``, or the working tree (None)."""
    if rev is None:
        shutil.copytree(ROOT, copy, ignore=_COPY_IGNORE)
        return
    copy.mkdir(parents=True)
    archive = subprocess.run(
        ["git", "archive", rev], cwd=ROOT, capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(copy)], input=archive, check=True)


def copy_of(module: str) -> Path:
    return WORKDIR / module.replace("/", "_").removesuffix(".py")


def tests_at(copy: Path, module: str) -> list[str]:
    tests = [path for path in TEST_FILES[module] if (copy / path.split("::")[0]).exists()]
    if len(tests) < len(TEST_FILES[module]):  # an older commit: score it with the tests it has
        print(f"{module}: not at this commit: {sorted(set(TEST_FILES[module]) - set(tests))}")
    if not tests:
        raise SystemExit(f"{module}: none of its test files is at this commit")
    return tests


def exit_codes(copy: Path, module: str) -> dict[str, int | None]:
    codes: dict[str, int | None] = json.loads((copy / "mutants" / f"{module}.meta").read_text())[
        "exit_code_by_key"
    ]
    return codes


def mutmut(copy: Path, max_children: int, names: list[str]) -> float:
    """Seconds ``mutmut run`` took in ``copy`` (all mutants, or ``names``)."""
    started = time.monotonic()
    with (copy / "mutmut.log").open("a") as log:
        command = ["nice", "-n", "19", str(MUTMUT), "run", "--max-children", str(max_children)]
        command += names
        subprocess.run(command, cwd=copy, stdout=log, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - started


def scored(copy: Path, module: str, seconds: float) -> ModuleScore:
    codes = exit_codes(copy, module)
    counts = Counter(_STATUS.get(code, "other") for code in codes.values())
    survivors = sorted(name for name, code in codes.items() if code == 0)
    return ModuleScore(module, counts, survivors, seconds)


def run_module(module: str, max_children: int, rev: str | None) -> ModuleScore:
    copy = copy_of(module)
    shutil.rmtree(copy, ignore_errors=True)
    copy_tree(copy, rev)
    pyproject = copy / "pyproject.toml"
    pyproject.write_text(mutmut_section(pyproject.read_text(), module, tests_at(copy, module)))
    return scored(copy, module, mutmut(copy, max_children, []))


def rerun_survivors(module: str, max_children: int, rev: str | None) -> ModuleScore:
    """The survivors and untested mutants of the last run, again, with the tests at ``rev``:
    minutes instead of a whole run while tests are being written. The module must be as it
    was, and its test files the same files (mutmut would start afresh otherwise)."""
    copy = copy_of(module)
    if not (copy / "mutants" / f"{module}.meta").exists():
        raise SystemExit(f"{module}: no earlier run in {copy}")
    fresh = copy.with_name(copy.name + ".fresh")
    shutil.rmtree(fresh, ignore_errors=True)
    copy_tree(fresh, rev)
    try:
        if (fresh / module).read_bytes() != (copy / module).read_bytes():
            raise SystemExit(f"{module} changed since its last run: score it afresh")
        selected = tomllib.loads((copy / "pyproject.toml").read_text())["tool"]["mutmut"]
        if selected["pytest_add_cli_args_test_selection"] != tests_at(fresh, module):
            raise SystemExit(f"{module}: its test files changed: score it afresh")
        shutil.rmtree(copy / "tests")
        shutil.copytree(fresh / "tests", copy / "tests")
    finally:
        shutil.rmtree(fresh, ignore_errors=True)
    names = [name for name, code in exit_codes(copy, module).items() if code in (0, 5, 33)]
    return scored(copy, module, mutmut(copy, max_children, names) if names else 0.0)


def report(scores: list[ModuleScore]) -> str:
    kinds = ("killed", "timeout", "survived", "no tests", "skipped", "other")
    header = f"{'module':28} {'total':>5} " + " ".join(f"{k:>8}" for k in kinds)
    lines = [header + "  score   wall"]
    for s in scores:
        cells = " ".join(f"{s.counts[k]:>8}" for k in kinds)
        minutes, secs = divmod(round(s.seconds), 60)
        lines.append(f"{s.module:28} {s.total:>5} {cells} {s.score:5.1f}% {minutes:3d}m{secs:02d}s")
    overall = ModuleScore("all", sum((s.counts for s in scores), Counter()), [], 0)
    lines.append(f"{'all':28} {overall.total:>5} caught {overall.caught}  {overall.score:.1f}%")
    lines += ["", "survivors:"] + [f"  {name}" for s in scores for name in s.survivors]
    return "\n".join(lines)


def resolve(rev: str) -> str:
    command = ["git", "rev-parse", "--verify", f"{rev}^{{commit}}"]
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help="modules of the scope (default: all)")
    parser.add_argument("--max-children", type=int, default=2)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--rev", default="HEAD", help="the commit to score (default HEAD)")
    where.add_argument("--worktree", action="store_true", help="score the working tree")
    parser.add_argument(
        "--survivors", action="store_true", help="run only the last run's survivors again"
    )
    args = parser.parse_args()
    rev = None if args.worktree else resolve(args.rev)
    modules = args.modules or scope()
    unknown = set(modules) - set(scope())
    if unknown:
        raise SystemExit(f"not in [tool.mutmut] only_mutate: {sorted(unknown)}")
    scores = []
    for module in modules:
        run = rerun_survivors if args.survivors else run_module
        scores.append(run(module, args.max_children, rev))
        print(report(scores[-1:]).splitlines()[1], flush=True)
    text = f"scored: {rev or 'the working tree'}\n" + report(scores)
    print(text)
    (WORKDIR / "report.txt").write_text(text + "\n")


if __name__ == "__main__":
    main()
