"""Dosage lines written in sequence: the steps of one order (review 12 finding 10).

Epic and Oracle Health write a multi-step instruction ("150 mg daily for 7 days, then 75 mg daily
for 7 days, then 75 mg every other day for 7 days") as one dosage line per step, numbered by
`Dosage.sequence`, each with its own `timing.repeat.boundsDuration` or `boundsPeriod`. FHIR R4
defines `sequence` as "the order in which the dosage instructions should be applied or
interpreted": lines of different numbers follow one another, lines of the same number are taken
together (50 mg in the morning + 100 mg at bedtime). Reading only the last step dropped the
first two and ended the course two weeks early (medication_dates.py, taper.py read the steps).

Steps are read only when every line carries a whole-number sequence and there are at least two:
a line without one beside numbered lines says nothing of where it falls, and is then read as
before (dose.py's last sequence), rather than guessed into a step.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from fhir_mapping.fhir_fields import JSON_OBJECT

Step = tuple[Mapping[str, Any], ...]  # the lines of one step, taken together


def sequence_steps(dosages: Sequence[Mapping[str, Any]] | None) -> tuple[Step, ...]:
    """The steps of `dosages` in sequence order, each the lines of one sequence number; () when
    the lines are not steps (fewer than two sequence numbers, or a line without one)."""
    if not dosages or len(dosages) < 2:
        return ()
    by_number: dict[int, list[Mapping[str, Any]]] = {}
    for line in dosages:
        if not isinstance(line, JSON_OBJECT):
            continue
        number = line.get("sequence")
        if isinstance(number, bool) or not isinstance(number, int):
            return ()
        by_number.setdefault(number, []).append(line)
    if len(by_number) < 2:
        return ()
    return tuple(tuple(by_number[n]) for n in sorted(by_number))
