from adapters.autosoft.adapter import AutoSoftAdapter

__all__ = ["AutoSoftAdapter"]
