"""A sleep-apnea problem-list entry whose own words say it is treated ("OSA - on CPAP nightly,
adherent"): SLEEP_APNEA_TREATED, as a CPAP Procedure or Device is (procedures_devices.py).

Review 15 recheck W-d (chart h03): G47.33 with that text was called "untreated sleep apnea" and
the optimise card's adjuncts were held for it, because treatment was looked for only as a coded
CPAP Procedure or Device. Primary-care problem lists say the treatment in the entry's text or a
note far more often than they code a CPAP device. CANMAT 2023 para 181 names *undiagnosed*
(untreated) sleep apnea as a driver of residual symptoms; a treated one is not a reason to hold
escalation.

Read: the Condition's code text and displays and its `note` texts. Treated when a treatment term
(PAP in its modes, an oral appliance: data/sleep_apnea_treatment_terms.csv, role `treatment`)
is asserted (the NegEx reading of tms_safety: "no CPAP", "not on CPAP" are negated) and no
`not-treated` word appears anywhere in the entry ("not using CPAP", "CPAP intolerant", "declined
CPAP", "CPAP recommended"). A doubtful entry stays untreated: the diagnosis-review card then
asks to review it, which costs a look, while a wrong "treated" would hide it.

The `not-in-use` words (tried or offered, and not in use: "CPAP intolerant, stopped using mask",
"declined", "non-adherent") also win over a CPAP Device, Procedure or order on record (review s22
RX finding 3): those show a machine was issued or a titration done, not that it is used. The entry
then yields SLEEP_APNEA_NOT_IN_USE (`apnea_treatment`), named by the entry's own words, and the
card keeps the untreated line, naming the CPAP on record beside them. The `not-treated` words of a
plan not yet started ("CPAP recommended", "referred") do not: a CPAP Device on record is likelier
the plan carried out.

A `not-in-use` word speaks of the PAP only in its own clause, beside a `pap-clause` term (PAP, its
mask, "untreated"), and only while no later clause says the treatment is used (review s22 RR2
finding 2, a regression of RX finding 3): "Quit smoking 2025. On CPAP nightly", "Refused UPPP
surgery", "declined oral appliance" say nothing against the CPAP, and "Stopped CPAP 2024;
restarted 2026, using nightly" or "Initially intolerant of full face mask; nasal pillows since,
adherent" end in use. The entry's last word on its PAP (`_last_word`) is its current state. A use
clause names the PAP (or a treatment) itself, or is nothing but use words ("adherent", "using
nightly"): "adherent to weight loss" says nothing of the CPAP.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from fhir_mapping.diagnosis_text import OVER_AFTER, said_to_rule_out, text_kinds
from fhir_mapping.differential_text import DIFFERENTIAL
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.text_negation import term_pattern
from fhir_mapping.tms_safety import negated, normalise_text

_ROLES = ("treatment", "not-treated", "not-in-use", "pap-clause", "in-use", "history", "grade")
# The roles that speak of a treatment (`_says_of_treatment`); `history` and `grade` read "h/o OSA".
_TREATMENT_ROLES = _ROLES[:5]
# A clause: up to a full stop, semicolon or comma, or a conjunction that turns the sentence
# ("CPAP intolerant but now using nasal pillows"). Grammar, not a clinical fact; local, not a
# text_bounds boundary: its conjunctions are this reader's.
_CLAUSE = re.compile(r"[.;,]|\b(?:but|however|then|now)\b")
# Words a bare use clause may hold beside its use words ("nasal pillows since, adherent";
# "using nightly since 2026"): fillers and dates.
_FILLER = re.compile(r"\b(?:and|since|still|now|again|with|good|(?:in|on)?\s*[\d/()]+)\b|[()]")
_IN_USE = "in-use"
_NOT_IN_USE = "not-in-use"


def _pattern(term: str) -> re.Pattern[str]:
    return term_pattern(normalise_text(term))


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/sleep_apnea_treatment_terms.csv")
        .read_text("utf-8")
    )
    found: dict[str, list[re.Pattern[str]]] = {role: [] for role in _ROLES}
    for row in csv.DictReader(text.splitlines()):
        found[row["role"].strip()].append(_pattern(row["term"]))
    return {role: tuple(patterns) for role, patterns in found.items()}


@lru_cache(maxsize=1024)
def says_treated(text: str) -> bool:
    """Whether `text` asserts a sleep-apnea treatment in use: one named and not negated, the
    entry's last word on its PAP is use, and no word of a plan not yet started ("recommended")."""
    text = normalise_text(text)
    if not text:
        return False
    terms = _terms()
    if any(p.search(text) for p in terms["not-treated"]):
        return False
    return _last_word(text) == _IN_USE and _names_treatment(text)


