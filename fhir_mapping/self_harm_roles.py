"""data/self_harm_terms.csv compiled by role for self_harm_text.py: the act, event, intent,
accident, doubt, ideation-object and lookalike patterns, and self-harm's own negation cues
(`negation`, `negation_answer`, `negation_pseudo`), read once. What each role means and why is
self_harm_text.py's docstring; how a denial is read, self_harm_denial.py.

Apart from self_harm_text.py (split out in session 37 to keep that module under 400 lines)
because compiling the table is its own idea, whatever reads the words."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.od_lookalike import od_events, od_intent
from fhir_mapping.self_harm_ideation import term_regex
from fhir_mapping.text_negation import ANSWER_LEAD, normalise_text


@dataclass(frozen=True, slots=True)
class _Terms:
    act: tuple[re.Pattern[str], ...]
    event: tuple[re.Pattern[str], ...]
    intent: tuple[re.Pattern[str], ...]
    suicidal: tuple[re.Pattern[str], ...]
    accidental: tuple[re.Pattern[str], ...]
    # An accident offered as one alternative ("OD vs accidental ingestion": fix text81).
    accident_alternative: tuple[re.Pattern[str], ...]
    undetermined: tuple[re.Pattern[str], ...]
    negated_accident: tuple[re.Pattern[str], ...]
    # Read only right after an ideation lead ("urges to cut", "wants to hurt himself"):
    # self_harm_ideation.py; never as an act.
    ideation_object: tuple[re.Pattern[str], ...]
    # Everyday phrases holding a term, blanked before reading ("acting odd last night" is no
    # "ODd last night": session 32 lead's follow-up to words43).
    lookalike: tuple[re.Pattern[str], ...]
    # Self-harm's own negation cues, beside the shared ones (self_harm_text.py docstring: Denials).
    negation: re.Pattern[str] | None
    negation_answer: re.Pattern[str] | None
    negation_pseudo: re.Pattern[str] | None


def _cues(terms: list[str], answer: bool = False) -> re.Pattern[str] | None:
    """One alternation of negation cues, longest first ("wasn't the first" before "wasn't");
    an `answer` cue only right after a colon, dash or question mark ("Self-harm: denies"), as
    text_negation.py reads its own answers."""
    if not terms:
        return None
    body = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile((ANSWER_LEAD if answer else "") + r"(?<![\w'])(?:" + body + r")(?![\w'])")


@cache
def _terms() -> _Terms:
    text = resources.files("fhir_mapping").joinpath("data/self_harm_terms.csv").read_text("utf-8")
    by_role: dict[str, list[re.Pattern[str]]] = {}
    cues: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        if row["role"].startswith("negation"):
            cues.setdefault(row["role"], []).append(_plain(row["term"]))
            continue
        timed = row["role"] != "lookalike" or not row["term"].startswith("od ")  # text59, text64
        by_role.setdefault(row["role"], []).append(term_regex(row["term"], timed=timed))
    return _Terms(
        # A bare attempt term is an act; self_harm_context.py blanks it before an attempt at
        # something else ("past attempts to quit smoking").
        act=tuple(p for r in ("act", "act_attempt", "act_bare") for p in by_role.get(r, [])),
        event=(*by_role.get("event", ()), *od_events()),  # "OD heroin", "OD, denies SI"
        intent=tuple(by_role.get("intent", ())),
        suicidal=(*by_role.get("suicidal", ()), od_intent()),  # "OD w/ SI" (fix text53b)
        accidental=tuple(by_role.get("accidental", ())),
        accident_alternative=tuple(by_role.get("accident_alternative", ())),
        undetermined=tuple(by_role.get("undetermined", ())),
        negated_accident=tuple(by_role.get("negated_accident", ())),
        ideation_object=tuple(by_role.get("ideation_object", ())),
        lookalike=tuple(by_role.get("lookalike", ())),
        negation=_cues(cues.get("negation", [])),
        negation_answer=_cues(cues.get("negation_answer", []), answer=True),
        negation_pseudo=_cues(cues.get("negation_pseudo", [])),
    )


def _plain(text: str) -> str:
    """`normalise_text`, a typographic apostrophe ("didn’t") read as the cues' straight one."""
    return normalise_text(text.replace("\u2019", "'"))
