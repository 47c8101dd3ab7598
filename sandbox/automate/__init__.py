"""Auto/Mate DMS sandbox (Supergood family): one dealership per integration."""

from sandbox.automate.app import create_automate
from sandbox.automate.state import AutoMateState

__all__ = ["AutoMateState", "create_automate"]
