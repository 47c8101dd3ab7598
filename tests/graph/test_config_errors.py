"""Configuration refusals say where the problem is and never print a value from the file,
and no two API clients may share a name or a key."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.config import AppConfig, ConfigError, load_config
from graph.runtime import Runtime

SECRET = "sk_live_4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e"

CONNECTION = """
[[connections]]
id = "main"
dms = "autosync"
base_url = "http://127.0.0.1:9"
secrets = {{ api_key = "{api_key}" }}
[[connections.dealerships]]
id = "store"
name = "Store"
store_id = "1"
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "dealergraph.toml"
    path.write_text(text)
    return path


def test_a_literal_secret_is_refused_without_being_printed(tmp_path: Path) -> None:
    path = _write(tmp_path, CONNECTION.format(api_key=SECRET))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert "connections.0.secrets" in message
    assert "environment reference" in message
    # Not the key, nor any long piece of it.
    assert all(SECRET[i : i + 8] not in message for i in range(len(SECRET) - 8))
    assert err.value.__cause__ is None and err.value.__suppress_context__


def test_a_bad_value_is_located_not_echoed(tmp_path: Path) -> None:
    path = _write(tmp_path, '[server]\nport = "hunter2-not-a-port"\n')
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "server.port" in str(err.value)
    assert "hunter2" not in str(err.value)


def _clients(*clients: str) -> str:
    return CONNECTION.format(api_key="env:KEY") + "".join(clients)


def _client(name: str, key: str) -> str:
    return f'[[clients]]\nname = "{name}"\n{key}\ndealerships = ["*"]\n'


@pytest.mark.parametrize(
    ("clients", "problem"),
    [
        (
            [_client("web", 'key_env = "A"'), _client("web", 'key_env = "B"')],
            "client names must be unique; repeated: ['web']",
        ),
        (
            [_client("web", 'key_env = "A"'), _client("app", 'key_env = "A"')],
            "client key_env values must be unique; repeated: ['A']",
        ),
        (
            [
                _client("web", f'key_sha256 = "{"ab" * 32}"'),
                _client("app", f'key_sha256 = "{"AB" * 32}"'),
            ],
            "client key_sha256 values must be unique",
        ),
    ],
)
def test_clients_sharing_a_name_or_key_are_refused(
    tmp_path: Path, clients: list[str], problem: str
) -> None:
    with pytest.raises(ConfigError, match="problem") as err:
        load_config(_write(tmp_path, _clients(*clients)))
    assert problem in str(err.value)
    assert "ab" * 32 not in str(err.value).lower()


async def test_two_variables_holding_one_key_stop_start_up(tmp_path: Path) -> None:
    text = _clients(_client("web", 'key_env = "A"'), _client("app", 'key_env = "B"'))
    config: AppConfig = load_config(_write(tmp_path, text))
    environ = {"KEY": "k", "A": "same-key", "B": "same-key"}
    with pytest.raises(ConfigError, match=r"clients \['web', 'app'\] have the same API key"):
        await Runtime.start(config, environ)
