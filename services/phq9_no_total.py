"""A PHQ-9 filed with answers but no total, and the one ask every card makes of it.

Review 17 M4: a form filed without its total (a 44249-1 panel whose item answers did not all come
with the chart, so fhir_mapping/phq9_item_sum.py could not sum them) is a PHQ-9 that was done,
not one that is missing: the measurement card asks to score it. Audit 17 M5: on the same screen
the optimise card said "repeat the PHQ-9" of the same course, and the card's one-click asked for
a new form: three asks for one form. Here once: which form it is (`latest_untotalled`) and how a
card asks for its total (`ASK`, `ASK_SHORT`, `REPEAT_LABEL`).

Not a form whose totals disagree (fhir_mapping/score_corrections.CONFLICTING_TOTALS: two totals
of one administration, each set aside, its item-9 answers kept on a score without a value): it
has totals, and the data gap names them (s27 RF finding 4: "has no total: score it" beside a
response summing to 1 and a flowsheet total 11 of one visit).

Nor a form named PHQ-9 that the service does not know (phq9_lookalike.UNRECOGNISED_PHQ9_RESPONSE)
whose item 9 was read by its words (fhir_mapping/phq9_form_item9.py, review s28 K10 finding 1):
its ask is the data gap's, "read it in the chart; map the site form", which reads every later
form too; "score it" is for a form the service reads. Nor any item-9-only score read by its words
(Score.item9_only): a form not named PHQ-9 (a PHQ-A, LOINC 89204-2; an opaque canonical) is not a
PHQ-9 to score (session 28 fix words28 item 3: "the PHQ-9 of 2026-11-25 has no total: score it"
beside a PHQ-A); its item 9 is a safety reading, and a positive one keeps the critical card.
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.phq9_lookalike import is_unrecognised_phq9
from fhir_mapping.record import DataDomain, PatientRecord, Score
from fhir_mapping.score_corrections import CONFLICTING_TOTALS

# The ask, in full (a detail) and short (a summary). Its total is the sum of its nine answers
# (Kroenke 2001; fhir_mapping/data/phq9_items.csv); the answers that did not come with the chart
# may be in the EHR's form, and only when they are not is a new PHQ-9 the way to a total.
ASK = "score it (the sum of its nine answers; repeat the PHQ-9 only if they are not all recorded)"
ASK_SHORT = "score it before deciding"
# The measurement card's one-click (a new PHQ-9): the fallback to the ask, not the ask itself.
REPEAT_LABEL = "Repeat the PHQ-9 if that form cannot be scored"


def latest_untotalled(record: PatientRecord, since: date, after: date | None) -> Score | None:
    """The latest PHQ-9 read with answers but no total (value None, an item-9 answer recorded),
    dated `since` or later and after `after` (the latest total's date, None: no total), else
    None. Not one of a day whose totals disagree (module docstring)."""
    gaps = record.gaps_in(DataDomain.SCORES)
    disagreeing = {g.date for g in gaps if g.reason == CONFLICTING_TOTALS}
    unmapped = {g.source for g in gaps if is_unrecognised_phq9(g) and g.source}  # docstring
    found = [
        s
        for s in record.scores
        if s.instrument == "PHQ-9"
        and s.value is None
        and s.item9 is not None
        and not s.item9_only
        and s.date >= since
        and s.date not in disagreeing
        and s.source not in unmapped
        and (after is None or s.date > after)
    ]
    return max(found, key=lambda s: s.date) if found else None


def no_total_text(score: Score) -> str:
    """ "the PHQ-9 of 2025-05-26 has no total"."""
    return f"the PHQ-9 of {score.date.isoformat()} has no total"