def _names_treatment(text: str) -> bool:
    """A treatment term in `text` that is not negated ("no CPAP", "not on CPAP")."""
    return any(
        not negated(text, m.start(), m.end())
        for pattern in _terms()["treatment"]
        for m in pattern.finditer(text)
    )


def _has(role: str, text: str) -> bool:
    return any(p.search(text) for p in _terms()[role])


def _clause_word(clause: str) -> str | None:
    """What one clause says of the PAP: `_NOT_IN_USE` (a not-in-use word beside a PAP term),
    `_IN_USE` (a treatment named and not negated, a PAP term with a use word, or nothing but
    use words), or None (it says nothing of it: "quit smoking 2025", "declined oral appliance")."""
    if _has(_NOT_IN_USE, clause):
        return _NOT_IN_USE if _has("pap-clause", clause) else None
    if _names_treatment(clause):
        return _IN_USE
    if not _has(_IN_USE, clause):
        return None
    if _has("pap-clause", clause):
        return _IN_USE
    rest = clause
    for pattern in _terms()[_IN_USE]:
        rest = pattern.sub(" ", rest)
    return _IN_USE if not _FILLER.sub(" ", rest).strip() else None


def _last_word(text: str) -> str | None:
    """The entry's last word on its PAP (normalised `text`): its last clause that says one."""
    said = [w for c in _CLAUSE.split(text) if (w := _clause_word(c)) is not None]
    return said[-1] if said else None


def entry_text(resource: Mapping[str, Any], concept_text: str) -> str:
    """The entry's words: its code's text and displays (`concept_text`) and its notes, one
    clause each (a period between them keeps a note's negation in its own clause)."""
    parts = [concept_text]
    notes = resource.get("note")
    if isinstance(notes, list):
        parts.extend(
            n["text"] for n in notes if isinstance(n, Mapping) and isinstance(n.get("text"), str)
        )
    return ". ".join(p for p in parts if p)


@lru_cache(maxsize=1024)
def says_not_in_use(text: str) -> bool:
    """Whether `text` says a sleep-apnea treatment was tried or offered and is not in use
    ("CPAP intolerant", "declined CPAP", "stopped using mask"): the entry's last word on its PAP
    is a `not-in-use` word in a clause naming the PAP."""
    text = normalise_text(text)
    return bool(text) and _last_word(text) == _NOT_IN_USE


def apnea_treatment(resource: Mapping[str, Any], text: str, apnea: Finding) -> Finding | None:
    """What a sleep-apnea Condition's own words say of its treatment (`text`: its concept text;
    `apnea`: its SLEEP_APNEA finding): SLEEP_APNEA_TREATED ("OSA on CPAP nightly"; review 15
    recheck W-d), SLEEP_APNEA_NOT_IN_USE named by the entry's words ("CPAP intolerant, stopped
    using mask"), or None when they say neither."""
    words = entry_text(resource, text)
    if says_treated(words):
        return replace(apnea, kind=FindingKind.SLEEP_APNEA_TREATED)
    if says_not_in_use(words):
        return replace(apnea, kind=FindingKind.SLEEP_APNEA_NOT_IN_USE, display=_written(resource))
    return None


# An item of a problem list written on one line ("OSA; insomnia resolved", "OSA, insomnia
# resolved", "OSA and insomnia resolved"): a word of resolution speaks of its own item (fix dx69).
# Grammar, not a clinical fact.
_ITEM = re.compile(r"[.;,\n]|\band\b")
_APNEA = FindingKind.SLEEP_APNEA


def says_resolved(text: str) -> bool:
    """Whether the entry's words (`entry_text`) say its sleep apnea is over: "resolved", not "not
    resolved" (diagnosis_text.OVER_AFTER, the word a withdrawal "- resolved" is read by), in an
    item naming the apnea ("OSA - resolved") or in one that is nothing before the word and
    follows the apnea's ("OSA s/p UPPP 2016, resolved on repeat PSG"). Another item's
    resolution is its own ("OSA; insomnia resolved": fix dx69, was read resolved), and so is one
    after an item naming another diagnosis or with its own words before "resolved": the apnea
    then stays, the safer reading (a look, not a hidden apnea). Read only on an entry that
    states no clinicalStatus (`apnea_words`): a status stated wins over words."""
    subject = False  # whether the item before speaks of the apnea
    for item in _ITEM.split(normalise_text(text)):
        if not item.strip():
            continue
        over = OVER_AFTER.search(item)
        kinds = text_kinds(item)
        if _APNEA in kinds:
            if over:
                return True
            subject = True
        elif over:
            if subject and not item[: over.start()].strip():
                return True
            subject = False
        elif kinds:
            subject = False
    return False


