"""The one error a payer rule set raises: unknown name, unreadable file, invalid content."""

from __future__ import annotations


class PayerCriteriaError(ValueError):
    """A payer rule set that cannot be used: unknown name, unreadable file, invalid content."""
