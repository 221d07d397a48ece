"""One day's C-SSRS answers and levels (fhir_mapping/suicide_screen.py), and the administrations
within that day.

The day is one screen ("One screen per day", suicide_screen.py): a QuestionnaireResponse and the
Observations extracted from it count once, and its answers and level are read together. When it
was taken is kept per administration (`Administration`): the resources that state one instant
are one administration, those with a date only another. One instant for the day (the earliest)
made a ward C-SSRS at 09:00 and a clinic C-SSRS at 14:00 one screen taken at 09:00, so after an
11:00 discharge the 14:00 assessment was not read as following it and the post-discharge card
stayed critical (session 29 leftover). services/psychiatric_discharge.py `shown_after` reads
which administrations follow the discharge and whether they, together, assess.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fhir_mapping.source_ref import SourceRef
from fhir_mapping.suicide_screen_answers import _LEVEL_RANK, skipped_by
from fhir_mapping.suicide_screen_codes import questions


@dataclass(frozen=True, slots=True)
class Administration:
    """The resources of one day's screen that state one instant (`at`), or its date-only ones
    (`at` None: on the discharge day, not shown to follow the discharge)."""

    at: datetime | None
    encounters: tuple[str, ...]  # the Encounters they name
    complete: bool  # one of them is a finished form
    asks: bool  # they answered an ideation question or recorded a risk level
    # One of them answered a question that could not be read ("Y" before it was a yes, a local
    # row): no negative screen, so no release of a discharge hold (recheck K21 s30 disc c4).
    unread: bool = False


@dataclass(slots=True)
class _Part:
    encounters: set[str] = field(default_factory=set)
    complete: bool = False
    asks: bool = False
    unread: bool = False


@dataclass(slots=True)
class ScreenDay:
    """One day's answers (concept -> yes), levels and sources, and its administrations."""

    answers: dict[str, bool] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)
    complete: bool = False
    # The questions answered with a value that could not be read (`unread`), in order.
    unread: list[str] = field(default_factory=list)
    sources: list[tuple[int, SourceRef]] = field(default_factory=list)
    instants: list[datetime | None] = field(default_factory=list)  # one per resource
    encounters: set[str] = field(default_factory=set)
    parts: dict[datetime | None, _Part] = field(default_factory=dict)
    # The administration the resource being read belongs to (`enter`).
    current: _Part = field(default_factory=_Part)
    # Questions answered "N/A" that the screener skips after a No to another (`skip`): (the
    # question, the concept whose No skips it, its resource, its administration); `settle`.
    skips: list[tuple[str, str, SourceRef | None, _Part]] = field(default_factory=list)

    def enter(
        self,
        at: datetime | None,
        source: SourceRef | None,
        rank: int,
        full: bool,
        visit: str | None,
    ) -> None:
        """A resource of this day: what it records next (`answer`, `level`) is its
        administration's, the one of its instant."""
        self.complete = self.complete or full
        if source is not None:
            self.sources.append((rank, source))
        self.instants.append(at)
        self.current = self.parts.setdefault(at, _Part())
        self.current.complete = self.current.complete or full
        if visit is not None:
            self.encounters.add(visit)
            self.current.encounters.add(visit)

    def answer(self, concept: str, yes: bool, *, full: bool) -> None:
        if not full and not yes:
            return  # an unfinished form's "no" is not a finished answer
        self.answers[concept] = self.answers.get(concept, False) or yes
        if questions()[concept].meaning == "ideation":
            self.current.asks = True

    def unread_answer(self, question: str) -> None:
        """A question of the current administration answered with a value not read."""
        if question not in self.unread:
            self.unread.append(question)
        self.current.unread = True

    def skip(self, concept: str, value: Mapping[str, Any], source: SourceRef | None) -> bool:
        """Whether `value` answers a question of the current administration with a skip word
        ("N/A") the screener's logic may explain (suicide_screen_answers.skipped_by): kept, no
        unread answer when the question it follows is answered No that day (`settle`)."""
        parent = skipped_by(concept, value)
        if parent is None:
            return False
        self.skips.append((questions()[concept].question, parent, source, self.current))
        return True

    def settle(self) -> list[tuple[str, SourceRef | None]]:
        """The skips the day's answers do not explain, now unread answers: (question, source).
        "N/A" to items 3-5 after item 2 = No is the screener's own skip (recheck K23 s30 n07);
        after a yes or no answer to item 2 it may hide a yes, so it is unread (recheck K21)."""
        left: list[tuple[str, SourceRef | None]] = []
        for question, parent, source, part in self.skips:
            if self.answers.get(parent) is False:
                continue
            if question not in self.unread:
                self.unread.append(question)
            part.unread = True
            left.append((question, source))
        self.skips.clear()
        return left

    def level(self, level: str, *, full: bool) -> None:
        if full or _LEVEL_RANK.get(level, 0) >= 1:
            self.levels.append(level)
            self.current.asks = True

    def administrations(self) -> tuple[Administration, ...]:
        """Each instant's administration, oldest first, the date-only one (if any) first."""
        timed = sorted(at for at in self.parts if at is not None)
        ordered: list[datetime | None] = [None] if None in self.parts else []
        ordered.extend(timed)
        return tuple(
            Administration(at, tuple(sorted(p.encounters)), p.complete, p.asks, p.unread)
            for at in ordered
            if (p := self.parts[at]) is not None
        )


def earliest(instants: list[datetime | None]) -> datetime | None:
    """The earliest instant, or None when any resource of the day stated none (SuicideScreen.at;
    here beside the day it reads)."""
    timed = [at for at in instants if at is not None]
    return min(timed) if timed and len(timed) == len(instants) else None
