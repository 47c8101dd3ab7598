"""State the server processes of one deployment share on Redis, so N replicas act as one
towards each vendor: request budgets and pauses (``window``), Supergood sessions with the
lock around sign-ins and MFA (``sessions``, ``lock``), TOTP steps (``totp``) and circuits
(``circuits``). ``RedisShared`` (``store``) is one process's connection and names the keys;
``adapters.shared.SharedCredentials`` picks these over its in-process defaults when given
one. Secrets (session tokens, MFA challenges) are sealed with Fernet before they are
written; keys name credentials by digest only."""

from adapters.shared_redis.store import RedisShared, SharedStateUnavailable

__all__ = ["RedisShared", "SharedStateUnavailable"]
