"""Dealertrack DMS sandbox (Supergood family): one dealer group, several rooftops."""

from sandbox.dealertrack.app import create_dealertrack
from sandbox.dealertrack.state import DealertrackState

__all__ = ["DealertrackState", "create_dealertrack"]
