from adapters.automate.adapter import AutoMateAdapter

__all__ = ["AutoMateAdapter"]
