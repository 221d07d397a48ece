"""What a drug's dose is counted per: moved out of trial_parts.py whole (fix trial74 needed room
there; trial_parts.py re-exports it, so no importer changed)."""

from __future__ import annotations

from enum import StrEnum


class DoseBasis(StrEnum):
    """What a drug's dose is counted per (data/dose_basis.csv). Only DAILY doses are judged
    against a mg/day range; a per-session or per-interval dose is shown as such, never as mg/day
    (issue 11 item 5b)."""

    DAILY = "daily"
    SESSION = "session"  # esketamine: 56 or 84 mg per session in clinic
    INTERVAL = "interval"  # long-acting injectables: mg per injection every few weeks
