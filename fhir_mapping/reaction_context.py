"""Whether a severe reaction word in free text (an AllergyIntolerance note, a reaction's
description) says the reaction happened to this patient with this drug (s31 allergy38 item 2).

"Counselled on signs of anaphylaxis", "Anaphylaxis risk discussed with patient", "Lowers seizure
threshold", "EKG checked for QT prolongation: QTc 420, normal", "Also allergic to penicillin
(anaphylaxis)", "Carries EpiPen for bee sting anaphylaxis": each made a nausea entry severe and
the order card critical (s31 allergy37 read every severe word of a note). The sentence the word
stands in is read (up to a full stop, semicolon or line break, so "Anaphylaxis; risk of
recurrence discussed" keeps the reaction): a `not-a-reaction` row of data/allergy_classes.csv
(counselling, education, a risk discussed or reviewed, a threshold, a test checked for) or an
`off-pathway` allergen (penicillin, bee sting: another substance) in it means the word is not
this drug's reaction. A manifestation is a coded or labelled reaction and is not read so. The rows are narrow on
purpose (lead, session 31): a bare "normal" or "risk" in the sentence also read "Anaphylaxis,
vitals normal after epi" and "Anaphylaxis - high risk, avoid" as no reaction, the unsafe mistake.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

# A sentence ends at a full stop, semicolon or line break; a comma or colon does not ("EKG
# checked for QT prolongation: QTc 420, normal" is one statement).
_SENTENCE_END = re.compile(r"[.;\n]")


@cache
def _patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(`not-a-reaction` stems, read at the start of a word: "counsel" reads "counselled";
    `off-pathway` allergens, whole words)."""
    text = resources.files("fhir_mapping").joinpath("data/allergy_classes.csv").read_text("utf-8")
    stems: list[str] = []
    others: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        if row["kind"] == "not-a-reaction":
            stems.append(row["term"].strip().lower())
        elif row["kind"] == "off-pathway":
            others.append(row["term"].strip().lower())

    def alternatives(terms: list[str]) -> str:
        return "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))

    return (
        re.compile(rf"(?<![a-z])(?:{alternatives(stems)})"),
        re.compile(rf"(?<![a-z])(?:{alternatives(others)})s?(?![a-z])"),
    )


def not_this_reaction(words: str, start: int, end: int) -> bool:
    """Whether the severe word at words[start:end] (normalised text) stands in a sentence that
    counsels, educates, discusses a risk, names a threshold or a test checked for, or another
    substance (module docstring)."""
    before = _SENTENCE_END.split(words[:start])[-1]
    after = _SENTENCE_END.split(words[end:])[0]
    sentence = f"{before} {after}"
    stems, others = _patterns()
    return stems.search(sentence) is not None or others.search(sentence) is not None
