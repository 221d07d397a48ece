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

from fhir_mapping.diagnosis_text import OVER_AFTER
from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.text_negation import term_pattern
from fhir_mapping.tms_safety import negated, normalise_text

_ROLES = ("treatment", "not-treated", "not-in-use", "pap-clause", "in-use")
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


def says_resolved(text: str) -> bool:
    """Whether the entry's words (`entry_text`) say it is over: "resolved", not "not resolved"
    (diagnosis_text.OVER_AFTER, the word a withdrawal "- resolved" is read by), anywhere in the
    entry ("OSA s/p UPPP 2016, resolved on repeat PSG"). Read only on an entry that states no
    clinicalStatus (`apnea_words`): a status stated wins over words."""
    return bool(OVER_AFTER.search(normalise_text(text)))


def apnea_words(resource: Mapping[str, Any], text: str, found: dict[FindingKind, Finding]) -> None:
    """What a sleep-apnea Condition's own words say, into `found` (its findings so far, coded or
    typed in; `text`: its concept text): with no clinicalStatus, said resolved, no sleep apnea
    (review K61a s39 finding 12: G47.33 "OSA s/p UPPP 2016, resolved on repeat PSG" was
    "untreated sleep apnea"; an inactive entry is not read either); else its treatment
    (`apnea_treatment`), on a text-only entry too (K61a finding 7: "OSA" typed in, read as the
    code is)."""
    apnea = found.get(FindingKind.SLEEP_APNEA)
    if apnea is None:
        return
    if resource.get("clinicalStatus") is None and says_resolved(entry_text(resource, text)):
        del found[FindingKind.SLEEP_APNEA]
        return
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
