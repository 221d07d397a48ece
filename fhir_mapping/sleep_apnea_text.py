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
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import replace
from functools import cache, lru_cache
from importlib import resources
from typing import Any

from fhir_mapping.record import Finding, FindingKind
from fhir_mapping.tms_safety import negated, normalise_text

_NOT_TREATED = ("not-treated", "not-in-use")


def _pattern(term: str) -> re.Pattern[str]:
    term = normalise_text(term)
    body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else r"\b")
    return re.compile(r"\b" + body)


@cache
def _terms() -> dict[str, tuple[re.Pattern[str], ...]]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/sleep_apnea_treatment_terms.csv")
        .read_text("utf-8")
    )
    found: dict[str, list[re.Pattern[str]]] = {"treatment": [], "not-treated": [], "not-in-use": []}
    for row in csv.DictReader(text.splitlines()):
        found[row["role"].strip()].append(_pattern(row["term"]))
    return {role: tuple(patterns) for role, patterns in found.items()}


@lru_cache(maxsize=1024)
def says_treated(text: str) -> bool:
    """Whether `text` asserts a sleep-apnea treatment in use, with no word that it is not."""
    text = normalise_text(text)
    if not text:
        return False
    terms = _terms()
    if any(p.search(text) for role in _NOT_TREATED for p in terms[role]):
        return False
    return any(
        not negated(text, m.start(), m.end())
        for pattern in terms["treatment"]
        for m in pattern.finditer(text)
    )


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
    ("CPAP intolerant", "declined CPAP", "stopped using mask"): the `not-in-use` words."""
    text = normalise_text(text)
    return bool(text) and any(p.search(text) for p in _terms()["not-in-use"])


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
