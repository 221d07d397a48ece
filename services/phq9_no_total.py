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

Nor the item answers of a form whose total was filed `preliminary` (care69, review K61a finding 10:
a total 18 filed `preliminary` and its item 9 filed `final` read "has no total: score it"): a total
exists, not yet reviewed, and the cards name it so (services/preliminary_phq9.py).

A form not finished (a response in progress or stopped, read for item 9: fhir_mapping/
unfinished_form.py) is named with what it holds so far and asked to be completed, never "has no
total: score it" (review s34 K39a finding 4: said of a form carrying all nine answers and 23).
"""

from __future__ import annotations

from datetime import date

from fhir_mapping.phq9_lookalike import is_unrecognised_phq9
from fhir_mapping.record import DataDomain, PatientRecord, Score
from fhir_mapping.score_corrections import CONFLICTING_TOTALS
from fhir_mapping.unfinished_form import UNFINISHED_PHQ9
from services import preliminary_phq9

# The ask, in full (a detail) and short (a summary). Its total is the sum of its nine answers
# (Kroenke 2001; fhir_mapping/data/phq9_items.csv); the answers that did not come with the chart
# may be in the EHR's form, and only when they are not is a new PHQ-9 the way to a total.
ASK = "score it (the sum of its nine answers; repeat the PHQ-9 only if they are not all recorded)"
ASK_SHORT = "score it before deciding"
# The measurement card's one-click (a new PHQ-9): the fallback to the ask, not the ask itself.
REPEAT_LABEL = "Repeat the PHQ-9 if that form cannot be scored"
# The same asks of a form not finished (in progress or stopped: unfinished_form.py): it is
# completed, not scored; its total so far judges nothing (review s34 K39a finding 4).
ASK_UNFINISHED = (
    "complete it (its total so far is not final; repeat the PHQ-9 if it cannot be completed)"
)
ASK_SHORT_UNFINISHED = "complete it before deciding"
REPEAT_UNFINISHED = "Repeat the PHQ-9 if that form cannot be completed"


def latest_untotalled(record: PatientRecord, since: date, after: date | None) -> Score | None:
    """The latest PHQ-9 read with answers but no total (value None, an item-9 answer recorded),
    dated `since` or later and after `after` (the latest total's date, None: no total), else
    None. Not one of a day whose totals disagree (module docstring)."""
    gaps = record.gaps_in(DataDomain.SCORES)
    disagreeing = {g.date for g in gaps if g.reason == CONFLICTING_TOTALS}
    unmapped = {g.source for g in gaps if is_unrecognised_phq9(g) and g.source}  # docstring
    # A total filed that day, not yet reviewed (module docstring): not a form to score.
    preliminary = {s.date for s in preliminary_phq9.totals(record)}
    found = [
        s
        for s in record.scores
        if s.instrument == "PHQ-9"
        and s.value is None
        and s.item9 is not None
        and not s.item9_only
        and s.date >= since
        and s.date not in disagreeing
        and s.date not in preliminary
        and s.source not in unmapped
        and (after is None or s.date > after)
    ]
    return max(found, key=lambda s: s.date) if found else None


def unfinished(record: PatientRecord, score: Score) -> str:
    """What an unfinished form (a response in progress or stopped) holds so far, "in progress,
    total 23 as filed" (fhir_mapping/unfinished_form.py), else "": its total is not final, so
    the ask is to complete it, not to score it (review s34 K39a finding 4: "has no total" of a
    form carrying 23)."""
    if score.source is None:
        return ""
    for gap in record.gaps_in(DataDomain.SCORES):
        if gap.reason == UNFINISHED_PHQ9 and gap.source == score.source:
            return gap.stated
    return ""


def no_total_text(record: PatientRecord, score: Score) -> str:
    """ "the PHQ-9 of 2025-05-26 has no total"; "the PHQ-9 of 2026-11-15 is in progress, total
    23 as filed (not final)" for an unfinished form."""
    day = score.date.isoformat()
    so_far = unfinished(record, score)
    return (
        f"the PHQ-9 of {day} is {so_far} (not final)"
        if so_far
        else f"the PHQ-9 of {day} has no total"
    )


def ask(record: PatientRecord, score: Score) -> str:
    """`ASK`, or `ASK_UNFINISHED` for an unfinished form."""
    return ASK_UNFINISHED if unfinished(record, score) else ASK


def ask_short(record: PatientRecord, score: Score) -> tuple[str, str]:
    """(`ASK_SHORT`, "score it"), or the unfinished form's ("complete it ...", "complete it")."""
    if unfinished(record, score):
        return ASK_SHORT_UNFINISHED, "complete it"
    return ASK_SHORT, "score it"


def repeat_label(record: PatientRecord, score: Score) -> str:
    """`REPEAT_LABEL`, or the unfinished form's."""
    return REPEAT_UNFINISHED if unfinished(record, score) else REPEAT_LABEL


def newer_unfinished(record: PatientRecord, after: date | None) -> str:
    """ "the PHQ-9 of 2026-11-15 is in progress, total 3 as filed (not final)": the latest form
    not finished (unfinished_form.py) dated after `after` (any, when None), else "". The TMS
    card names it beside its severity criterion as it names a preliminary total (review K47b on
    fix score53: the measurement card said "complete it" while the TMS card offered the referral
    on the older completed 18 and named no newer form). It judges nothing: never an outcome."""
    if not record.gaps:  # nearly every chart
        return ""
    found = [
        g
        for g in record.gaps_in(DataDomain.SCORES)
        if g.reason == UNFINISHED_PHQ9 and g.date is not None and (after is None or g.date > after)
    ]
    if not found:
        return ""
    gap = max(found, key=lambda g: g.date or date.min)
    return f"the PHQ-9 of {(gap.date or date.min).isoformat()} is {gap.stated} (not final)"
