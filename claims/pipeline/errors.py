"""Errors the pipeline raises for input it cannot use. The message is shown to users."""

from __future__ import annotations


class ExtractionError(ValueError):
    """The input cannot be turned into an article (empty, binary, undecodable, no text)."""
