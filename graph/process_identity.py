"""Which server process holds an in-flight write, so a replay after a crash need not wait
out the dead process's lease.

Each process names itself ``host/pid/nonce`` (the nonce is new at every start) in the
claims it takes. Another process on the same host can tell the owner is gone: its pid no
longer runs, or the pid is its own but the nonce is not (an earlier life of the same pid,
as after a container restart). An owner on another host cannot be checked from here: its
lease decides, unless the store can tell (``IdempotencyStore.owner_is_gone``).
"""

from __future__ import annotations

import os
import secrets
import socket
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProcessIdentity:
    host: str
    pid: int
    nonce: str

    def __str__(self) -> str:
        return f"{self.host}/{self.pid}/{self.nonce}"

    @classmethod
    def parse(cls, text: str | None) -> ProcessIdentity | None:
        parts = (text or "").rsplit("/", 2)
        if len(parts) != 3 or not parts[1].isdigit():
            return None
        return cls(parts[0], int(parts[1]), parts[2])

    def owner_is_gone(self, owner: str | None) -> bool:
        """Whether the process that wrote ``owner`` has certainly stopped (seen from this
        one); False when it cannot be told."""
        other = ProcessIdentity.parse(owner)
        if other is None or other.host != self.host:
            return False
        if other.pid == self.pid:
            return other.nonce != self.nonce
        try:
            os.kill(other.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False  # alive, run by another user
        return False


_current: ProcessIdentity | None = None


def this_process() -> ProcessIdentity:
    """This process's identity (a forked child gets its own)."""
    global _current
    if _current is None or _current.pid != os.getpid():
        _current = ProcessIdentity(socket.gethostname(), os.getpid(), secrets.token_hex(6))
    return _current
