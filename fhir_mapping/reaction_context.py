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

Counselling never undoes a reaction the sentence says happened (s32 allergy39: each was a
warning, no card at chart open):
- a `reaction-happened` word (a treatment given, an admission, "within 10 min", "developed")
  anywhere in the sentence keeps the reaction ("Signs of anaphylaxis within 10 min of first
  dose, epi given"; "Developed signs of serotonin syndrome, admitted to ICU");
- "signs of" (`counselled-sign`) is counselling only beside a `counselling` word ("Signs of
  anaphylaxis reviewed", "to watch for"): alone it describes what happened;
- a `not-a-reaction` row after the word counts only in the word's own clause: past a comma, a
  free-standing dash or a year the reaction was recorded first and the counselling is about it
  ("Stevens Johnson syndrome 2021 - risk reviewed with pt", "Anaphylaxis 2019, patient educated
  to carry EpiPen"), while "Anaphylaxis risk discussed with patient" stays counselling.
An `off-pathway` allergen is still another substance whatever happened.

"given" and "within" are too common to say so alone (s32 allergy40, K31b: "Educated on signs of
anaphylaxis, EpiPen given" and "Pt given handout on serotonin syndrome" were critical at both
hooks; "Reviewed risk of SJS within first 8 weeks" a risk window): a `treatment-given` word
counts only beside a `reaction-treatment` word in its clause ("epi given", "given IM epi",
"given steroids"; not "EpiPen given", "handout given", "rx given"), and "within" only before a
number of an `onset-unit` ("within 10 min of first dose"; not "within first 8 weeks").
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.text_bounds import SENTENCE_OR_LINE, span_after, span_before

# What closes the reaction's own clause before later counselling: a comma, a free-standing
# dash (normalise_text keeps only those: "Stevens-Johnson" became a space), an opening
# parenthesis, or a year ("Anaphylaxis 2019"). A colon does not ("educated re: SJS risk").
_CLAUSE_BREAK = re.compile(r"[,(–—]|(?<!\S)-(?!\S)|\b(?:19|20)\d\d\b")


@dataclass(frozen=True, slots=True)
class _Rows:
    """The allergy_classes.csv rows this module reads, each kind compiled as one pattern."""

    counselling: re.Pattern[str]  # `not-a-reaction`: counselling, a risk, a threshold ...
    sign: re.Pattern[str]  # `counselled-sign`: "signs of"
    sign_counselled: re.Pattern[str]  # `counselling`: "reviewed", "to watch for"
    happened: re.Pattern[str]  # `reaction-happened`: "admit", "developed", "required"
    # A `treatment-given` word beside a `reaction-treatment` word ("epi given", "given IM epi").
    treated: re.Pattern[str]
    # `not-treatment` words blanked before `treated` is read: "epi pen" ("Epi-Pen given").
    not_treatment: re.Pattern[str]
    onset: re.Pattern[str]  # "within" a number of `onset-unit` ("within 10 min")
    other_substance: re.Pattern[str]  # `off-pathway`: whole words, a plural s allowed


@cache
def _rows() -> _Rows:
    """The rows, each kind read at the start of a word ("counsel" reads "counselled")."""
    text = resources.files("fhir_mapping").joinpath("data/allergy_classes.csv").read_text("utf-8")
    terms: dict[str, list[str]] = {}
    for row in csv.DictReader(text.splitlines()):
        terms.setdefault(row["kind"], []).append(row["term"].strip().lower())

    def starts(kind: str) -> re.Pattern[str]:
        # A kind without rows matches nothing (rather than everything).
        found = sorted(terms.get(kind, []), key=len, reverse=True)
        body = "|".join(re.escape(t) for t in found) or r"(?!)"
        return re.compile(rf"(?<![a-z])(?:{body})")

    def words(kind: str) -> str:
        # Whole words, a plural s allowed ("epi" is not "epipen"; "steroids").
        return rf"{starts(kind).pattern}s?(?![a-z])"

    treatment, given = words("reaction-treatment"), words("treatment-given")
    # At most three words between, no clause break ("given 0.3 mg IM epi", "epi 0.3 mg given").
    gap = r"(?:[^\s,;:.()–—]+ ){0,3}"
    return _Rows(
        counselling=starts("not-a-reaction"),
        sign=starts("counselled-sign"),
        sign_counselled=starts("counselling"),
        happened=starts("reaction-happened"),
        treated=re.compile(rf"{treatment} {gap}{given}|{given} {gap}{treatment}"),
        not_treatment=re.compile(words("not-treatment")),
        onset=re.compile(rf"(?<![a-z])within (?:an? |a few |one |(?:\d+ ?)+){words('onset-unit')}"),
        other_substance=re.compile(words("off-pathway")),
    )


def not_this_reaction(words: str, start: int, end: int) -> bool:
    """Whether the severe word at words[start:end] (normalised text) stands in a sentence that
    counsels, educates, discusses a risk, names a threshold or a test checked for, or another
    substance, and does not tell of the reaction happening (module docstring)."""
    before = span_before(words, start, SENTENCE_OR_LINE)
    after = span_after(words, end, SENTENCE_OR_LINE)
    sentence = f"{before} {after}"
    rows = _rows()
    if rows.other_substance.search(sentence):
        return True
    untreated = rows.not_treatment.sub(lambda m: " " * len(m.group()), sentence)
    if rows.happened.search(sentence) or rows.treated.search(untreated):
        return False
    if rows.onset.search(sentence):
        return False
    # Counselling after the word, in its own clause only ("Anaphylaxis risk discussed").
    own_clause = _CLAUSE_BREAK.split(after)[0]
    if rows.counselling.search(before) or rows.counselling.search(own_clause):
        return True
    return bool(rows.sign.search(before) and rows.sign_counselled.search(sentence))
