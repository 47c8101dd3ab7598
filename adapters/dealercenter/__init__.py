from adapters.dealercenter.adapter import DealerCenterAdapter

__all__ = ["DealerCenterAdapter"]
