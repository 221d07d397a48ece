"""Response and remission on the depression scales other than the PHQ-9 (review 13 W10).

A course with no PHQ-9 on treatment but the SAME other scale before and on it (HAM-D17, MADRS,
QIDS-SR16, BDI-II: the scales payers accept, read by scores.py) is judged by that scale: response
is the same >= 50 % drop as for the PHQ-9 (record.RESPONSE_FRACTION; the table's
`response_drop_percent` says so per scale and is checked against it), remission the scale's own
cut-off (`remission_at_most`, inclusive, with sources in data/scale_outcomes.csv). Scales are
never mixed within one before/after pair, and the PHQ-9 stays first (score_windows.py).

Where two other scales both give a pair, the lower `preference` wins: the clinician-rated scales
(HAM-D17, MADRS) before the self-reports, as TMS payers and trials read them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class ScaleOutcome:
    instrument: str  # as data/observation_codes.csv names it: "MADRS"
    preference: int
    remission_at_most: int  # remission: total <= this
    response_drop_percent: int
    citation: str
    # The floor of the scale's moderate band (column moderate_from): a trial from a baseline
    # below it that stays below it on treatment is residual mild symptoms, never a failed trial
    # (Trial.mild_residual; the PHQ-9's floor is MappingPolicy.failure_min_baseline_phq9).
    moderate_from: int | None = None


@cache
def scale_outcomes() -> dict[str, ScaleOutcome]:
    """instrument -> its outcome cut-offs, in order of preference."""
    text = resources.files("fhir_mapping").joinpath("data/scale_outcomes.csv").read_text("utf-8")
    rows = [
        ScaleOutcome(
            instrument=row["instrument"],
            preference=int(row["preference"]),
            remission_at_most=int(row["remission_at_most"]),
            response_drop_percent=int(row["response_drop_percent"]),
            citation=row["citation"],
            moderate_from=int(row["moderate_from"]) if row.get("moderate_from") else None,
        )
        for row in csv.DictReader(text.splitlines())
    ]
    return {row.instrument: row for row in sorted(rows, key=lambda r: r.preference)}


@cache
def remission_below(instrument: str) -> int | None:
    """The exclusive cut-off (total < this is remission) of an other scale, as Trial compares
    the PHQ-9's (`remission_below`); None for an instrument not in the table."""
    row = scale_outcomes().get(instrument)
    return None if row is None else row.remission_at_most + 1


@cache
def moderate_from(instrument: str) -> int | None:
    """The least total of an other scale's moderate band; None for an instrument not in the
    table or without the value."""
    row = scale_outcomes().get(instrument)
    return None if row is None else row.moderate_from


def remission_text(instrument: str) -> str:
    """ "MADRS <= 10 (Hawley 2002; Riedel 2010)": the cut-off as a card cites it."""
    row = scale_outcomes()[instrument]
    return f"{instrument} <= {row.remission_at_most} ({row.citation})"
