"""The rows of data/self_harm_terms.csv, read once for every reader of the self-harm words (the
one-more-read of session 33: each reader had parsed the file on its own, the same four lines in
each module). Raw terms in table order; each reader normalises and compiles them its own way."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

__all__ = ["rows", "terms"]


@cache
def rows() -> tuple[tuple[str, str], ...]:
    """(role, term) of every row, in table order."""
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    return tuple((row["role"], row["term"]) for row in csv.DictReader(text.splitlines()))


def terms(*roles: str) -> tuple[str, ...]:
    """The raw terms of `roles`, in table order; () for roles with no rows."""
    return tuple(term for role, term in rows() if role in roles)
