"""Stalkerware Lab: simulator, detector, labs and course for people who help victims of stalkerware."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("stalkerware-lab")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
