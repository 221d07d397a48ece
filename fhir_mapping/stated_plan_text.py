"""A risk heading's stated plan read in any free text the self-harm readers read, not only in a
visit reason (session 32 fix heads42).

Fixes hist36-hist39 read an Epic SmartText heading answered by a method or an affirmed intent
("Plan: hang self", "Method: hanging", "Intent: high", "Plan: take 30 tabs at bedtime") as
suicidal ideation with a plan, though no SI word stands (stated_heading.states_method), but only
in an encounter's reason for visit (visit_risk.py). The same words typed into a nursing flowsheet
comment (an Observation's valueString: form_self_harm_notes.said_in_row), a questionnaire item's
answer (form_self_harm_notes.said_in_answer) or a problem-list, health-concern or
encounter-diagnosis Condition's text (condition_text.py; conditions.wants_condition keeps it)
gave no card and TMS was offered; as the answer to a question of self-harm (a form's item:
form_self_harm._answer; a flowsheet row so named: screen_lookalike.read_named; a C-SSRS
question: suicide_screen_answers._yes_no) it read neither yes nor no, at most the warning that
an answer could not be read, TMS still offered. Each reader now asks `states_plan` (an answer:
`value_states_plan`, a yes) as the visit reader does (a flowsheet row no reader takes is read in
its note and components too: form_self_harm_notes.row_comment), with the same exclusions, which
live in stated_heading.py and data/stated_history_terms.csv: a treatment or dosing plan ("Plan:
take 2 tabs q6h prn"), an intent that is no suicidal one ("Intent: accidental", "Intent: to get
high"), a heading of something else ("Contraception method: pills"), an everyday plan ("Plan:
hang out with friends") and safety planning or means restriction (stated_safety.py: "Plan:
remove guns from home") state none.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any

from fhir_mapping import stated_heading, stated_safety

__all__ = ["act_words", "states_plan", "value_states_plan"]


@lru_cache(maxsize=4096)
def states_plan(text: str) -> bool:
    """Whether free text states a suicide plan or intent by a risk heading's answer, its safety
    planning set aside first (visit_reason_kinds._text_kinds' reading). Remembered by text: every
    Condition's words are asked (conditions.wants_condition), problem-list words repeat across
    charts, and the reading cost a Condition about 140 us (make bench, session 32)."""
    return stated_heading.states_method(stated_safety.safety_blanked(text))


def act_words(text: str) -> str:
    """The words of `text` to read for an act of self-harm: with a stated plan (`states_plan`),
    without the headings' answers, so a planned overdose is not read as one taken ("Plan:
    overdose", as visit_risk.py reads it since fix hist38); else `text` itself."""
    if not states_plan(text):
        return text
    return stated_heading.answers_blanked(stated_safety.safety_blanked(text))


def value_states_plan(element: Mapping[str, Any]) -> bool:
    """Whether the valueString of an Observation, component or answer states a plan
    (`states_plan`): "Suicidal thoughts" = "Plan: hang self" is a yes, not an answer that
    reads neither yes nor no (fix heads42: the C-SSRS, flowsheet-row and forms readers)."""
    text = element.get("valueString")
    return isinstance(text, str) and states_plan(text)
