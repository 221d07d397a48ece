"""C-SSRS screens and documented suicide risk levels, read into `SuicideScreen` records.

A structured suicide screen is both a source of the suicide-risk signal (a yes to an ideation
question) and the documented risk assessment that acknowledges an earlier positive PHQ-9 item 9
(issue 11 items 9-10; REFERENCE.md 5). Codes are in data/observation_codes.csv (so the Observation
prefetch asks for them); which code is which question is suicide_screen_codes.py's
(data/suicide_screen_items.csv), and what an answer says (yes, no, a level)
suicide_screen_answers.py's (data/suicide_screen_answers.csv): here one day's screen is read.

Encodings read:
- Observation: the C-SSRS screener panel (LOINC 93373-9, or the full scale 93245-9) with its
  questions as `component`s, or each question as its own Observation (93246-7 wish to be dead ...
  93250-9 plan, 93267-3 suicidal behaviour in the lifetime, 93269-9 "was this within the past 3
  months?"), answered as valueBoolean, valueCodeableConcept (LOINC LA33-6 Yes / LA32-8 No, SNOMED
  373066001 / 373067005; a coding without a system, or only a display or text "Yes" / "No") or
  valueString; and a documented suicide risk level (93374-7) whose value reads low, moderate
  (also "medium") or high in a coding display, its text or a valueString (the whole text a level:
  "Not low risk" is no level, review s27 K3 finding 1; it is `UNREAD_LEVEL`, below).
- QuestionnaireResponse: the questions found by an `item.code` with the item's LOINC code, else by
  a linkId that is the LOINC code (LHC-Forms "/93246-7", also the last segment of a nested path);
  items nest (`item.item`, `answer.item`). Date = `authored`.

A valued panel (review s27 RF finding 2): the screener's result filed under the panel code itself,
93373-9 = "High Risk" (an EHR screen shows 93373-9 valued "MEDIUM": code-index id 69484624841).
A value naming a risk level (`_level`) is that day's documented level, as under 93374-7; one that
clearly says no risk ("Negative", "No": `says_no_risk`) is neither a gap nor a level; any other
value is a gap (`UNREAD_RESULT`) dated with the panel, which build.py makes an unread self-harm
answer (the suicide-risk card: check it in the chart; drug proposals wait), as is a C-SSRS row
under a local code only (screen_lookalike.py).

One screen per day: every answer and level recorded the same day is one administration (a
QuestionnaireResponse and the Observations extracted from it count once); two answers to one
question that disagree read as yes (the safer reading). When each part of it was taken is kept
apart (fhir_mapping/screen_day.py `Administration`): two C-SSRS of one day, at 09:00 on the ward
and at 14:00 in clinic, are one screen, but the 14:00 one follows an 11:00 discharge.

Statuses (data/result_statuses.csv, shared with scores.py and questionnaires.py): Observations
final / amended / corrected and responses completed / amended are read in full (`complete`). A
preliminary, cancelled (review 14 U1 / M9), unknown, registered or unrecognised (review s27 RF 1)
Observation or an in-progress / stopped response is read for its yes answers and a moderate or
high level only: a patient's yes counts whether or not the form was finished, but an unfinished
screen never acknowledges a signal; entered-in-error is ignored.

Dated after as-of (review 15 recheck U-a): read apart (`read_screens_and_later`: its positive
screens only), never among the screens, so it neither counts as an assessment nor closes a signal
(its date is suspect); but a yes on it is not hidden: the suicide-risk signal reads it as current.

Never silent: a C-SSRS resource without a date, an answer that reads neither yes nor no and a risk
level that cannot be read are returned as DataGaps (DataDomain.SCORES), not dropped. An unreadable
level is not taken as an assessment (it could say "high"): it is an unread result (`unread_level`).
Nor is a day with an answer that cannot be read (`SuicideScreen.unread`; recheck K21 s30): it
may be a yes, so the other answers' noes make no negative screen; but "N/A" to a question the
screener skips after a No that day (items 3-5 after item 2, the 3-month follow-up after item 6)
is its skip, no unread answer (screen_day.ScreenDay.settle; recheck K23 s30). A question asked
in its own words under a local code is read as that question (suicide_screen_codes.worded).

The resources are read into days by suicide_screen_reader.py (`_Reader`, split out in session 37
to keep this module under 400 lines); one day's answers become a `SuicideScreen` here."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.screen_day import Administration, ScreenDay, earliest
from fhir_mapping.suicide_screen_answers import _LEVEL_RANK
from fhir_mapping.suicide_screen_codes import (
    _concept_of,
    questions,
    response_items,
    screen_concepts,
    worded,
)
from fhir_mapping.suicide_screen_reader import _UNREAD, UNREAD_LEVEL, UNREAD_RESULT, _Reader

# What other modules read from here, wherever it is defined (build.py: `screen_concepts`).
__all__ = [
    "INSTRUMENT",
    "UNREAD_LEVEL",
    "UNREAD_RESULT",
    "SuicideScreen",
    "questions",
    "read_screens",
    "screen_concepts",
    "wants",
    "wants_questionnaire_response",
]

Resource = Mapping[str, Any]

INSTRUMENT = "C-SSRS"
_LIFETIME = "cssrs-behaviour"
_RECENT = "cssrs-behaviour-recent"


@dataclass(frozen=True, slots=True)
class SuicideScreen:
    """One day's structured suicide screen (C-SSRS) and/or documented suicide risk level."""

    date: date
    complete: bool  # a finished form: it can acknowledge an earlier signal
    positive: tuple[str, ...]  # questions answered yes that mean current risk
    history: tuple[str, ...]  # yes answers about the past only (behaviour, not in 3 months)
    negative: tuple[str, ...]  # questions answered no
    escalate: bool  # a yes the Columbia triage ranks high, or a documented high level
    risk_level: str | None = None  # "low" | "moderate" | "high" (LOINC 93374-7)
    source: SourceRef | None = None
    asked_ideation: bool = False  # at least one ideation question was answered
    # The earliest instant its resources state (None if any states none) and the Encounters they
    # name, for the whole day; `administrations` says them per instant, and is what
    # psychiatric_discharge.py `shown_after` reads when present (a ward C-SSRS on the discharge
    # day is not "since discharge", a clinic one later that day is).
    at: datetime | None = None
    encounters: tuple[str, ...] = ()
    # Each administration's instant and Encounters (fhir_mapping/screen_day.py): a clinic
    # C-SSRS at 14:00 follows an 11:00 discharge though the ward's at 09:00 shares its day.
    administrations: tuple[Administration, ...] = ()
    # Questions answered with a value that could not be read (recheck K21 s30 disc c4: item 2
    # "Y" beside two noes read "C-SSRS negative" and released a discharge hold): the screen is
    # then no negative one and no assessment; the card names them (services/risk_wording.py).
    unread: tuple[str, ...] = ()

    @property
    def is_positive(self) -> bool:
        """Current risk found: a yes to an ideation or recent-behaviour question, or a moderate
        or high documented level."""
        return bool(self.positive) or _LEVEL_RANK.get(self.risk_level or "", 0) >= 1

    @property
    def assesses(self) -> bool:
        """A finished screen that asked about ideation, or a documented risk level, with every
        answer read: a suicide risk assessment that can acknowledge an earlier positive signal."""
        if self.unread:
            return False  # an answer not read may be a yes (recheck K21 s30)
        return self.complete and (self.asked_ideation or self.risk_level is not None)


