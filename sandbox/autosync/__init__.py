"""AutoSync Shop Manager sandbox: API-key auth, shops, work orders and the rest."""

from sandbox.autosync.app import create_autosync
from sandbox.autosync.state import AutoSyncState

__all__ = ["AutoSyncState", "create_autosync"]
