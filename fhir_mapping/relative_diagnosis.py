"""Whose diagnosis a text names: a relative's is not the patient's (diagnosis_text.py reads it).

A relative written as the subject of a seizure, withdrawal, substance-use or SI mention ("Father
with alcohol withdrawal seizures", "Sister with SI, family stress") makes it the relative's, as
self_harm_subject.py reads a relative's suicide attempts (review s29 RQ4 finding 2).

Fix bip68 (review K62a finding 4): bipolar disorder is read so too. Visit reasons and text-only
Conditions "mother bipolar", "father with bipolar, pt MDD", "son with bipolar disorder" gave
"bipolar disorder on record" and withdrew optimise and TMS: a card claiming more than the record
shows. The family-history cues ("FHx bipolar disorder", "sister has BPAD": text_negations.csv
`family`) read only a cue before the term; the relative words (self_harm_terms.csv `relative`,
`relative_lead`, `relative_link`) now govern a bipolar mention as they govern the kinds above,
and a `family_after` cue right after it, past only `family_after_gap` words ("hx of bipolar in
family", "bipolar disorder (family hx)"), makes it the family's. What stays the patient's, the
safer reading where the words leave it in doubt (an antidepressant without a mood stabiliser in
bipolar disorder risks a switch to mania: ../shared/clinical/REFERENCE.md 4.3):
- a relative after the term ("bipolar, mother also", "pt bipolar; mother schizophrenia");
- a `relative_same` word after it ("mother bipolar, pt also": self_harm_subject.other_subject);
- any other word between the relative and the term ("mother reports bipolar") or before the
  relative ("lives with mother, bipolar");
- a `family_after` cue that does not close its clause ("bipolar in family and pt").
A family history of bipolar disorder is not itself read anywhere in the service (no finding kind
holds it), so no caution line is lost by this reading.
"""

from __future__ import annotations

import re
from functools import cache

from fhir_mapping.negation_cues import cue_rows
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_subject import other_subject

# The kinds a relative written as the subject governs. Only the kinds whose reading stops a
# treatment on the patient's own illness or raises a critical card on it; a relative before
# another kind keeps its reading. Bipolar since fix bip68: a relative's bipolar disorder read as
# the patient's withdrew the pathway on words that say it is not the patient's.
RELATIVE_GOVERNS = frozenset(
    {
        FindingKind.EPILEPSY,
        FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL,
        FindingKind.SUBSTANCE_USE,
        FindingKind.SUICIDAL_IDEATION,
        FindingKind.BIPOLAR,
    }
)

# The kinds a `family_after` cue after the term makes the family's: bipolar only (fix bip68).
# "SI in family" or "seizures in family" are left as read before: "SI due to stress in family"
# is the patient's, and a quiet suicide-risk card is the unsafe mistake.
_FAMILY_AFTER_KINDS = frozenset({FindingKind.BIPOLAR})


def _alternation(words: list[str]) -> str:
    ordered = sorted(words, key=len, reverse=True)
    return "|".join(re.escape(w) for w in ordered)


@cache
def _family_after() -> re.Pattern[str] | None:
    """The words right after a term that make it the family's: `family_after_gap` words (the
    term's own: "disorder", "ii"), an optional bracket, dash or colon, then a `family_after` cue
    closing its clause ("in family", "in family (mother)", "(family hx)")."""
    rows = cue_rows()
    cues = rows.get("family_after", [])
    if not cues:
        return None
    gaps = rows.get("family_after_gap", [])
    gap = rf"(?:\s+(?:{_alternation(gaps)})(?![\w/]))*" if gaps else ""
    return re.compile(rf"{gap}\s*(?:[(\-:]\s*)?(?:{_alternation(cues)})(?!\w)\s*(?=[).,;:(]|$)")


def family_after(text: str, end: int) -> bool:
    """Whether a `family_after` cue follows the term ending at text[end] (normalised text,
    other terms blanked: "bipolar disorder in family" module docstring)."""
    pattern = _family_after()
    return pattern is not None and pattern.match(text, end) is not None


def relatives(blanked: str, said: str, kind: FindingKind, start: int, end: int) -> bool:
    """Whether the mention text[start:end] of `kind` is a relative's (module docstring):
    `blanked` the text with every term blanked, `said` as written (both normalised)."""
    if kind not in RELATIVE_GOVERNS:
        return False
    if other_subject(blanked, start, said):
        return True
    return kind in _FAMILY_AFTER_KINDS and family_after(blanked, end)
