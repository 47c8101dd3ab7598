"""The ``[shared]`` section at start-up: in-process sharing, or Redis for a deployment of
several server processes (README, "Running several processes")."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from adapters.errors import SharedStateUnavailable
from graph.config import ConfigError, SharedConfig
from graph.token_vault import TokenKeyError, fernet_for

if TYPE_CHECKING:
    from adapters.shared_redis import RedisShared


async def shared_redis(config: SharedConfig, environ: Mapping[str, str]) -> RedisShared | None:
    """The deployment's Redis, connected, or None when ``redis_url`` is not set (each
    process then shares only within itself). Refuses to start on Redis without the key that
    seals sessions there, or when Redis does not answer."""
    if config.redis_url is None:
        return None
    key = environ.get(config.key_env)
    if not key:
        raise ConfigError(
            f"[shared] redis_url is set but environment variable {config.key_env} is not: it"
            " holds the key vendor sessions are encrypted with in Redis (the same in every"
            " process, at least 32 characters)"
        )
    try:
        sealer = fernet_for(key)
    except TokenKeyError as exc:
        raise ConfigError(f"{config.key_env}: {exc}") from None
    # Imported here: loading redis-py would cost a process that shares nothing start-up time
    # (85 ms by -X importtime on the machine it was measured on).
    from adapters.shared_redis import RedisShared

    try:
        return await RedisShared.connect(config.redis_url, prefix=config.key_prefix, sealer=sealer)
    except SharedStateUnavailable as exc:
        raise ConfigError(f"[shared] redis_url: {exc.message}") from None
