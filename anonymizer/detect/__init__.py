"""Detectors: each finds one kind of identifier in a piece of text."""
from .base import Finding  # noqa: F401
