"""Whether a Condition's words name a hallucination or delusion that is not a current psychotic
symptom (review K64a finding 3, fix tms60).

tms58 read "hallucination*", "hearing voices" and "paranoid delusion*" as psychotic features
(data/diagnosis_terms.csv), which turns the optimise card to the antipsychotic/ECT headline and
holds TMS. "History of hallucinations", "hallucinations resolved 2019", "Hypnagogic
hallucinations", "Attends hearing voices group", "Charles Bonnet syndrome (visual
hallucinations ...)" or "Alcohol withdrawal hallucinations 2015" name no current psychotic
depression: past or resolved words read as the withdrawal episodes are
(diagnosis_text.said_as_not_current), and a named cause or a sleep phenomenon
(data/psychotic_not_current.csv). A card that prompts an antipsychotic dose on such words claims
more than the record shows; what stays read ("Auditory hallucinations" active) still holds.

Fix psy62 (tms61's leftover): the same past or resolved words are read for every psychotic term
on a Condition too, as on a visit's reason (`stated_not_current`): an active problem-list "Hx
psychosis 2015, resolved", "History of psychosis, resolved" or "h/o psychotic depression 2018,
none since" gave the antipsychotic/ECT headline and held TMS. A psychotic word followed in its
clause by a phrase of data/psychotic_over_after.csv ("in remission", "none since") is read as
"resolved" is. Still current (the safer: TMS held, the psychotic-depression regimen asked
about): "Psychosis", "psychotic depression, current episode", "..., in partial remission", a
psychosis to rule out ("r/o psychosis", "psychosis, r/o": one being worked up is what the TMS
service must screen), and text naming a primary psychotic disorder ("Hx of schizophrenia":
lifelong, as its codes count when resolved).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping.diagnosis_text import (
    past_words,
    said_as_not_current,
    said_to_rule_out,
    text_kinds,
)
from fhir_mapping.record import FindingKind
from fhir_mapping.safety_term_words import phrase
from fhir_mapping.text_negation import normalise_text

__all__ = ["not_current_psychotic", "said_not_current", "stated_not_current", "to_rule_out"]

_PSYCHOTIC = FindingKind.PSYCHOTIC
# The symptom words tms58 added: only these are read as not current by a cue, so "MDD with
# psychotic features" keeps its reading.
_SYMPTOM = re.compile(r"\b(?:hallucinat\w*|hearing voices|hears voices|\w+ delusions?)\b")
_RESOLVED_AFTER_COMMA = re.compile(r",\s*(?=resolved\b)", re.IGNORECASE)
_DISORDER = FindingKind.PSYCHOTIC_DISORDER


@cache
def _cues() -> re.Pattern[str]:
    text = resources.files("fhir_mapping").joinpath("data/psychotic_not_current.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return re.compile("|".join(f"(?:{phrase(normalise_text(r['term'])).pattern})" for r in rows))


@cache
def _over_after() -> re.Pattern[str]:
    """The phrases of data/psychotic_over_after.csv, whole words, any case (fix psy62)."""
    text = resources.files("fhir_mapping").joinpath("data/psychotic_over_after.csv")
    terms = [r["term"].strip() for r in csv.DictReader(text.read_text("utf-8").splitlines())]
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])", re.IGNORECASE)


# Fix psy63 (review K67a findings 1-3): an over-after phrase is read as "resolved" only when the
# episode it ends is named as past: a year ("psychotic episode 2012, in remission") or a word of
# past time ("h/o", "Hx", "history of": diagnosis_text's list) before it in its sentence, with
# nothing after it in its clause but a year. "AH, none since yesterday", "none since starting
# olanzapine", "in remission x2 days", an undated "psychosis in remission" and a question
# ("psychosis in remission?") stay current: the safer reading (TMS held, the psychotic-depression
# regimen asked about) while the symptoms may be days old or held down by an antipsychotic.
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_SENTENCE_END = re.compile(r"[.;!?\n]")
_CLAUSE_END = re.compile(r"[,.;!?\n]")
# "MDD recurrent severe with psychotic features, in remission": the remission specifier is the
# depressive episode's (DSM order: severity, psychotic features, remission), not the psychotic
# features' (finding 2); kept current, as "in partial remission" is.
_SPECIFIER_BEFORE = re.compile(r"\bwith psychotic features\W*(?:(?:19|20)\d\d\W*)?$", re.IGNORECASE)


def _over_dated(text: str, m: re.Match[str]) -> bool:
    """Whether the over-after phrase `m` ends an episode named as past (comment above)."""
    before = _SENTENCE_END.split(text[: m.start()])[-1]
    stop = _CLAUSE_END.search(text, m.end())
    tail = text[m.end() : stop.start() if stop else len(text)]
    if stop is not None and stop.group() == "?" or _SPECIFIER_BEFORE.search(before):
        return False
    if _YEAR.sub("", tail).strip(" -:()"):
        return False  # "x2 days", "yesterday", "starting olanzapine": a recent span or a treatment
    return bool(_YEAR.search(before) or past_words().search(normalise_text(before)))


def _joined(text: str) -> str:
    """`text` with an over-after phrase of a past episode written "resolved" (the word
    diagnosis_text.OVER_AFTER reads; "not in remission" stays "not resolved": current) and no
    comma before "resolved"."""
    over = _over_after().sub(lambda m: "resolved" if _over_dated(text, m) else m.group(), text)
    return _RESOLVED_AFTER_COMMA.sub(" ", over)


def not_current_psychotic(text: str) -> bool:
    """Whether the psychotic symptom `text` names is past, resolved or has a named non-psychotic
    cause (module docstring). False for text that names none of the symptom words."""
    said = normalise_text(text)
    if not _SYMPTOM.search(said):
        return False
    # "Paranoid delusions, resolved 2020": the comma before "resolved" ends no statement here.
    return said_as_not_current(_joined(text), _PSYCHOTIC) or bool(_cues().search(said))


def said_not_current(text: str) -> bool:
    """`not_current_psychotic`, or any psychotic word ("Psychosis", "AH/VH") said as past or
    resolved: "Hx psychosis 2015, resolved" as an ED visit's reason (visit_psychotic.py, fix
    tms61). "MDD with psychotic features" names no past or resolved word: still current."""
    return not_current_psychotic(text) or said_as_not_current(_joined(text), _PSYCHOTIC)


def stated_not_current(text: str) -> bool:
    """`said_not_current`, unless a mention is one to rule out or the text names a primary
    psychotic disorder (module docstring, fix psy62): what a Condition's text and a visit's
    reason are both read by, so the two agree."""
    return (
        said_not_current(text)
        and not said_to_rule_out(text, _PSYCHOTIC)
        and _DISORDER not in text_kinds(text)
    )


@cache
def _questions() -> re.Pattern[str]:
    """The `question` rows of data/visit_psychotic_words.csv ("eval for"), whole words."""
    text = resources.files("fhir_mapping").joinpath("data/visit_psychotic_words.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    terms = [normalise_text(r["word"]) for r in rows if r["kind"] == "question"]
    alternation = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w'])(?:{alternation})(?![\w'])")


def to_rule_out(text: str) -> bool:
    """Whether every psychotic mention of `text` is one to rule out or to evaluate ("r/o
    psychosis", "eval for psychosis", "rule out psychotic features": session 41 leftover, fix
    psy64 finding 1). Such a mention stays read (TMS held, the safer: a psychosis being worked
    up is what the TMS service must screen), but the record shows a question, not a finding:
    the optimise card says "Possible psychotic features" (services/rules/optimize/
    possible_psychotic.py). An evaluation cue reads as "r/o" does, for psychotic words only
    (data/differential_cues.csv stays the other kinds' list)."""
    said = _questions().sub("r/o", normalise_text(text))
    return said_to_rule_out(said, _PSYCHOTIC)
