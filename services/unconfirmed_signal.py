"""A PHQ-9 of unconfirmed subject that would be a suicide-risk signal if it were this patient's
(review 17 recheck R1).

A result whose subject is only an identifier matching none of this patient's is not read as
this patient's (fhir_mapping/request_resources.py, review 17 U1): it may be someone else's. But
a PHQ-9 among them with a positive item 9 (>= 1: the suicide-risk card's own trigger) or a total
in the severe band (data/phq9_bands.csv) is a possible suicide signal, and it must not vanish
because an interface wrote the subject as an identifier. The recheck found the data-quality card
naming only the item 9 question, the same whether the answer was 0 or 3, with the drug
one-clicks live. So (the safer choice):
- the data-quality card's summary leads with the answer and date, and says to assess if it is
  this patient's (`summary`); its detail names every PHQ-9 result of unconfirmed subject with
  its value (`detail_line`);
- the optimise card's drug one-clicks are held until the subject is checked
  (rules/unconfirmed_signal_hold.py), as for an unanswered item 9 (rules/measurement_based_care
  .hold_one_click): a new drug one click away would be ordered before the question is settled.

The mapping reads each such Observation as if it were this patient's (DataGap.score,
fhir_mapping/excluded_resources.py); nothing here counts it as this patient's score.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from fhir_mapping.gaps import SUBJECT_UNCONFIRMED
from fhir_mapping.record import DataGap, Score
from services import cards, tables

# The band of data/phq9_bands.csv whose total is named as a signal on its own (Kroenke 2001:
# 20-27 severe).
_SEVERE = "severe"


def _phq9_gaps(gaps: Iterable[DataGap]) -> list[tuple[DataGap, Score]]:
    return [(g, g.score) for g in gaps if g.reason == SUBJECT_UNCONFIRMED and g.score is not None]


def _is_signal(score: Score) -> bool:
    """Item 9 answered 1-3, or a total in the severe band."""
    if score.item9 is not None and score.item9 >= 1:
        return True
    return score.value is not None and tables.phq9_band(score.value).band == _SEVERE


def signal_gaps(gaps: Iterable[DataGap]) -> list[DataGap]:
    """The gaps of unconfirmed subject whose PHQ-9 would be a signal (module docstring)."""
    return [g for g, score in _phq9_gaps(gaps) if _is_signal(score)]


def no_signal(gaps: Iterable[DataGap]) -> frozenset[DataGap]:
    """The PHQ-9 results of unconfirmed subject when none of them would be a signal (item 9 = 0,
    a total below the severe band): empty when one is. Such a result raises no card of its own
    (review 17 second recheck M1: a remitted chart got a warning naming a raw test name): it is
    named only where a card speaks, in that card's list of data not read, as any score gap is.
    With a signal among them all are named together (`detail_line`)."""
    every = _phq9_gaps(gaps)
    if any(_is_signal(score) for _, score in every):
        return frozenset()
    return frozenset(g for g, _ in every)


def _said(score: Score) -> str:
    """ "PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28", "PHQ-9 total 23 (severe) on ...";
    an item 9 answer and its total on one resource: both."""
    day = score.date.isoformat()
    parts = []
    if score.item9 is not None and not score.item9_inferred:
        answer = tables.item9_answers()[score.item9].display.lower()
        parts.append(f"item 9 = {score.item9} ({answer})")
    if score.value is not None:
        parts.append(f"total {score.value} ({tables.phq9_band(score.value).label})")
    return f"PHQ-9 {', '.join(parts)} on {day}" if parts else f"PHQ-9 on {day}"


def _lead(signals: Sequence[tuple[DataGap, Score]]) -> Score:
    """The result a summary leads with: the highest item 9 answer, then the highest total, then
    the latest."""
    return max(
        (score for _, score in signals),
        key=lambda s: (s.item9 if s.item9 is not None else -1, s.value or 0, s.date),
    )


def _urgent(score: Score) -> bool:
    """Item 9 'more than half the days' or 'nearly every day' (Simon 2013; data/
    phq9_item9_answers.csv `escalate`): same-day assessment."""
    return score.item9 is not None and tables.item9_answers()[score.item9].escalate


def summary(gaps: Iterable[DataGap]) -> str:
    """ "PHQ-9 item 9 = 3 (nearly every day) on 2025-05-28, subject not confirmed: if it is this
    patient's, assess today", or "" when no result of unconfirmed subject is a signal."""
    signals = [(g, g.score) for g in signal_gaps(gaps) if g.score is not None]
    if not signals:
        return ""
    lead = _lead(signals)
    act = "assess today" if _urgent(lead) else "assess suicide risk"
    said = _said(lead)
    return cards.fit_summary(
        f"{said}, subject not confirmed: if it is this patient's, {act}",
        f"{said}, subject not confirmed: if this patient's, {act}",
    )


def detail_line(gaps: Iterable[DataGap]) -> str:
    """The detail's first line when a result of unconfirmed subject is a signal: every PHQ-9
    result of unconfirmed subject with its value, what to do, and what is held; else ""."""
    every = _phq9_gaps(gaps)
    if not any(_is_signal(score) for _, score in every):
        return ""
    named = "; ".join(
        f"{_said(score)}" + (f" [{g.source}]" if g.source is not None else "") for g, score in every
    )
    lead = _lead([(g, s) for g, s in every if _is_signal(s)])
    act = (
        "assess suicide risk today (Simon 2013: item 9 'more than half the days' or 'nearly "
        "every day' calls for further assessment)"
        if _urgent(lead)
        else "assess suicide risk"
    )
    return (
        f"**Possible suicide-risk signal, subject not confirmed:** {named}. Not read as this "
        "patient's score: its subject is an identifier that matches none of this patient's. "
        f"Check whose it is; if it is this patient's, {act}. One-click drug orders are held "
        "until then."
    )


def held_line(gaps: Iterable[DataGap], labels: Sequence[str]) -> str | None:
    """The line on a card whose drug one-clicks are held for it (rules/unconfirmed_signal_hold
    .py); None when nothing is held or no result is a signal."""
    signals = [(g, g.score) for g in signal_gaps(gaps) if g.score is not None]
    if not labels or not signals:
        return None
    said = _said(_lead(signals))
    return (
        f"**One-click orders held:** {said} of unconfirmed subject (data-quality card): check "
        "whose it is and, if it is this patient's, assess suicide risk first; not one click "
        f"until then: {'; '.join(labels)}."
    )
