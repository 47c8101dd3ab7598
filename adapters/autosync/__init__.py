from adapters.autosync.adapter import AutoSyncAdapter

__all__ = ["AutoSyncAdapter"]
