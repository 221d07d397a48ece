"""Aneurysm, arteriovenous malformation and intracerebral haemorrhage named in a Condition's text.

Esketamine's label contraindicates aneurysmal vascular disease (aortic, intracranial, peripheral
arterial), an arteriovenous malformation and a history of intracerebral haemorrhage (SPRAVATO 4;
services/data/drug_cautions.csv). The codes are read by condition_codes.csv; a problem list also
carries them under a code that names something else ("4 mm unruptured left ICA aneurysm on MRA"
on R90.89, an abnormal imaging finding) or a local code, and the optimise card then offered
esketamine (recheck of review 15, W-g). So the text of every Condition is read here whatever its
codes: a coded finding keeps its code and display, the text adds only a kind no code gave.

The terms are data (data/vascular_terms.csv, each row with its source). A proximity term
("hemorrhag* ~ intracerebral") matches both words in either order within one sentence, as the
TMS screen reads "clip* ~ aneurysm*" (tms_safety.term_pattern). A term is dropped when NegEx-style
negation precedes it ("no aneurysm", "negative for AVM": tms_safety.negated, data/
text_negations.csv), when a `negated-after` phrase follows it ("aneurysm ruled out"), or when it
lies inside an `exclude` phrase ("AAA screening"). "Rule out aneurysm" and "aneurysm to be ruled
out" still count: a suspected aneurysm withholds esketamine until it is settled, the safer reading.

A `subarachnoid` phrase ("subarachnoid hemorrhag*") names a subarachnoid haemorrhage: its
haemorrhage word is not read again as an intracerebral one. "Nontraumatic subarachnoid hemorrhage
from unspecified intracranial artery" (the I60.7 display) is aneurysmal vascular disease, the safer
reading the I60 row already gives; the broad "hemorrhag* ~ intracranial" term read the same words
as "a history of intracerebral hemorrhage", so the Condition was named twice per drug, the second
time under a kind it is not (audit 15 W5). The drug is withheld either way.

An aneurysm in the text is not a TMS contraindication: only the clip or coil is (tms_safety.py);
the TMS screen reads its own terms.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.record import FindingKind
from fhir_mapping.tms_safety import negated, normalise_text, term_pattern

_EXCLUDE = "exclude"
_NEGATED_AFTER = "negated-after"
_SUBARACHNOID = "subarachnoid"
_NOT_A_KIND = (_EXCLUDE, _NEGATED_AFTER, _SUBARACHNOID)
_WORD_REST = re.compile(r"\w*")


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("fhir_mapping").joinpath("data/vascular_terms.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def _terms() -> tuple[tuple[FindingKind, re.Pattern[str]], ...]:
    return tuple(
        (FindingKind(row["kind"]), term_pattern(row["term"]))
        for row in _rows()
        if row["kind"] not in _NOT_A_KIND
    )


@cache
def _excludes() -> tuple[re.Pattern[str], ...]:
    return tuple(term_pattern(row["term"]) for row in _rows() if row["kind"] == _EXCLUDE)


@cache
def _subarachnoid() -> tuple[re.Pattern[str], ...]:
    return tuple(term_pattern(row["term"]) for row in _rows() if row["kind"] == _SUBARACHNOID)


@cache
def _negated_after() -> re.Pattern[str] | None:
    cues = sorted(
        (normalise_text(row["term"]) for row in _rows() if row["kind"] == _NEGATED_AFTER),
        key=len,
        reverse=True,
    )
    if not cues:
        return None
    # Right after the term: "aneurysm ruled out", "AVM: excluded", "ICH was ruled out"; not
    # "aneurysm to be ruled out" (uncertain, so counted).
    return re.compile(
        r"[\s:\-]*(?:(?:was|is|has been|have been|been|now)\s+)?(?:"
        + "|".join(re.escape(c) for c in cues)
        + r")\b"
    )


@lru_cache(maxsize=4096)
def text_kinds(text: str) -> tuple[FindingKind, ...]:
    """The vascular kinds `text` asserts (not negated, not inside an exclude phrase), in table
    order, no repeats."""
    text = normalise_text(text)
    if not text:
        return ()
    excluded = [(m.start(), m.end()) for p in _excludes() for m in p.finditer(text)]
    subarachnoid = [(m.start(), m.end()) for p in _subarachnoid() for m in p.finditer(text)]
    after = _negated_after()
    kinds: list[FindingKind] = []
    for kind, pattern in _terms():
        if kind in kinds:
            continue
        for match in pattern.finditer(text):
            rest = _WORD_REST.match(text, match.end())
            s, e = match.start(), match.end() + (len(rest.group()) if rest else 0)
            if any(a <= s and e <= b for a, b in excluded) or negated(text, s, e):
                continue
            if after is not None and after.match(text, e):
                continue
            if kind is FindingKind.INTRACEREBRAL_HEMORRHAGE and any(
                s < b and a < e for a, b in subarachnoid
            ):
                continue  # the same haemorrhage, called subarachnoid: not intracerebral
            kinds.append(kind)
            break
    return tuple(kinds)
