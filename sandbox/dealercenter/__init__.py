"""DealerCenter sandbox (Supergood family): one independent buy-here-pay-here dealership
per integration."""

from sandbox.dealercenter.app import create_dealercenter
from sandbox.dealercenter.state import DealerCenterState

__all__ = ["DealerCenterState", "create_dealercenter"]
