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

Fix bip69 (session 40), bipolar only:
- the patient shares it (`patient_shares`): a `relative_same` word after the mention ("bipolar
  in family, pt also", "FHx bipolar, pt also", "mom w/ bipolar, pt too") makes it the patient's
  whatever made it the family's, a family-history cue before it included (`family_shared`:
  that cue was read as a negation, so "pt also" was never looked at: the patient's bipolar
  disorder missed, augment and TMS offered). Only a tail that opens with a
  `relative_same_other` word ("pt also has diabetes", "pt also denies SI") names another
  finding; any other tail ("pt also, dx 2019", "pt has similar mood swings") is in doubt and
  the patient's, the safer reading (an antidepressant without a mood stabiliser risks a switch);
- `family_link` words ("w/", "w") link a relative to the term as "with" does ("cousin w/
  bipolar", "dad w BPAD" were the patient's, TMS held). Not in the shared `relative_link` rows:
  those govern the self-harm readers too, and "mother w/ SI" stays the critical card there
  (a relative's SI written so tersely may be the patient's: the safer reading);
- a bracket or a dash after the term holding only relatives, closing its clause ("bipolar
  (mother)", "Hx: bipolar - mother", "FHx: bipolar (mother, sister)"): the family's. Anything
  else there keeps it the patient's ("bipolar (pt and mother)", "bipolar - mother at bedside").
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from fhir_mapping import self_harm_terms
from fhir_mapping.negation_cues import cue_rows
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_subject import is_relative, other_subject
from fhir_mapping.text_bounds import CLAUSE_OR_DASH, first_piece
from fhir_mapping.text_negation import negated, normalise_text, term_pattern

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
    return re.compile(rf"{_gap()}\s*(?:[(\-:]\s*)?(?:{_alternation(cues)})(?!\w)\s*(?=[).,;:(]|$)")


def family_after(text: str, end: int) -> bool:
    """Whether a `family_after` cue follows the term ending at text[end] (normalised text,
    other terms blanked: "bipolar disorder in family" module docstring)."""
    pattern = _family_after()
    return pattern is not None and pattern.match(text, end) is not None


def _gap() -> str:
    """The `family_after_gap` words (the term's own: "disorder", "ii"), any number of them."""
    gaps = cue_rows().get("family_after_gap", [])
    return rf"(?:\s+(?:{_alternation(gaps)})(?![\w/]))*" if gaps else ""


# What follows the term's own words when only relatives stand after it: a bracket ("bipolar
# (mother)"), or a free-standing dash closing its clause ("Hx: bipolar - mother"; fix bip69).
_BRACKET = r"\s*\(\s*(?P<bracket>[^()]*?)\s*\)\s*(?=[).,;:(]|$)"
_DASH = r"\s+-\s+(?P<dash>[^.,;:()\-]*?)\s*(?=[.,;:(]|$)"
# Relatives listed in one bracket ("(mother, sister)", "(mom and aunt)").
_LISTED = re.compile(r"\s*(?:,|/|&|\band\b)\s*")


@cache
def _relatives_after() -> re.Pattern[str]:
    return re.compile(rf"{_gap()}(?:{_BRACKET}|{_DASH})")


def relatives_after(text: str, end: int) -> bool:
    """Whether only relatives stand in a bracket or after a dash right after the term ending at
    text[end] ("bipolar (mother)", "bipolar - mother": module docstring, fix bip69)."""
    found = _relatives_after().match(text, end)
    if found is None:
        return False
    named = found.group("bracket") if found.group("bracket") is not None else found.group("dash")
    parts = [part for part in _LISTED.split(named) if part.strip()]
    return bool(parts) and all(is_relative(part) for part in parts)


@cache
def _same() -> tuple[re.Pattern[str], ...]:
    """The `relative_same` words of self_harm_terms.csv ("pt also", "pt too", "as does pt")."""
    return tuple(term_pattern(normalise_text(t)) for t in self_harm_terms.terms("relative_same"))


@cache
def _tail_words() -> re.Pattern[str]:
    """The `relative_same_tail` words or numbers, any number of them ("has it", "in 2019")."""
    words = [normalise_text(t) for t in self_harm_terms.terms("relative_same_tail")]
    return re.compile(rf"\s*(?:(?:{_alternation(words)}|\d+)\b\s*)*")


@cache
def _other_finding() -> re.Pattern[str] | None:
    """The `relative_same_other` words opening a tail: another finding of the patient's."""
    words = [normalise_text(t) for t in self_harm_terms.terms("relative_same_other")]
    return re.compile(rf"(?:{_alternation(words)})(?![\w'])") if words else None


@cache
def _condition_words() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(another condition's words, the bipolar words): the diagnosis terms of every kind but
    bipolar, suicidal ideation and the look-alikes (data/diagnosis_terms.csv) with the condition
    words of a stated reason (data/indication_codes.csv `word` rows: anxiety, GAD, MDD, PTSD);
    the bipolar rows of diagnosis_terms.csv (fix k64fix, review K64a finding 7). Plus the
    text_negations.csv `family_other_condition` cues."""
    data = resources.files("fhir_mapping").joinpath("data")
    other: list[str] = []
    bipolar: list[str] = []
    for row in csv.DictReader(data.joinpath("diagnosis_terms.csv").read_text("utf-8").splitlines()):
        kind = row["kind"]
        if kind == FindingKind.BIPOLAR.value:
            bipolar.append(row["term"])
        elif kind not in _NOT_OTHER and not kind.startswith("lookalike"):
            other.append(row["term"])
    for row in csv.DictReader(
        data.joinpath("indication_codes.csv").read_text("utf-8").splitlines()
    ):
        if row["system"] == "text" and row["match"] == "word":
            other.append(row["code"])
    other += cue_rows().get("family_other_condition", [])  # words those tables lack: "anxious"
    return _any_term(other), _any_term(bipolar)


# Diagnosis kinds that are no other condition of the patient's after "pt also": SI keeps its
# reading ("Mom bipolar, pt also endorses SI": in doubt, the patient's, as before), and a
# remission qualifier names no condition.
_NOT_OTHER = frozenset(
    {FindingKind.SUICIDAL_IDEATION.value, FindingKind.SUBSTANCE_USE_IN_REMISSION.value, "kind"}
)


def _any_term(terms: list[str]) -> re.Pattern[str]:
    return re.compile(
        "|".join(term_pattern(normalise_text(t.strip().lower())).pattern for t in terms)
    )


# What may join the condition words of a tail ("pt also depressed and anxious").
_JOINS = re.compile(r"\s*(?:,|/|&|\+|\band\b|\bw/)\s*")


def names_other_condition(tail: str) -> bool:
    """Whether the tail after "pt also" is another condition's words and nothing else but
    `relative_same_tail` words and joins ("pt also depressed", "pt also has MDD and GAD"): the
    relative's bipolar alone. A bipolar word, or any other word, left in the tail keeps it in
    doubt, the patient's ("pt also depressed and manic", "pt also severely depressed": the safer
    reading; fix k64fix, review K64a finding 7)."""
    other, bipolar = _condition_words()
    if bipolar.search(tail) is not None or other.search(tail) is None:
        return False
    rest = _JOINS.sub(" ", other.sub(" ", tail)).strip()
    return _tail_words().fullmatch(rest) is not None


def _other_condition_spans(said: str, end: int) -> list[tuple[int, int]]:
    """The `relative_same` words after said[end] whose tail names another condition
    (`names_other_condition`): they say nothing of the mention (fix k64fix)."""
    spans: list[tuple[int, int]] = []
    for pattern in _same():
        for m in pattern.finditer(said, end):
            tail = first_piece(said[m.end() :], CLAUSE_OR_DASH).strip(" .")
            if names_other_condition(tail):
                spans.append((m.start(), m.end()))
    return spans


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def patient_shares(said: str, end: int) -> bool:
    """Whether a `relative_same` word after the mention ending at said[end] says the patient has
    it too (module docstring, fix bip69): no tail, `relative_same_tail` words only, or a tail in
    doubt; not one opening with a `relative_same_other` word, not one naming another condition
    (`names_other_condition`, fix k64fix), nor "pt's" (a relative's)."""
    other = _other_finding()
    for pattern in _same():
        for m in pattern.finditer(said, end):
            rest = said[m.end() :]
            if rest.startswith("'s"):
                continue  # "as does pt's brother": the patient's relative
            tail = first_piece(rest, CLAUSE_OR_DASH).strip(" .")
            if not tail or _tail_words().fullmatch(tail) is not None:
                return True
            if names_other_condition(tail):
                continue  # "FHx bipolar (mother), pt also depressed": the patient's depression
            if other is None or other.match(tail) is None:
                return True  # in doubt: the patient's, the safer reading
    return False


@cache
def _family_cues() -> tuple[re.Pattern[str], ...]:
    """The `family` cues ("FHx", "family history of"), as negation_cues.py reads them."""
    return tuple(
        re.compile(
            (r"\b" if c[:1].isalnum() else "") + re.escape(c) + (r"\b" if c[-1:].isalnum() else "")
        )
        for c in cue_rows().get("family", [])
    )


def family_shared(text: str, kind: FindingKind, start: int, end: int) -> bool:
    """Whether a negated bipolar mention text[start:end] (normalised) is the patient's after all:
    a `relative_same` word after it, and no negation left once the family-history cues are
    blanked ("FHx bipolar, pt also"; "no bipolar, pt also" stays negated: fix bip69)."""
    if kind not in _FAMILY_AFTER_KINDS or not patient_shares(text, end):
        return False
    chars = list(text)
    for cue in _family_cues():
        for m in cue.finditer(text):
            chars[m.start() : m.end()] = " " * (m.end() - m.start())
    return not negated("".join(chars), start, end)


@cache
def _family_link() -> re.Pattern[str] | None:
    """The diagnosis reader's own link words ("w/", "w": text_negations.csv `family_link`)."""
    words = cue_rows().get("family_link", [])
    return re.compile(rf"(?<![\w/])(?:{_alternation(words)})(?![\w/])") if words else None


def _linked(blanked: str) -> str:
    """`blanked` with the `family_link` words blanked, same length: "cousin w/ bipolar" read as
    "cousin with bipolar" (module docstring, fix bip69), for the bipolar kind only."""
    pattern = _family_link()
    return blanked if pattern is None else pattern.sub(lambda m: " " * len(m.group()), blanked)


def relatives(blanked: str, said: str, kind: FindingKind, start: int, end: int) -> bool:
    """Whether the mention text[start:end] of `kind` is a relative's (module docstring):
    `blanked` the text with every term blanked, `said` as written (both normalised)."""
    if kind not in RELATIVE_GOVERNS:
        return False
    if kind not in _FAMILY_AFTER_KINDS:
        return other_subject(blanked, start, said)
    if patient_shares(said, end):
        return False  # "bipolar in family, pt also": the patient's too (fix bip69)
    # "mother bipolar, pt also depressed": that "pt also" is the patient's depression, so the
    # relative before the mention governs it as if it were not there (fix k64fix).
    spans = _other_condition_spans(said, end)
    blanked, said = _blank(blanked, spans), _blank(said, spans)
    return (
        other_subject(_linked(blanked), start, said)
        or family_after(blanked, end)
        or relatives_after(blanked, end)
    )
