"""What a visit's reasons say of suicide risk, for visit_risk.py: each reasonCode (and a
reasonReference read as one) coded as suicidal ideation or self-harm, a poisoning code whose
character states the intent (self_harm_intent.py), and otherwise the reason's words
(`_text_kinds`: self-harm or an overdose, suicidal ideation, a history dated by its year, an
undated history denied now: PAST_DENIED). How "OD" is read depends on the visit (`_od_side`).
Why each reading: visit_risk.py's docstring.

Apart from visit_risk.py (split out in session 37 to keep that module under 400 lines) because
reading a reason is its own idea, apart from telling findings where a visit recorded them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from fhir_mapping import (
    harm_abbreviations,
    psych_hold,
    self_harm_intent,
    self_harm_text,
    stated_denied,
    stated_heading,
    stated_history,
    stated_report,
    stated_sa,
    stated_safety,
)
from fhir_mapping.abbreviation_case import by_case
from fhir_mapping.absent_reasons import referenced_reasons
from fhir_mapping.admission_codes import ClassOf, class_key
from fhir_mapping.admissions import is_emergency, wants_admission
from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.eye_context import eye_visit
from fhir_mapping.fhir_fields import codings, concept_text, one_or_many
from fhir_mapping.od_item import acute_sided
from fhir_mapping.od_lookalike import eye_sided, unless_bare
from fhir_mapping.past_means import means_beside
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_intent import UNDETERMINED
from fhir_mapping.text_bounds import CLAUSE, pieces
from fhir_mapping.text_lines import by_lines, readings
from fhir_mapping.text_negation import normalise_text
from fhir_mapping.tms_safety import concept_label

Resource = Mapping[str, Any]

_KINDS = (FindingKind.SUICIDAL_IDEATION, FindingKind.SELF_HARM)


# `Finding.verification` of a reason's suicidal ideation stated only as a history with a current
# denial (`_text_kinds`): a warning to ask about now, not a current finding (fix net33).
PAST_DENIED = "history, current denied"

# `Finding.verification` of a reason that states an emergency psychiatric hold or a 1:1
# observation (psych_hold.py; fix text103): a current signal whose grounds (danger to self or
# others, grave disability) the card names, never "suicidal".
HOLD = "emergency hold or 1:1 observation"

# `Finding.verification` of a reason that states such a hold placed and since ended ("5150 hold
# released": psych_hold.ENDED; fix text107): a danger judged days ago, the past warning that asks
# about current risk (services/past_answers.py), as a past SI denied now is.
HOLD_ENDED = "emergency hold or 1:1 observation, since ended"

# The same with no current denial beside it ("5150 hold released", "5150 lifted 11/29 per psych":
# session 42 fix text108, lead's decision on K70a finding 5): a history with no current denial is
# critical, and a hold released days ago is a recent assessment that found danger. The critical
# card, worded for the hold, never "suicidal ideation" (services/risk_wording.py).
HOLD_RELEASED = "emergency hold or 1:1 observation, since ended, no current denial"


def ended_mark(text: str) -> str:
    """HOLD_ENDED (the past warning) for an ended hold's text that denies risk now in a clause of
    its own ("5150 released, denies SI/HI"), else HOLD_RELEASED (the critical card)."""
    clauses = pieces(normalise_text(text), CLAUSE)
    denied = any(
        stated_history.denies_now(c.strip(), _names_any) or stated_denied.denied_finding(c)
        for c in clauses
    )
    return HOLD_ENDED if denied else HOLD_RELEASED


# What a reason gives: (kind, system, code, display, verification, the date a history its words
# state is written with, "2015", "2015-12" or "2015-12-28", or None: stated_history.py).
_Read = tuple[FindingKind, str, str, str, str | None, str | None]


def _reason_kinds(
    resource: Resource, chart: Sequence[Resource] | None = None, class_of: ClassOf = class_key
) -> Iterable[_Read]:
    """(kind, system, code, display, verification, year written: `_Read`) of each reasonCode
    coding of a suicide-risk kind; for a reason no coding of which gives one, what its words say
    (`_text_kinds`). A `reasonReference` to a Condition the Encounter contains is read by that
    Condition's code (recheck K15 s28 finding 1); with `chart` (its Conditions), one to a
    Condition not in it by its display as a reason typed in (absent_reasons.py, as the stay
    reader reads it: review s28 K12 finding 1, a suicide-attempt admission so stated got no
    card)."""
    reasons = [*one_or_many(resource.get("reasonCode")), *referenced_reasons(resource, chart)]
    yield from _concept_kinds(reasons, _od_side(resource, class_of))


def _od_side(resource: Resource, class_of: ClassOf) -> Callable[[str], str]:
    """How the visit's words are read for "OD": alone or as an item ("Found down, OD": od_item.py,
    fix text78) an overdose only in an ED visit's or a stay's reason; an eye visit's "OD" the right
    eye (od_lookalike.py, eye_context.py; fix text70, recheck K52a finding 5)."""
    if eye_visit(resource):
        return eye_sided
    acute = is_emergency(resource, class_of) or wants_admission(resource, class_of)
    return acute_sided if acute else unless_bare


def _concept_kinds(reasons: Iterable[object], side: Callable[[str], str] = str) -> Iterable[_Read]:
    for concept in reasons:
        coded = False
        for system, code, display in codings(concept):
            for row in condition_matches(system, code):
                if row.kind in _KINDS:
                    coded = True
                    yield row.kind, system, code, display or row.display, None, None
        # A poisoning code that states its intent (T43.211A, accidental) decides, not the words;
        # one of undetermined intent (T43.224A) is asked as an unknown intent is
        # (self_harm_intent.py).
        if coded:
            continue
        if (found := self_harm_intent.undetermined(codings(concept))) is not None:
            system, code, display = found
            yield (
                FindingKind.SELF_HARM,
                system,
                code,
                display or concept_label(concept),
                UNDETERMINED,
                None,
            )
        elif not self_harm_intent.intent_coded(codings(concept)):
            yield from _text_kinds(concept, side)


def _text_kinds(concept: object, side: Callable[[str], str] = str) -> Iterable[_Read]:
    """A reason's words (text and displays): self-harm or an overdose (self_harm_text.py; its
    `Finding.verification` marks it text only or of intent not recorded) and suicidal ideation
    (diagnosis_text.py), system "text" as a text-only Condition's finding. A kind named only in
    a clause that states a past history ("History of passive SI in 2015, resolved") carries
    that year as written (stated_history.py; review s29 RQ3), which dates it. A plan or intent
    heading answered by a method ("Plan: hang self") states suicidal ideation with a plan though
    no SI word stands (stated_heading.states_method; fix hist36: no card before)."""
    label = concept_label(concept)
    # "PT" beside "pt" is physical therapy, read by case before the words are normalised
    # (abbreviation_case.py; fix text82).
    # "O.D." undotted, "SH" beside self-harm words spelled out (harm_abbreviations.py; fix
    # text103), before "OD" is sided.
    text = side(harm_abbreviations.spelled(by_case(concept_text(concept, lower=False)).lower()))
    if not text:
        return
    # Safety planning and means restriction in a plan ("Plan: remove guns from home", "limit
    # supply due to overdose risk") are treatment, no risk nor overdose: read without them
    # (stated_safety.py; recheck K27a s31 finding 2, fix hist37).
    texts = [stated_safety.safety_blanked(t) for t in readings(text)]  # by lines (text_lines.py)
    text = texts[0]
    harm, ideation = by_lines(_text_reading, texts)
    if stated_heading.states_method(text):
        # A method as a heading's answer is planned, not done ("SI, Intent: none. Plan:
        # overdose": ideation with a plan, not an overdose; fix hist38, recheck K28b).
        ideation = True
        if harm is not None:
            harm = _text_reading(stated_heading.answers_blanked(text))[0]
    if harm is not None and stated_history.history_denied(text, _names_any):
        # An act named only in a list going on a denial ("denies current SI, plan, intent, or
        # prior attempts") is denied too (recheck K23 s30 n18; stated_history.denied_lists).
        harm = _text_reading(stated_history.denied_lists(text, _names_any))[0]
    # A hold or a 1:1 sitter is a current signal of its own (psych_hold.py; fix text103).
    held = psych_hold.hold_state(text)
    hold = held == psych_hold.CURRENT
    if harm is None and not ideation and held is None:
        return
    current, year = stated_history.past_clauses(text, _names_any)
    harm_now, ideation_now = _text_reading(current) if year is not None else (harm, ideation)
    if harm is not None:
        # An act's history beside a denial of now ("Prior SA 2010, denies current SI") is dated
        # by its year, as without the denial (stated_history._current; fix hist37).
        act_now, act_year = stated_history.past_clauses(text, _names_any, act=True)
        harm_now = _text_reading(act_now)[0] if act_year is not None else harm
        written = None if harm_now is not None else act_year
        yield FindingKind.SELF_HARM, "text", "", label, harm.value, written
    if held is not None and not ideation:
        # A hold ended, with no other risk word: the past warning (psych_hold.py; fix text107).
        held_mark = HOLD if hold else ended_mark(text)
        yield FindingKind.SUICIDAL_IDEATION, "text", "", label, held_mark, None
    if ideation:
        # Means beside the history keep it current, as in a note ("Hx SI 2015, none since; has a
        # gun" was quiet, TMS offered: past_means.py, fix text61).
        kept = means_beside(text, _names_any)
        written = None if ideation_now or kept else year
        # An undated history with a current denial ("History of SI, denies current SI"): no SI
        # of now, a past one to ask about (stated_history.history_denied; fix net33).
        denied = written is None and not kept and stated_history.history_denied(text, _names_any)
        mark = PAST_DENIED if denied else None
        if hold and (denied or written is not None):
            # A past SI beside a hold now: the hold is today's signal (fix text103).
            mark, written = HOLD, None
        yield FindingKind.SUICIDAL_IDEATION, "text", "", label, mark, written


def _text_reading(text: str) -> tuple[self_harm_text.Reading | None, bool]:
    """What `text` says of self-harm, and whether it names suicidal ideation ("SI with plan to
    overdose", "thoughts of overdosing": ideation, not an act; recheck K7 s28 finding 5,
    self_harm_ideation.py). An "SA" that reads as a suicide attempt is read as those words ("Hx
    SA" as "Hx suicide attempt": stated_sa.py; recheck K24a s30); stated_history.py reads the
    "SA" itself, so "No SA" stays a denial there."""
    text = stated_sa.spell_out(text)
    ideation = FindingKind.SUICIDAL_IDEATION in text_kinds(text) or self_harm_text.ideation(text)
    # A plan an informant reports after the patient's denial ("Denies SI (mother: pt has plan)":
    # stated_report.py, fix text48b; no card before).
    ideation = ideation or stated_report.reports_risk(text)
    return self_harm_text.reading(text), ideation


def _names_any(text: str) -> bool:
    harm, ideation = _text_reading(text)
    return harm is not None or ideation
