"""Which Observations are the rating scales scores.py reads: the rows of
data/observation_codes.csv whose concept is a scale (PHQ-9 total, panel and item 9, PHQ-2,
GAD-7, the other severity scales payers accept for TMS, the alcohol screens), found by an
Observation's first coding in the table (`scale_row`), and build_record's cheap filter (`wants`).

Apart from scores.py (which reads the scales' values and dates) because build.py asks it of every
Observation before any is read; scores.py re-exports `wants`, `scale_row` and `is_scale`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fhir_mapping.codes import ObservationCode, observation_code_rows
from fhir_mapping.fhir_fields import codings
from fhir_mapping.screen_wording import SELF_HARM, named

Resource = Mapping[str, Any]

_SCORE_CONCEPTS = frozenset(
    {
        "phq9-total",
        "phq9-panel",
        "phq9-item9",
        # Items 1-8: read only to sum a panel filed without a total (review 17 M4).
        "phq9-item",
        "phq2-total",
        "gad7-total",
        # The EPDS total (review s22 RS finding 3): named beside "no PHQ-9 total" when newer
        # (services/no_phq9_words.py); it judges no trial. Its item 10 is screen_lookalike.py's.
        "epds-total",
        # The other severity scales payers accept for TMS (issue 12): standalone totals only.
        "hamd17-total",
        "madrs-total",
        "qids-sr16-total",
        "bdi2-total",
        # Alcohol screens (review 9 finding 8): read for the duloxetine rule only.
        "auditc-total",
        "auditc-panel",
        "audit-total",
        # The drug screen DAST-10 (review K61a s39 finding 8): its line on the diagnosis review.
        "dast10-total",
    }
)


def _row(concept: object) -> ObservationCode | None:
    rows = observation_code_rows()
    for system, code, _ in codings(concept):
        row = rows.get((system, code))
        if row is not None:
            return row
    return None


def is_scale(row: ObservationCode) -> bool:
    """Whether a row of data/observation_codes.csv is one of the scales read here."""
    return row.concept in _SCORE_CONCEPTS


# Totals whose code a site may also put on the screen's self-harm question: an Observation
# 71354-5 (the EPDS panel code, read as its total: review s28 RI finding 2) worded "The thought of
# harming myself has occurred to me" is item 10, not a total (review s27 K3 chart
# i_epds10_unknown_yes): read as screen_lookalike.py reads the item under a code not known.
_ITEM_WORDED = frozenset({"epds-total"})


def item_worded(row: ObservationCode, resource: Resource) -> bool:
    """Whether an Observation of a total's row is worded as the screen's self-harm question
    (screen_wording.named), so no total (`_ITEM_WORDED`)."""
    if row.concept not in _ITEM_WORDED:
        return False
    term = named(resource)
    return term is not None and term.kind == SELF_HARM


def scale_row(resource: Resource) -> ObservationCode | None:
    """The row an Observation is read by (the first of its codings in data/observation_codes.csv),
    when that row is a scale and the Observation is no self-harm question (`item_worded`); else
    None."""
    row = _row(resource.get("code"))
    if row is None or row.concept not in _SCORE_CONCEPTS or item_worded(row, resource):
        return None
    return row


def wants(resource: Resource) -> bool:
    """Cheap pre-validation filter: an Observation coded as one of the scales."""
    return scale_row(resource) is not None
