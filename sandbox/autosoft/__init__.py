"""AutoSoft DMS sandbox (Supergood family): one dealership per integration."""

from sandbox.autosoft.app import create_autosoft
from sandbox.autosoft.state import AutoSoftState

__all__ = ["AutoSoftState", "create_autosoft"]
