"""A final scale total a correction replaced (score_corrections.py rule 1: an `amended` or
`corrected` Observation of the same administration): read and applied, so not a data gap.

Fix score53 named it by a DataGap, which put it under "Data not read (the conclusion may change
once it is)" as "1 rating-scale result could not be read (a final total replaced by its
correction)" (review K47b: the correction WAS read and applied; "could not be read" claimed more
than happened). It is now a `CorrectedTotal` on the record (PatientRecord.corrected_totals), and
the cards name it beside the score they show, "PHQ-9 19 on 2026-11-20 (corrected from 7)", when
it changes a conclusion (services/score_correction_words.py).

The walk (scores.read_rated) returns one list of gaps; a correction travels in it as a carrier
DataGap (reason CORRECTED_TOTAL: `score` the total read, `value` the final total replaced,
`stated` the status as sent, `source` the replaced result) and build.py takes it out with
`apart` (through status_gaps.py) before the gaps reach the record. No card sees the carrier.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from fhir_mapping.data_gap import DataDomain, DataGap
from fhir_mapping.source_ref import SourceRef
from fhir_mapping.trial_parts import Score

# The carrier's reason (no values or dates): found by it, never listed.
CORRECTED_TOTAL = "a final total replaced by its correction"


@dataclass(frozen=True, slots=True)
class CorrectedTotal:
    """A final total (`replaced`) a correction of the same administration replaced: `value` is
    the total read (the one in PatientRecord.scores), `how` its status as sent ("corrected",
    "amended")."""

    instrument: str
    value: int
    replaced: int
    how: str
    date: date
    # The correcting result (the Score read), and the final one it replaced.
    source: SourceRef | None = None
    replaced_source: SourceRef | None = None

    def of(self, score: Score) -> bool:
        """Whether `score` is the total this correction gave (by its resource when both name
        one; else its scale, day and value)."""
        if score.instrument != self.instrument or score.date != self.date:
            return False
        if score.source is not None and self.source is not None:
            return score.source == self.source
        return score.value == self.value


def carrier(corrected: Score, replaced: int, how: str, source: SourceRef | None) -> DataGap:
    """The DataGap the walk carries a correction in (module docstring)."""
    return DataGap(
        DataDomain.SCORES,
        CORRECTED_TOTAL,
        source,
        date=corrected.date,
        stated=how,
        value=float(replaced),
        score=corrected,
    )


def apart(found: Iterable[DataGap], *, into: list[DataGap]) -> tuple[CorrectedTotal, ...]:
    """The corrections among `found`, the rest appended to `into` (the record's gaps)."""
    corrections = []
    for gap in found:
        score = gap.score
        if gap.reason != CORRECTED_TOTAL or score is None or score.value is None:
            into.append(gap)
            continue
        corrections.append(
            CorrectedTotal(
                score.instrument,
                score.value,
                int(gap.value or 0),
                gap.stated,
                score.date,
                score.source,
                gap.source,
            )
        )
    return tuple(corrections)
