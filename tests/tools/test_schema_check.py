"""schema.graphql with the JavaScript tools frontends and gateways use (tools/schema-check):
graphql-js, graphql-codegen + ``tsc --strict``, @apollo/composition and @apollo/gateway.

Node.js (20 or newer) and npm are required: without them these tests fail and say so.
``npm ci`` runs from the lockfile, again only when package-lock.json changes."""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sandbox import SandboxOptions
from tests.graph.conftest import FULL_KEY, start_api

ROOT = Path(__file__).resolve().parents[2]
TOOLS = ROOT / "tools" / "schema-check"
STAMP = TOOLS / "node_modules" / ".dealergraph-lockfile-sha256"
RFC3339 = "https://datatracker.ietf.org/doc/html/rfc3339#section-5.6"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=TOOLS, capture_output=True, text=True, check=False)


def _explain(done: subprocess.CompletedProcess[str]) -> str:
    return f"{' '.join(done.args)} exited {done.returncode}\n{done.stdout}\n{done.stderr}"


@pytest.fixture(scope="module")
def node_tools() -> None:
    """Node and npm are there, and tools/schema-check/node_modules matches the lockfile."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        pytest.fail(
            f"{' and '.join(missing)} not found: the schema check (tools/schema-check, see"
            " docs/codegen.md) needs Node.js 20 or newer with npm on PATH"
        )
    version = _run("node", "--version").stdout.strip()
    major = re.match(r"v(\d+)\.", version)
    if major is None or int(major.group(1)) < 20:
        pytest.fail(f"the schema check needs Node.js 20 or newer, found {version!r}")
    wanted = hashlib.sha256((TOOLS / "package-lock.json").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text() != wanted:
        done = _run("npm", "ci", "--no-audit", "--no-fund")
        assert done.returncode == 0, _explain(done)
        STAMP.write_text(wanted)


def test_graphql_js_builds_the_schema_file_and_validates_the_operations(
    node_tools: None,
) -> None:
    done = _run("node", "check-schema.mjs")
    assert done.returncode == 0, _explain(done)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["specifiedBy"] == {
        "Decimal": "docs/codegen.md#decimal",
        "DateTime": RFC3339,
        "Date": RFC3339,
    }


def test_codegen_types_the_scalars_as_strings_and_tsc_strict_accepts_the_client(
    node_tools: None,
) -> None:
    generated = TOOLS / "generated" / "graphql.ts"
    generated.unlink(missing_ok=True)
    done = _run("node_modules/.bin/graphql-codegen", "--config", "codegen.ts", "--silent")
    assert done.returncode == 0, _explain(done)
    types = generated.read_text()
    assert "askingPrice: string | null" in types
    assert "updatedAt: string | null" in types
    # src/use-operations.ts asserts the exact types; a scalar typed any/unknown fails here.
    done = _run("node_modules/.bin/tsc", "--strict", "--noEmit", "-p", "tsconfig.json")
    assert done.returncode == 0, _explain(done)


async def test_composes_with_a_relay_subgraph_and_answers_an_entity_query_through_the_gateway(
    node_tools: None,
) -> None:
    async for api in start_api(SandboxOptions(seed=1, rate_limit_per_minute=100_000)):
        process = await asyncio.create_subprocess_exec(
            "node",
            "federation.mjs",
            api.url,
            FULL_KEY,
            cwd=TOOLS,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await process.communicate()
        listed = await api.data("query Names { dealerships { id name } }")
    lines = out.decode().strip().splitlines()
    assert lines, f"no report; exit {process.returncode}\n{err.decode()}"
    report: dict[str, Any] = json.loads(lines[-1])
    assert report["composition"]["errors"] == [], report["composition"]
    assert process.returncode == 0, f"{report}\n{err.decode()}"
    # Dealerships (names) from dealergraph, reviews from the other subgraph, and each
    # review's dealership name back from dealergraph's _entities.
    dealerships = report["result"]["data"]["dealerships"]
    names = {d["id"]: d["name"] for d in listed["dealerships"]}
    assert {d["id"]: d["name"] for d in dealerships} == names
    for dealership in dealerships:
        reviews = dealership["reviews"]
        assert reviews["totalCount"] == 3
        assert reviews["pageInfo"]["hasNextPage"] is True
        assert [r["dealership"] for r in reviews["nodes"]] == [
            {"id": dealership["id"], "name": dealership["name"]}
        ] * 2