def _severity(concept: str) -> tuple[bool, int]:
    """How a yes ranks among one screen's answers: one that escalates (intent, plan, recent
    behaviour) first, then the later question of the screen's order (data/suicide_screen_items.csv
    lists them as the screener asks them, from the wish to be dead to behaviour)."""
    table = questions()
    order = list(table)
    return table[concept].escalate, order.index(concept)


def _screen(when: date, day: ScreenDay) -> SuicideScreen:
    table = questions()
    positive: list[str] = []
    ranks: list[tuple[bool, int]] = []  # each positive answer's `_severity`
    history: list[str] = []
    negative: list[str] = []
    escalate = False
    recent = day.answers.get(_RECENT)
    for concept, yes in day.answers.items():
        question = table[concept]
        if not yes:
            negative.append(question.question)
            continue
        if concept == _LIFETIME:
            if recent is True:
                continue  # the recent-behaviour yes says it
            if recent is False:
                history.append(question.question)
                continue
            # Lifetime behaviour with the 3-month follow-up not recorded: recency unknown, so it
            # counts as current (the safer reading), without the high-risk escalation.
            positive.append(f"{question.question}; whether in the past 3 months not recorded")
            ranks.append(_severity(concept))
            continue
        positive.append(question.question)
        ranks.append(_severity(concept))
        escalate = escalate or question.escalate
    # The most severe yes first: a card summary names the first, and "wish to be dead (+2 more)"
    # for a screen with a plan and intent led with the mildest answer (review s22 RS finding 7).
    positive = [text for _, text in sorted(zip(ranks, positive, strict=True), reverse=True)]
    level = max(day.levels, key=lambda lv: _LEVEL_RANK.get(lv, 0)) if day.levels else None
    ranked = sorted(day.sources, key=lambda pair: (pair[0], str(pair[1])))
    return SuicideScreen(
        date=when,
        complete=day.complete,
        positive=tuple(positive),
        history=tuple(history),
        negative=tuple(negative),
        escalate=escalate or level == "high",
        risk_level=level,
        source=ranked[0][1] if ranked else None,
        asked_ideation=any(table[c].meaning == "ideation" for c in day.answers),
        at=earliest(day.instants),
        encounters=tuple(sorted(day.encounters)),
        administrations=day.administrations(),
        unread=tuple(day.unread),
    )


