"""The taper judgements of a Trial (trial.py), read off its taper spans: apart from trial.py
(400 lines) so that the course's taper readings sit together. `TrialTaper` is a base of the
frozen Trial dataclass, as TrialDose is, with no slots of its own."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fhir_mapping.trial_parts import TaperSpan


class TrialTaper:
    """Where a Trial's tapers start and whether they still run (its fields are on Trial)."""

    __slots__ = ()

    if TYPE_CHECKING:  # the Trial fields these read (trial.py documents them)
        taper_spans: tuple[TaperSpan, ...]
        taper_cut: tuple[TaperSpan, ...]

    @property
    def taper_from(self) -> date | None:
        """The first day a record of the course said was a step off the drug; None: no taper."""
        return self.taper_spans[0].start if self.taper_spans else None

    @property
    def being_tapered(self) -> bool:
        """Whether the course's last taper still runs: no later record went on at a steady
        dose (TaperSpan.end). The optimise card then offers no adjunct (card.taper_steps)."""
        return bool(self.taper_spans) and self.taper_spans[-1].end is None

    def tapered_throughout(self, start: date, end: date) -> bool:
        """Whether every day from `start` up to `end` is a step off the drug the weeks at an
        adequate dose left out (`taper_cut`): the timeline's "taper step", so it says what the
        cards count. A bar that goes on past a taper not followed through (TaperSpan.end) is the
        dose tried again, and keeps its range word."""
        return any(
            span.covers(start) and (span.end is None or end <= span.end) for span in self.taper_cut
        )
