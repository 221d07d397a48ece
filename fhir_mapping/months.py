"""Month arithmetic of the episode rules: the same day some months later, as the ATHF's months
of euthymia and the policy's episode gap are counted (fhir_mapping/episode.py rules 1a-1c).

A module of its own because the episode start, its stated ends (episode_stated_ends.py) and the
trials of an episode (services/episode_trials.py) all count months the same way; episode.py
re-exports `add_months`.
"""

from __future__ import annotations

from calendar import monthrange
from datetime import date


def add_months(day: date, months: int) -> date:
    """The same day `months` later (clamped to the month's last day: Aug 31 + 6 = Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, monthrange(year, month)[1]))
