"""What the HTTP machinery tells its observers (the runtime's metrics and tracing).

``HttpClient`` reports through one ``RequestObserver``: each vendor request as it is sent
(``sending``, a context manager around the exchange, which may add headers such as a trace
context), each wait for the vendor's request budget, each circuit transition, each sign-in
and each read answered from the response cache or not. Every method does nothing here, so an
observer overrides only what it records; ``Observers`` tells several in turn.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from typing import Literal

from adapters.circuit import Admission, CircuitState

SignInOutcome = Literal["ok", "refused", "failed"]
"""``refused``: the vendor answered no (a wrong password, 4xx); ``failed``: no usable answer."""
CircuitTo = Literal["open", "half_open", "closed"]


@dataclass(slots=True)
class VendorCall:
    """One HTTP exchange with a vendor (each retry is another)."""

    vendor: str
    store: str | None
    """The store the request names (Dealertrack rooftop, AutoSync shop), else None."""
    method: str
    path: str
    attempt: int
    """0 for the first try, then 1, 2... for each retry, renewal or rate-limit resend."""
    headers: dict[str, str] = field(default_factory=dict)
    """Headers observers add to the request (``traceparent``)."""
    status: int | None = None
    """The HTTP status answered, once it is; None when no answer came."""


class RequestObserver:
    @contextmanager
    def sending(self, call: VendorCall) -> Iterator[None]:
        """Around one exchange: ``call.headers`` is sent, ``call.status`` is set after."""
        yield

    def budget_waited(self, vendor: str, seconds: float) -> None:
        """A request waited ``seconds`` for a slot in its vendor's budget (0: none)."""

    def circuit_moved(self, vendor: str, store: str | None, to: CircuitTo) -> None:
        """A store's circuit opened, let a probe through (half open) or closed."""

    def signed_in(self, vendor: str, outcome: SignInOutcome) -> None:
        """A login, session refresh or token grant of the auth strategy ended."""

    def cache_looked_up(self, vendor: str, path: str, hit: bool) -> None:
        """A read was answered without a vendor request (hit) or sent one (miss)."""


def circuit_transition(
    admission: Admission, before: CircuitState, after: CircuitState
) -> CircuitTo | None:
    """Where a call's outcome moved its circuit (``before`` and ``after`` recording it), if
    anywhere: ``open`` when a closed circuit opened or a probe failed, ``closed`` when an
    answer closed it. A probe let through is ``half_open``, reported at admission. A probe
    abandoned unanswered leaves the circuit half open again: no move."""
    if after is CircuitState.CLOSED:
        return "closed" if before is not CircuitState.CLOSED else None
    if before is CircuitState.CLOSED:
        return "open"
    if admission is Admission.PROBE and after is CircuitState.OPEN:
        return "open"
    return None


class Observers(RequestObserver):
    """Several observers, each told everything, in order."""

    def __init__(self, observers: Sequence[RequestObserver]) -> None:
        self._all = tuple(observers)

    @contextmanager
    def sending(self, call: VendorCall) -> Iterator[None]:
        with ExitStack() as stack:
            for observer in self._all:
                stack.enter_context(observer.sending(call))
            yield

    def budget_waited(self, vendor: str, seconds: float) -> None:
        for observer in self._all:
            observer.budget_waited(vendor, seconds)

    def circuit_moved(self, vendor: str, store: str | None, to: CircuitTo) -> None:
        for observer in self._all:
            observer.circuit_moved(vendor, store, to)

    def signed_in(self, vendor: str, outcome: SignInOutcome) -> None:
        for observer in self._all:
            observer.signed_in(vendor, outcome)

    def cache_looked_up(self, vendor: str, path: str, hit: bool) -> None:
        for observer in self._all:
            observer.cache_looked_up(vendor, path, hit)