def _says_of_treatment(words: str) -> bool:
    """Whether the entry's words say anything of a treatment (any role of
    sleep_apnea_treatment_terms.csv: "on CPAP", "CPAP intolerant", "untreated")."""
    text = normalise_text(words)
    return any(_has(role, text) for role in _TREATMENT_ROLES)


@cache
def _apnea_names() -> tuple[re.Pattern[str], ...]:
    """The sleep-apnea names a text-only entry is read by (data/diagnosis_terms.csv)."""
    text = resources.files("fhir_mapping").joinpath("data/diagnosis_terms.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(_pattern(r["term"]) for r in rows if r["kind"].strip() == _APNEA.value)


# Brackets ("(HCC)", Epic's hierarchical-condition flag) and punctuation: nothing said.
_UNSAID = re.compile(r"\([^)]*\)|[^\w\s]")


def _history_only(own: str) -> bool:
    """Whether the entry's own words (`_own_words`) are a history cue (role `history`: "h/o",
    "hx of", "history of") and then nothing but the apnea's name and grade ("h/o OSA", "Hx of
    severe OSA (HCC)"). Anything more keeps the apnea current, the safer reading: "Prior PSG
    showed severe OSA", "Seen today: OSA" are a current apnea, and so is "h/o OSA, s/p UPPP"
    (the card asks, which costs a look)."""
    text = normalise_text(own).strip()
    cue = next((m for p in _terms()["history"] if (m := p.match(text))), None)
    if cue is None:
        return False
    rest, named = text[cue.end() :], 0
    for pattern in _apnea_names():
        rest, found = pattern.subn(" ", rest)
        named += found
    for pattern in _terms()["grade"]:
        rest = pattern.sub(" ", rest)
    return named > 0 and not _UNSAID.sub(" ", rest).strip()


def _own_words(resource: Mapping[str, Any]) -> str:
    """The words a clinician wrote on the entry: its code text and notes (not the code's
    displays, which name the diagnosis without a history or rule-out word)."""
    code = resource.get("code")
    label = code.get("text") if isinstance(code, Mapping) else None
    return entry_text(resource, label if isinstance(label, str) else "")


def apnea_words(resource: Mapping[str, Any], text: str, found: dict[FindingKind, Finding]) -> None:
    """What a sleep-apnea Condition's own words say, into `found` (its findings so far, coded or
    typed in; `text`: its concept text): with no clinicalStatus, said resolved, no sleep apnea
    (review K61a s39 finding 12: G47.33 "OSA s/p UPPP 2016, resolved on repeat PSG" was
    "untreated sleep apnea"; an inactive entry is not read either); written as a history and
    nothing more ("h/o OSA", "Hx of severe OSA": `_history_only`), no sleep apnea either (fix
    dx69: was "untreated sleep apnea"), while a history with a treatment word is current ("h/o OSA on CPAP": the device is its treatment); written to rule
    out ("r/o OSA"), marked `differential` as "r/o bipolar disorder" is (differential_text.py;
    fix dx69), so the card says it is suspected, not on record; else its treatment
    (`apnea_treatment`), on a text-only entry too (K61a finding 7: "OSA" typed in, read as the
    code is)."""
    apnea = found.get(_APNEA)
    if apnea is None:
        return
    words = entry_text(resource, text)
    if resource.get("clinicalStatus") is None and says_resolved(words):
        del found[_APNEA]
        return
    own = _own_words(resource)
    if _history_only(own) and not _says_of_treatment(words):
        del found[_APNEA]
        return
    if apnea.verification is None and said_to_rule_out(own, _APNEA):
        found[_APNEA] = replace(apnea, verification=DIFFERENTIAL)
    treatment = apnea_treatment(resource, text, apnea)
    if treatment is not None:
        found[treatment.kind] = treatment


def _written(resource: Mapping[str, Any]) -> str:
    """The entry's words as the chart wrote them, for the card: its notes, else its code text
    (entry_text is lower-cased and holds the code's displays too)."""
    notes = resource.get("note")
    said = [
        n["text"].strip()
        for n in (notes if isinstance(notes, list) else ())
        if isinstance(n, Mapping) and isinstance(n.get("text"), str) and n["text"].strip()
    ]
    code = resource.get("code")
    label = code.get("text") if isinstance(code, Mapping) else None
    return "; ".join(said) or (label.strip() if isinstance(label, str) else "")
