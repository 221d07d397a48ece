"""The C-SSRS reader for suicide_screen.py: `_Reader` files each Observation (a panel, a question,
a risk level, the panel's own value) and each QuestionnaireResponse under its day (a
screen_day.ScreenDay, or apart when dated after as-of), and keeps a DataGap for what it cannot
read (`UNREAD_RESULT`, `UNREAD_LEVEL`, an answer not read). Which encodings are read, which
statuses are read in full and why: suicide_screen.py's docstring; one day's answers made into a
SuicideScreen stays there.

Apart from suicide_screen.py (split out in session 37 to keep that module under 400 lines)
because reading the resources into days is its own idea, apart from what a day's screen says."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from fhir_mapping.fhir_fields import array, effective_date, parse_date, parse_instant, source_ref
from fhir_mapping.record import DataDomain, DataGap
from fhir_mapping.recorded_at import effective_instant, encounter_id
from fhir_mapping.result_statuses import OBSERVATION, RESPONSE, Reads, given, statuses, unfinished
from fhir_mapping.screen_day import ScreenDay
from fhir_mapping.suicide_screen_answers import _level, question_answer, says_no_risk
from fhir_mapping.suicide_screen_codes import (
    _LEVEL,
    _PANEL,
    _concept_of,
    questions,
    response_items,
    worded,
)

Resource = Mapping[str, Any]

# The gaps of a valued panel's value that is no level (`_Reader.panel_value`), of a 93374-7 level
# that is none (`_Reader.unread_level`), of an answer not read; logged reasons: no patient data.
UNREAD_RESULT = "C-SSRS screener result (the panel's own value) could not be read"
UNREAD_LEVEL = "suicide risk level could not be read"
_UNREAD = "C-SSRS answer to '{}' could not be read"


# data/result_statuses.csv, shared with scores.py and questionnaires.py (review 14 U1).
_FULL_OBSERVATION = statuses(OBSERVATION, Reads.ALL)
_FULL_RESPONSE = statuses(RESPONSE, Reads.ALL)


@dataclass(slots=True)
class _Reader:
    as_of: date
    days: dict[date, ScreenDay] = field(default_factory=dict)
    gaps: list[DataGap] = field(default_factory=list)
    # Screens dated after as-of, apart (suicide_screen.py docstring).
    later: dict[date, ScreenDay] = field(default_factory=dict)
    on: date | None = None  # the day of the answers read now (`day`)

    def gap(self, resource: Resource, reason: str, when: date | None = None) -> None:
        when = when if when is not None and when <= self.as_of else None  # a later day: none
        self.gaps.append(DataGap(DataDomain.SCORES, reason, source_ref(resource), date=when))

    def day(
        self, when: date, resource: Resource, rank: int, *, full: bool, at: datetime | None
    ) -> ScreenDay:
        days = self.days if when <= self.as_of else self.later
        self.on = when
        found = days.setdefault(when, ScreenDay())
        found.enter(at, source_ref(resource), rank, full, encounter_id(resource))
        return found

    def element(
        self, concept: str, element: Mapping[str, Any], resource: Resource, day: ScreenDay
    ) -> bool | None:
        yes = question_answer(element, self.on)  # "Denies", "0": a no (forms44, K32a finding 6)
        asked = questions()[concept].question
        # "N/A" to a question the screener may skip is settled with the day (ScreenDay.settle).
        if yes is None and not day.skip(concept, element, source_ref(resource)):
            self.gap(resource, _UNREAD.format(asked), self.on)  # dated: unread_results, heads43
            day.unread_answer(asked)  # the screen is then no negative one (SuicideScreen.unread)
        return yes

    def observation(self, resource: Resource) -> None:
        # A missing or malformed status reads as an unrecognised one (given; s30 status31).
        status = given(resource.get("status"))
        full = status in _FULL_OBSERVATION
        if not (full or unfinished(OBSERVATION, status)):  # an unrecognised one too (s27 RF 1)
            return
        concept = _concept_of(resource.get("code")) or worded(resource.get("code"))
        if concept is None:
            return
        when = effective_date(resource)
        if when is None:
            self.gap(resource, "C-SSRS / suicide risk level without a date")
            return
        at = effective_instant(resource)
        parts: list[tuple[str, Mapping[str, Any]]] = []
        # Which resource a screen cites: a response (0), else the panel (1), else a question or
        # level Observation (2).
        rank = 1 if concept == _PANEL else 2
        if concept == _LEVEL:
            level = _level(resource)
            if level is None:
                self.unread_level(resource, resource, when)
                return
            self.day(when, resource, rank, full=full, at=at).level(level, full=full)
            return
        if concept == _PANEL:
            self.panel_value(resource, when, full=full)
            for component in array(resource.get("component")):
                if isinstance(component, Mapping):
                    part = _concept_of(component.get("code"))
                    if part is not None:
                        parts.append((part, component))
        else:
            parts.append((concept, resource))
        readable: list[tuple[str, Mapping[str, Any]]] = []
        for part, element in parts:
            if part == _LEVEL:
                level = _level(element)
                if level is None:
                    self.unread_level(resource, element, when)
                else:
                    self.day(when, resource, rank, full=full, at=at).level(level, full=full)
            else:
                readable.append((part, element))
        if not readable:
            return  # a panel whose questions are separate Observations
        day = self.day(when, resource, rank, full=full, at=at)
        for part, element in readable:
            yes = self.element(part, element, resource, day)
            if yes is not None:
                day.answer(part, yes, full=full)

    def panel_value(self, resource: Resource, when: date, *, full: bool) -> None:
        """The panel's own value (suicide_screen.py docstring, "A valued panel"): a risk level it
        names is the day's documented level; any other value is an unread C-SSRS result (a gap
        dated `when`, which build.py turns into an unread self-harm answer)."""
        if not any(k.startswith("value") and v is not None for k, v in resource.items()):
            return  # the usual panel: its questions are components or Observations of their own
        level = _level(resource)
        if level is not None:
            self.day(when, resource, 1, full=full, at=effective_instant(resource)).level(
                level, full=full
            )
            return
        if says_no_risk(resource):
            return  # "Negative", "No": a negative screen, no gap; not an assessment (no level)
        # "Positive", a number, free text: may be a positive screen, so it stays an unread result.
        self.gaps.append(DataGap(DataDomain.SCORES, UNREAD_RESULT, source_ref(resource), date=when))

    def unread_level(self, resource: Resource, value: Mapping[str, Any], when: date) -> None:
        """A 93374-7 level that is none ("Not low risk", s27 K3 finding 1): an unread result."""
        dated = None if says_no_risk(value) else when  # "None": an undated gap only, no card
        self.gaps.append(DataGap(DataDomain.SCORES, UNREAD_LEVEL, source_ref(resource), date=dated))

    def response(self, resource: Resource) -> None:
        status = resource.get("status")
        if not isinstance(status, str):
            return  # a list or object in place of the code: unhashable, and no status
        full = status in _FULL_RESPONSE
        if not (full or unfinished(RESPONSE, status)):  # an unrecognised one too (s27 RF 1)
            return
        found = list(response_items(resource))
        if not found:
            return
        when = parse_date(resource.get("authored"))
        if when is None:
            self.gap(resource, "C-SSRS questionnaire response without a date")
            return
        at = parse_instant(resource.get("authored"))
        day = self.day(when, resource, 0, full=full, at=at)
        for concept, item in found:
            for answer in array(item.get("answer")):
                if not isinstance(answer, Mapping):
                    continue
                if concept == _LEVEL:
                    level = _level(answer)
                    if level is None:
                        self.unread_level(resource, answer, when)
                    else:
                        day.level(level, full=full)
                    continue
                yes = self.element(concept, answer, resource, day)
                if yes is not None:
                    day.answer(concept, yes, full=full)
