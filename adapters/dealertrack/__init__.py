from adapters.dealertrack.adapter import DealertrackAdapter

__all__ = ["DealertrackAdapter"]
