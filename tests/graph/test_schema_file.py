from pathlib import Path

from graph.schema import schema_sdl

ROOT = Path(__file__).resolve().parents[2]


def test_checked_in_schema_equals_served_schema() -> None:
    checked_in = (ROOT / "schema.graphql").read_text()
    assert checked_in == schema_sdl(), (
        "schema.graphql is stale: run `dealergraph export-schema --output schema.graphql`"
    )


def test_export_schema_command_prints_the_same(capsys) -> None:  # type: ignore[no-untyped-def]
    from graph.cli import main

    assert main(["export-schema"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.graphql").read_text()
