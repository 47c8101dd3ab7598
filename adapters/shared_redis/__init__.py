"""State the server processes of one deployment share on Redis, so N replicas act as one
towards each vendor: request budgets and pauses (``window``), Supergood sessions with the
lock around sign-ins and MFA (``sessions``, ``lock``), TOTP steps (``totp``), circuits
(``circuits``) and the dropping of cached answers (``cache_events``). ``RedisConnection``
(``store``) is one process's connection and names the keys; ``RedisShared`` adds what
``adapters.shared.SharedCredentials`` builds from it when given one. Secrets (session
tokens, MFA challenges) are sealed with Fernet before they are written; keys name
credentials by digest only."""

from __future__ import annotations

from typing import Any

from adapters.ratelimit import RateBudget
from adapters.shared_redis.cache_events import CacheInvalidations
from adapters.shared_redis.circuits import RedisCircuitShare
from adapters.shared_redis.sessions import RedisSessionShare
from adapters.shared_redis.store import RedisConnection, SharedStateUnavailable
from adapters.shared_redis.totp import RedisTotpSteps
from adapters.shared_redis.window import RedisWindow


class RedisShared(RedisConnection):
    """The connection, and each concern's shared state built on it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.invalidations = CacheInvalidations(self)
        """Cached answers a write dropped here are dropped in the other processes too."""

    def window(self, vendor: str, credential: str, budget: RateBudget | None) -> RedisWindow:
        return RedisWindow(self, self.key("budget", vendor, credential), budget)

    def sessions(self, login: str) -> RedisSessionShare:
        return RedisSessionShare(self, login)

    def circuit(self, name: str, threshold: int) -> RedisCircuitShare:
        return RedisCircuitShare(self, self.key("circuit", name), threshold)

    def totp_steps(self) -> RedisTotpSteps:
        return RedisTotpSteps(self)

    async def close(self) -> None:
        await self.invalidations.close()
        await super().close()


__all__ = ["RedisConnection", "RedisShared", "SharedStateUnavailable"]
