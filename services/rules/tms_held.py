"""What a hold of the TMS referral is (split out of rules/tms_referral_held.py at 400 lines, opt63:
its dose hold moved to rules/tms_dose_held.py, which builds one too)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Held:
    """Why the referral is not the recommended step now: `first`, what the summary says comes
    before it ("repeat the PHQ-9"); `line`, the detail's sentence; `raises`, the drug `first`
    raises (a dose to raise first), whose raise a safety card may hold on the optimise card
    (tms_follows_optimise.py then leads with that hold's step); `back`, when the one-click
    comes back, if not once `first` is on record."""

    first: str
    line: str
    raises: str = ""
    # When the one-click comes back, where "once that is on record" would not be true (a
    # safety plan is not read from the chart): hold_survival.step_held says it.
    back: str = ""


# How each hold's detail line opens.
NOT_RECOMMENDED = "**Referral not marked recommended"
