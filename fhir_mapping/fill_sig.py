"""A fill's quantity over its stated days beside the sig it carries (review s23 RR finding 3).

A dispense that states its quantity and daysSupply says how much the pharmacy gave for how long:
60 tablets of 50 mg for 30 days is 100 mg/day however its sig reads. Before, the sig always won
once it could be read: "8am and 8pm 2 tabs" on fills of 60 for 30 days read 200 mg/day (2
tablets each time), and the dose-first raise to 200 was lost though every fill supplied 100.

THE RULE (`with_fill`), for a dispense whose free-text sig gives its dose (`read_from_sig`: no
structured dose, not as needed), of a daily product (never a weekly one: its sig's mg are one
administration's, its fill's a day's; medication_event.py only asks for a daily dose basis), and
that states both quantity and daysSupply (a supply worked out from the sig itself says nothing new):
- a CLEAR sig keeps its reading whatever the fill: one odd fill (30 escitalopram tablets for 90
  days on "1 tablet (20 mg) daily", 90 sertraline 100 for 30 days) is a pack, a stock-up or a
  typing slip far more often than a dose the prescriber did not write, and reading the fill made
  a patient at the maximum "below the adequate range: raise" (review s23 RR2 finding 4);
- an UNCLEAR sig (sig_unclear.py: one time said twice, an amount after its times) read as a
  range: a fill whose rate falls inside it (give or take `_AGREE` for packs that round a month:
  28, 30, 100 for 90 days) says which reading the pharmacy supplied and is the dose, as a fill
  without a sig is (fill_dose.py: the card then says "dose from fills, ordered 100-200 mg/day");
  a fill outside it settles nothing: the sig's range stands and its note names the fill
  ("sig unclear: '8am and 8pm 2 tabs', filled as 30 for 90 days"), never a wider range."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fhir_mapping.dose import as_needed
from fhir_mapping.dose_amount import ordered_dose
from fhir_mapping.fhir_fields import JSON_OBJECT
from fhir_mapping.fill_dose import FILL_DOSE_NOTE

# How far a fill's rate may stand from the sig's reading and still agree with it: a pack rounds
# a month's supply (28 or 30 tablets, 100 for 90 days: 11 % over). Antidepressant dose steps are
# a third or more of the dose (sertraline 150 -> 200, venlafaxine 75 -> 112.5), so a fifth tells
# a rounded pack from another dose. Sig-reading convention (session 23 RRC), not a clinical fact.
_AGREE = 0.2


@dataclass(frozen=True, slots=True)
class FillReading:
    """A dispense's dose once its fill is read beside its sig: (mg, upper mg or None) and the
    note that says why it moved (None: the sig's reading stands)."""

    mg: float
    mg_high: float | None
    note: str | None = None


def _number(value: float) -> str:
    return f"{value:g}"


def with_fill(
    sig: tuple[float, float | None], fill: tuple[float, float, float], unclear: str | None
) -> FillReading:
    """The dose of a dispense whose sig reads `sig` (mg, upper mg or None), given its fill
    (`fill`: mg/day, quantity, days) and the note of an unclear sig (`unclear`: sig_unclear's
    "sig unclear: '...'", or None for a clear sig): module docstring."""
    low, high = sig
    if unclear is None or high is None:
        return FillReading(low, high)  # a clear sig, or nothing to settle: the sig stands
    fill_mg, quantity, days = fill
    if low * (1 - _AGREE) <= fill_mg <= high * (1 + _AGREE):
        # An unclear sig the pharmacy read one way: that way, within the sig's range.
        return FillReading(min(max(fill_mg, low), high), None, FILL_DOSE_NOTE)
    return FillReading(
        low, high, f"{unclear}, filled as {_number(quantity)} for {_number(days)} days"
    )


def read_from_sig(dosages: Sequence[Mapping[str, Any]]) -> bool:
    """Whether a dispense's dose is its free-text sig's: no line states a structured dose
    (`doseAndRate`: the coded dose is the pharmacy's own reading, left as it is), and it is not
    taken as needed (its rate is capped at once a day whatever the fill supplies)."""
    lines = [line for line in dosages if isinstance(line, JSON_OBJECT)]
    return (
        bool(lines) and not as_needed(lines) and all(ordered_dose(line) is None for line in lines)
    )
