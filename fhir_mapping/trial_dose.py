"""The dose a Trial (trial.py) is taken at now, read off its dose segments: apart from trial.py
(400 lines) so that the course's dose readings sit together. `TrialDose` is a base of the frozen
Trial dataclass, as TrialOutcome is, with no slots of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fhir_mapping.trial_parts import DoseSegment


class TrialDose:
    """The present and highest daily doses of a Trial (its fields are declared on Trial)."""

    __slots__ = ()

    if TYPE_CHECKING:  # the Trial field these read (trial.py documents it)
        segments: tuple[DoseSegment, ...]

    @property
    def max_mg_per_day(self) -> float | None:
        doses = [s.mg_per_day for s in self.segments if s.mg_per_day is not None]
        return max(doses) if doses else None

    @property
    def current_mg_per_day(self) -> float | None:
        """The latest segment's dose, at the LOWER end of a range (adequacy, cover). A lowering
        ordered with no fill at it yet is read from its own day (Trial.lower_unfilled: the TCA
        level checks rest on it); cards that state the dose say it is not filled yet."""
        return self.segments[-1].mg_per_day if self.segments else None

    @property
    def current_mg_per_day_upper(self) -> float | None:
        """The latest segment's dose at the UPPER end of a range: for "above a maximum" checks."""
        return self.segments[-1].mg_per_day_upper if self.segments else None

    @property
    def current_mg_per_day_high(self) -> float | None:
        """The latest segment's upper end when its dose is a range, else None."""
        return self.segments[-1].mg_per_day_high if self.segments else None
