"""What the server processes of one deployment share of a Supergood login: its session, a
sign-in the vendor holds for a person's code, and its refused sign-ins, under one lock.

The vendor accepts each TOTP code once and texts a person for each SMS challenge, so N
processes must not each sign in: the one holding the login's lock signs in (or refreshes)
and leaves the session here; the others, waiting on the lock, then find it and use it.
``LocalSessionShare`` shares nothing (one process); ``adapters.shared_redis.sessions`` keeps
it on Redis. Times here are Unix seconds (``wall``), comparable between processes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from adapters.supergood.session_state import PendingCode, Session


@dataclass(frozen=True, slots=True)
class SharedLogin:
    """One login's state as every process sees it."""

    session: Session | None = None
    refresh_at: float = 0.0
    """When the session is due for refresh (Unix seconds)."""
    expires_at: float = 0.0
    pending: PendingCode | None = None


@dataclass(frozen=True, slots=True)
class SharedRefusals:
    """The sign-ins the DMS refused (Unix seconds) and its code for the last one."""

    times: tuple[float, ...] = ()
    code: str | None = None


class SessionShare(Protocol):
    def lock(self) -> AbstractAsyncContextManager[None]:
        """Held around every sign-in, refresh and MFA step of the login, by one process."""
        ...

    async def load(self) -> SharedLogin | None: ...

    async def save(self, login: SharedLogin) -> None: ...

    async def load_refusals(self) -> SharedRefusals | None: ...

    async def save_refusals(self, refusals: SharedRefusals) -> None: ...


class LocalSessionShare:
    """Nothing shared: the process's own auth strategy is the only holder of the session."""

    @asynccontextmanager
    async def _nothing(self) -> AsyncIterator[None]:
        yield

    def lock(self) -> AbstractAsyncContextManager[None]:
        return self._nothing()

    async def load(self) -> SharedLogin | None:
        return None

    async def save(self, login: SharedLogin) -> None:
        return None

    async def load_refusals(self) -> SharedRefusals | None:
        return None

    async def save_refusals(self, refusals: SharedRefusals) -> None:
        return None


LOCAL_SESSIONS = LocalSessionShare()