# --- public surface --------------------------------------------------------------------------------


def wants(resource: Resource) -> bool:
    """Cheap filter: an Observation coded as a C-SSRS panel, question or suicide risk level, or
    asking a question in its words (suicide_screen_codes.worded)."""
    code = resource.get("code")
    return _concept_of(code) is not None or worded(code) is not None


def wants_questionnaire_response(resource: Resource) -> bool:
    """Cheap filter: a QuestionnaireResponse holding at least one C-SSRS question."""
    return next(response_items(resource), None) is not None


def read_screens(
    observations: Iterable[Resource],
    responses: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[tuple[SuicideScreen, ...], tuple[DataGap, ...]]:
    """The screens (one per day, oldest first) and what could not be read."""
    screens, _later, gaps = read_screens_and_later(observations, responses, as_of=as_of)
    return screens, gaps


def read_screens_and_later(
    observations: Iterable[Resource],
    responses: Iterable[Resource] = (),
    *,
    as_of: date,
) -> tuple[tuple[SuicideScreen, ...], tuple[SuicideScreen, ...], tuple[DataGap, ...]]:
    """`read_screens`, and the positive screens dated after `as_of` (module docstring), each
    oldest first."""
    reader = _Reader(as_of)
    for resource in observations:
        if isinstance(resource, Mapping) and wants(resource):
            reader.observation(resource)
    for resource in responses:
        if isinstance(resource, Mapping):
            reader.response(resource)
    for when, day in (*reader.days.items(), *reader.later.items()):  # skip logic (settle)
        dated = when if when <= as_of else None  # dated: unread_results (fix heads43)
        for asked, ref in day.settle():
            reader.gaps.append(DataGap(DataDomain.SCORES, _UNREAD.format(asked), ref, date=dated))
    screens = tuple(
        _screen(when, day) for when, day in sorted(reader.days.items()) if day.answers or day.levels
    )
    later = tuple(
        screen
        for when, day in sorted(reader.later.items())
        if (screen := _screen(when, day)).is_positive
    )
    return screens, later, tuple(reader.gaps)
