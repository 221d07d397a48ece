"""A PHQ-9 item-9 answer on a form with no clinical date (review s34 K39a finding 1).

A QuestionnaireResponse may omit `authored` (R4 0..1) and an Observation may have neither
`effective[x]` nor `issued`. Such a form cannot date a score, so no trial, baseline or "latest
PHQ-9" rests on it (it stays a DataGap), but its item-9 answer is on record: a positive answer
was dropped in silence, and the optimise and TMS cards said item 9 was "not recorded".

`meta.lastUpdated` does not stand in as the date the patient answered: it is when the record
was last written (a migration, a re-index or a correction moves it), so it never orders a score
or judges a trial. It bounds the answer from above: the answer was on record when the record was
written, so it is that day or older. The suicide-risk look-back reads the answer by that bound
(the safer reading, as a month-only date is read by its last day: Score.latest_day), and the
card names it as the record's date, never as the day answered. With no `meta.lastUpdated` the
answer is undated as an undated problem-list entry is: current, closed by an assessment within
the ideation window (services/acute_risk.py).

Reading: fhir_mapping/item9_undated.py. Signal: services/risk_events.undated_item9_event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fhir_mapping.trial_parts import Score


@dataclass(frozen=True, slots=True)
class UndatedItem9:
    """One undated form's PHQ-9 item 9 (readable, 0 included, or unreadable: `Score.item9_unread`).

    `score.date` is a placeholder (the record date up to as-of, else as-of) that no card names;
    `record_date` is the day of `meta.lastUpdated` as written, None when it is absent."""

    score: Score
    record_date: date | None = None

    def record_words(self) -> str:
        """How a card names the form's missing date: "a form with no date (record last written
        2026-11-15, not the day answered)", or "a form with no date"."""
        if self.record_date is None:
            return "a form with no date"
        day = self.record_date.isoformat()
        return f"a form with no date (record last written {day}, not the day answered)"
