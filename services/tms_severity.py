"""The score the TMS rule reads severity from: the latest PHQ-9, else (a chart measured only on
another validated depression scale) that scale's latest total, judged by its own bands.

A course judged on the MADRS, HAM-D17, QIDS-SR16 or BDI-II alone
(fhir_mapping/scale_outcomes.py) counted as a failed trial, but the TMS rule asked for a PHQ-9
and no TMS card came. Payers accept a standardised rating scale (L34998, L37086: "documented by
a standardised rating scale"; Aetna CPB 0469 names the BDI, HDRS and MADRS; REFERENCE.md 3.2),
so another scale's score documents severity too. The PHQ-9 stays first (the clinic's threshold,
policy.tms_min_phq9, is a PHQ-9 total).

The clinic's PHQ-9 threshold is carried to another scale through the severity bands (Kroenke
2001 for the PHQ-9, data/payer_criteria/scale_bands.csv for the others): the band the threshold
opens (10 opens "moderate"), or the next band up when the threshold sits inside a band (a score
in a band that straddles the cut-off is not known to be above it: the stricter reading). A scale
without a band of that rank or above never passes: nothing is claimed that its bands cannot say.
"""

from __future__ import annotations

from fhir_mapping.record import DataDomain, PatientRecord, Score
from fhir_mapping.scale_outcomes import scale_outcomes
from fhir_mapping.scores import INCOMPLETE_PHQ9
from services.policy import Policy

PHQ9 = "PHQ-9"


# services.payer_criteria.bands is imported inside the functions below, on first use: the
# payer_criteria package imports services.pathway, which imports this module through
# tms_assessment (a cycle at import time).


def severity_score(record: PatientRecord, latest_phq9: Score | None) -> Score | None:
    """The latest PHQ-9 total (`latest_phq9`, record.latest_phq9()), else the latest total of
    another validated depression scale (data/scale_outcomes.csv), the preferred scale on a tie
    of dates; None when the chart has neither."""
    if latest_phq9 is not None and latest_phq9.value is not None:
        return latest_phq9
    preference = {name: row.preference for name, row in scale_outcomes().items()}
    others = [s for s in record.scores if s.instrument in preference and s.value is not None]
    if not others:
        return latest_phq9
    return max(others, key=lambda s: (s.date, -preference[s.instrument]))


def _rank_needed(min_phq9: int) -> int | None:
    """The band rank the PHQ-9 threshold stands for (see the module docstring)."""
    from services.payer_criteria.bands import bands_by_instrument

    for band in bands_by_instrument().get(PHQ9, ()):
        if band.lower <= min_phq9 <= band.upper:
            return band.rank if min_phq9 == band.lower else band.rank + 1
    return None


def _band_name(rank: int) -> str:
    from services.payer_criteria.bands import BAND_RANKS

    return next(name for name, r in BAND_RANKS.items() if r == rank)


def below_threshold(score: Score, policy: Policy) -> str | None:
    """Why the score does not show the severity the TMS rule asks for, as a blocker says it
    ("latest MADRS 12 (mild, Snaith 1986) is below the moderate band"), else None."""
    from services.payer_criteria.bands import scale_band

    value = score.value
    if value is None:
        return None
    if score.instrument == PHQ9:
        if value < policy.tms_min_phq9:
            return f"latest PHQ-9 {value} is below {policy.tms_min_phq9}"
        return None
    needed = _rank_needed(policy.tms_min_phq9)
    band = scale_band(score.instrument, value)
    shown = f"latest {score.instrument} {value}"
    if band is None or needed is None:
        return f"{shown} cannot be read against the PHQ-9 threshold {policy.tms_min_phq9}"
    if band.rank < needed:
        return (
            f"{shown} ({band.label}, {band.citation}) is below the {_band_name(needed)} band "
            f"(PHQ-9 threshold {policy.tms_min_phq9})"
        )
    return None


def score_text(score: Score) -> str:
    """ "PHQ-9 22", or "MADRS 30 (moderate, Snaith 1986)": another scale with its band, since the
    reader cannot judge its number against the PHQ-9's."""
    from services.payer_criteria.bands import scale_band

    if score.instrument == PHQ9 or score.value is None:
        return f"{score.instrument} {score.value}"
    band = scale_band(score.instrument, score.value)
    said = f" ({band.label}, {band.citation})" if band is not None else ""
    return f"{score.instrument} {score.value}{said}"


def short_text(record: PatientRecord, score: Score) -> str:
    """The TMS summary's score: "PHQ-9 22" ("PHQ-9 22 or 12" when its total and items
    disagree), or "PHQ-9 18 of 2025-05-12 (newer form incomplete)"
    when a PHQ-9 left incomplete (items answered, no total, no item 9: scores.INCOMPLETE_PHQ9)
    is dated after it. Review s27 RF finding 5: a completed form of 2025-06-10 whose answers
    allow a total of 1-4 at most, item 9 blank, and the summary still said "PHQ-9 18" as if it
    were the current severity; the detail says what the newer form allows (tms_referral_held)."""
    shown = f"{score.instrument} {score.value}"
    conflict = score.total_conflict
    if conflict is not None:
        # Its total and items disagree (review s27 K3 finding 5): both readings, never the
        # higher alone as the severity; the summary puts "check the PHQ-9 form" after them.
        other = min(conflict.filed, conflict.items_sum)
        shown = f"{shown} or {other}" if other != score.value else shown
    if score.instrument != PHQ9 or newer_incomplete(record, score) is None:
        return shown
    return f"{shown} of {score.date.isoformat()} (newer form incomplete)"


def newer_incomplete(record: PatientRecord, score: Score) -> tuple[str, str] | None:
    """The latest incomplete PHQ-9 dated after `score`, as (its day, what it allows: " (item 9
    unanswered; total 1-4 by the answers filed)"), else None."""
    found = [
        g
        for g in record.gaps_in(DataDomain.SCORES)
        if g.reason.startswith(INCOMPLETE_PHQ9) and g.date is not None and g.date > score.date
    ]
    if not found:
        return None
    gap = max(found, key=lambda g: g.date or score.date)
    said = gap.reason.removeprefix(INCOMPLETE_PHQ9).rsplit(": item 9 unknown", 1)[0]
    return (gap.date or score.date).isoformat(), said
