"""What a connection remembers of its calls, per store: the circuit breaker and the record
``health()`` reports.

A login that serves several stores (Dealertrack rooftops, AutoSync shops) keeps one track
per store, so a store whose data the vendor cannot serve fails fast on its own while its
siblings go on; calls that concern no store (logins, store listings) share one track.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from adapters.circuit import CircuitBreaker, CircuitState
from adapters.health import ConnectionHealth, ConnectionState, MfaChallenge
from adapters.observing import RequestObserver as RequestObserver  # shared.py's import

_SEVERITY = [
    ConnectionState.UNKNOWN,
    ConnectionState.OK,
    ConnectionState.DEGRADED,
    ConnectionState.CIRCUIT_OPEN,
    ConnectionState.AUTH_FAILED,
    ConnectionState.NEEDS_MFA,
]
_EPOCH = datetime.min.replace(tzinfo=UTC)

ScopeOf = Callable[[str, Mapping[str, str] | None, Any], str | None]
"""The store a request (path, query, JSON body) concerns, or None."""


@dataclass
class CallTrack:
    circuit: CircuitBreaker
    calls: int = 0
    failures: int = 0
    """Consecutive failures that concern the connection (not refused input)."""
    last_error_code: str | None = None
    last_error_at: datetime | None = None
    last_success_at: datetime | None = None
    last_call_retried: bool = False

    def succeeded(self, *, retried: bool) -> None:
        self.calls += 1
        self.failures = 0
        self.last_call_retried = retried
        self.last_success_at = datetime.now(UTC)

    def answered(self) -> None:
        """The vendor answered, refusing the input: nothing wrong with the connection."""
        self.calls += 1
        self.failures = 0
        self.last_call_retried = False

    def failed(self, code: str) -> None:
        self.calls += 1
        self.failures += 1
        self.last_error_code = code
        self.last_error_at = datetime.now(UTC)

    def health(self, mfa: MfaChallenge | None, refused: bool = False) -> ConnectionHealth:
        if mfa is not None:
            state = ConnectionState.NEEDS_MFA
        elif refused:
            state = ConnectionState.AUTH_FAILED
        elif self.circuit.state is not CircuitState.CLOSED:
            state = ConnectionState.CIRCUIT_OPEN
        elif self.calls == 0:
            state = ConnectionState.UNKNOWN
        elif self.failures or self.last_call_retried:
            state = ConnectionState.DEGRADED
        else:
            state = ConnectionState.OK
        return ConnectionHealth(
            state=state,
            last_error_code=self.last_error_code,
            last_error_at=self.last_error_at,
            last_success_at=self.last_success_at,
            consecutive_failures=self.failures,
            mfa=mfa,
        )


@dataclass
class CallTracks:
    """One track per store a connection's requests name (``scope_of``); all in one track
    when the vendor's login is itself one store."""

    new_circuit: Callable[[str | None], CircuitBreaker]
    """A circuit for a store (None: the login's own calls)."""
    scope_of: ScopeOf | None = None
    _tracks: dict[str | None, CallTrack] = field(default_factory=dict)

    def store_of(self, path: str, params: Mapping[str, str] | None, body: Any) -> str | None:
        """The store a request concerns, or None where the login is itself one store."""
        return self.scope_of(path, params, body) if self.scope_of is not None else None

    def for_request(self, path: str, params: Mapping[str, str] | None, body: Any) -> CallTrack:
        return self.get(self.store_of(path, params, body))

    def get(self, scope: str | None) -> CallTrack:
        track = self._tracks.get(scope)
        if track is None:
            track = self._tracks[scope] = CallTrack(self.new_circuit(scope))
        return track

    def health(
        self, store_id: str | None, mfa: MfaChallenge | None, refused: bool = False
    ) -> ConnectionHealth:
        """One store's view, or with ``store_id`` None (or no store scopes) the whole
        connection's: the worst state any of its stores is in, the latest error."""
        if store_id is not None and self.scope_of is not None:
            track = self._tracks.get(store_id)
            views = [track.health(mfa, refused)] if track is not None else []
        else:
            views = [t.health(mfa, refused) for t in self._tracks.values()]
        if not views:
            return CallTrack(self.new_circuit(None)).health(mfa, refused)  # no calls yet
        worst = max(views, key=lambda v: _SEVERITY.index(v.state))
        errors = [v for v in views if v.last_error_at is not None]
        latest_error = max(errors, key=lambda v: v.last_error_at or _EPOCH, default=worst)
        successes = [v.last_success_at for v in views if v.last_success_at is not None]
        return replace(
            worst,
            last_error_code=latest_error.last_error_code,
            last_error_at=latest_error.last_error_at,
            last_success_at=max(successes, default=None),
            consecutive_failures=max(v.consecutive_failures for v in views),
        )

    def reset_circuits(self) -> None:
        """An operator asks to try again: every store's circuit closes."""
        for scope, track in self._tracks.items():
            self._tracks[scope] = CallTrack(self.new_circuit(scope))
            self._tracks[scope].last_error_code = track.last_error_code
            self._tracks[scope].last_error_at = track.last_error_at
            self._tracks[scope].last_success_at = track.last_success_at

    def signed_in(self) -> None:
        """An operator's code signed the login in: every store's calls may work again."""
        self.get(None)
        for track in self._tracks.values():
            track.succeeded(retried=False)
