"""How urgent a suicide-risk card's ask is, and what that means on the card: one table
(data/suicide_urgency.csv) from an urgency to the card's indicator, the assessment's FHIR request
priority and the one-click label (review s26 RN finding 5).

Two cards asking the same thing ("assess suicide risk today") had two severities: the PHQ-9
item 9 card critical, the recent-psychiatric-discharge card a warning. Each now names its urgency
(rules/suicide_risk.py from the signal's level, rules/suicide_risk_discharge.py from whether an
assessment followed the discharge) and reads its indicator, priority and label here, so the same
ask cannot be worded or ranked two ways. The table also says which urgencies hold a change of
treatment until the assessment is done (`holds_changes`; services/suicide_today.py reads it for
the optimise card and the TMS gate, review s26 RK2 finding 2)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from services.recommendation import Indicator

ASSESS_TODAY = "assess-today"
ASSESS_TODAY_HIGH = "assess-today-high"
RECORD_ASSESSMENT = "record-assessment"
REVIEW_FINDING = "review-finding"
CHECK_CHART = "check-chart"
REASSESS_AT_VISITS = "reassess-at-visits"


@dataclass(frozen=True, slots=True)
class Urgency:
    """One row of data/suicide_urgency.csv."""

    name: str
    indicator: Indicator
    priority: str | None  # FHIR request-priority of the proposed assessment; None: nothing to order
    label: str | None  # the one-click's label; None: nothing to order
    ward_label: str | None  # the label on a psychiatric ward (the assessment is the ward's today)
    # While the card asks this, a change of treatment waits for the assessment: the optimise
    # card's drug proposals are text and the TMS card waits (services/suicide_today.py).
    holds_changes: bool = False

    def label_for(self, *, ward: bool) -> str:
        """The one-click's label (on the ward its own wording when the row has one)."""
        label = self.ward_label if ward and self.ward_label else self.label
        if label is None:
            raise ValueError(f"suicide urgency {self.name!r} orders nothing")
        return label


@cache
def _table() -> dict[str, Urgency]:
    text = resources.files("services").joinpath("data/suicide_urgency.csv").read_text("utf-8")
    return {
        row["urgency"]: Urgency(
            name=row["urgency"],
            indicator=Indicator(row["indicator"]),
            priority=row["priority"] or None,
            label=row["label"] or None,
            ward_label=row["ward_label"] or None,
            holds_changes=row["holds_changes"] == "yes",
        )
        for row in csv.DictReader(text.splitlines())
    }


def urgency(name: str) -> Urgency:
    return _table()[name]
