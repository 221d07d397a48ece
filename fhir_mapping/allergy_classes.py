"""Allergies recorded against a drug class, and reactions that make an allergy critical (review 16
U1).

Oracle Health sends a drug-class allergen as text only (`code.text` "SSRIs"); Epic's allergen
groups read "Antidepressants"; a class coding may carry the class name as its display. None of
these names an ingredient, so `terminology.recognise` finds nothing and the allergy used to be
dropped as "not relevant", while the EHR's own drug-allergy check cannot match a free-text
allergen either. The class words of data/allergy_classes.csv (with sources) are mapped to every
ingredient of the class in the drug table (antidepressants.csv / augmentation_agents.csv
`drug_class`, or every drug of a `role`): an allergy to a class holds back each of its drugs.

Words are read as the other text readers read them: whole words, and not negated ("no known
antidepressant allergy" names nothing: `tms_safety.negated`).

A drug the drug table classes otherwise can belong to a class for its allergies too
(data/allergy_class_members.csv: vilazodone is an SSRI and a 5-HT1A partial agonist, classed a
serotonin modulator: an "SSRIs" allergy holds it back; review 16 recheck a07).

`cross_reactions` names the drugs one allergen stands for beside itself, where a label says so
(data/allergy_cross_reactions.csv: citalopram and its S-enantiomer escitalopram, venlafaxine and
its active metabolite desvenlafaxine; review 16 recheck U-a).

`severe_reaction` says whether a reaction is one whose re-exposure can kill (the table's
`severe` rows: anaphylaxis, angioedema, serotonin syndrome, SJS/TEN, DRESS, NMS, seizure,
torsades / QT(c) prolongation ...; s30 allergy32, s31 allergy37/38): with `criticality` high or
a reaction `severity` "severe" it makes the order card critical. The words are read in a
manifestation, a reaction's description and note, and the entry's note (`severe_in_text`: free
text only when it states the reaction, reaction_context, s31 allergy38); their abbreviations
(SJS, TEN, DRESS, NMS) in each of these too ("SJS 2019" in a note: s32 allergy40), a row in
capitals only in capitals; a reaction written
as a doubt or a mild form ("possible serotonin syndrome", "r/o SJS", "Serotonin syndrome?") is
not read severe (s30 allergy33, `_certain`): a qualifier right before the reaction, in the same
label and clause ("Mild hives" in the display says nothing of "Anaphylaxis" in the text; "?"
then "confirmed" is no doubt: s30 allergy34).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import adverse_effect_codes, drug_table
from fhir_mapping.allergy_cross_reactions import CrossReaction as CrossReaction
from fhir_mapping.allergy_cross_reactions import cross_reactions as cross_reactions
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.concept_words import concept_label, concept_words, whole_words
from fhir_mapping.fhir_fields import array, codings
from fhir_mapping.reaction_context import not_this_reaction
from fhir_mapping.text_bounds import CLAUSE_OR_COLON, span_before
from fhir_mapping.tms_safety import negated, normalise_text

# "confirmed", "confirms", "confirmation" or "yes" right after a "?": the doubt answered
# (allergy34; "anaphylaxis? yes", s30 allergy35 K25a).
_CONFIRMED = re.compile(r"confirm|yes\b")
# A qualifier negated ("not mild", "non-mild", "non mild") is no qualifier: "Severe, not mild:
# anaphylaxis" records a severe reaction, and its "not" negates the grade, not the reaction (s30
# allergy35 K25a). Blanked, same length, before the reaction is read.
_NEGATED_QUALIFIER = re.compile(r"\b(?:not|non)[\s-]*(?:mild)\b")


@dataclass(frozen=True, slots=True)
class _Table:
    classes: Mapping[str, tuple[str, str]]  # normalised term -> (drug_class, role)
    class_words: re.Pattern[str]
    severe_codes: frozenset[tuple[str, str]]  # (canonical system, code)
    severe_words: re.Pattern[str]
    # Abbreviations of the severe reactions (SJS, TEN, DRESS, NMS); a row written in capitals
    # is read only in capitals ("ten", "dress" are words).
    severe_abbreviations: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...]
    uncertain_before: re.Pattern[str]  # "possible", "r/o", "?" ... right before a reaction
    # "mild" right before a reaction of the `mild-form` rows (serotonin syndrome) only.
    mild_before: re.Pattern[str]
    mild_forms: re.Pattern[str]
    off_pathway_words: re.Pattern[str]  # allergens named in text that are no drug of this pathway
    # Angioedema as charted: a site and a swelling word beside it ("Tongue swelling", "swelling
    # of the lips", "Facial edema"; s31 allergy37, recheck K27b).
    swelling: re.Pattern[str]


@cache
def _table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/allergy_classes.csv").read_text("utf-8")
    classes: dict[str, tuple[str, str]] = {}
    severe_codes: set[tuple[str, str]] = set()
    severe_terms: list[str] = []
    off_pathway: list[str] = []
    abbreviations: list[tuple[re.Pattern[str], re.Pattern[str]]] = []
    uncertain: list[str] = []
    mild: list[str] = []
    mild_forms: list[str] = []
    sites: list[str] = []
    swellings: list[str] = []
    for row in csv.DictReader(text.splitlines()):
        term = row["term"].strip().lower()
        if row["kind"] == "severe-abbreviation":
            abbreviations.append(_abbreviation(row["term"].strip()))
        elif row["kind"] == "uncertain":
            uncertain.append(term)
        elif row["kind"] == "mild":
            mild.append(term)
        elif row["kind"] == "mild-form":
            mild_forms.append(term)
        elif row["kind"] == "angioedema-site":
            sites.append(term)
        elif row["kind"] == "angioedema-swelling":
            swellings.append(term)
        if row["kind"] == "class":
            classes[term] = (row["drug_class"].strip(), row["role"].strip())
        elif row["kind"] == "severe":
            severe_terms.append(term)
            if row["code"]:
                severe_codes.add((canonical_system(row["system"]), row["code"].strip()))
        elif row["kind"] == "off-pathway":
            off_pathway.append(term)
    return _Table(
        classes,
        whole_words(classes),
        frozenset(severe_codes),
        whole_words(severe_terms),
        tuple(abbreviations),
        _uncertain_before(uncertain),
        _uncertain_before(mild),
        re.compile("^(?:" + "|".join(re.escape(t) for t in mild_forms) + r")\b"),
        whole_words(off_pathway),
        _swelling(sites, swellings),
    )


def _swelling(sites: list[str], swellings: list[str]) -> re.Pattern[str]:
    """A site then a swelling word ("tongue swelling", "lips swollen") or the reverse, "of" and
    "the" allowed between ("swelling of the lips", "swollen face")."""
    site = "(?:" + "|".join(re.escape(s) for s in sorted(sites, key=len, reverse=True)) + ")s?"
    swell = "(?:" + "|".join(re.escape(s) for s in sorted(swellings, key=len, reverse=True)) + ")"
    return re.compile(
        rf"(?<![a-z])(?:{site} {swell}|{swell} (?:of )?(?:the )?(?:his |her )?{site})(?![a-z])"
    )


def _abbreviation(term: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(the abbreviation in `normalise_text` output, its spelling as it must be written): a
    row in capitals is read only in capitals, a row in lower case in any case."""
    lower = re.compile(r"(?<![a-z])" + re.escape(term.lower()) + r"(?![a-z])")
    flags = 0 if term.isupper() else re.IGNORECASE
    return lower, re.compile(r"(?<![A-Za-z])" + re.escape(term) + r"(?![A-Za-z])", flags)


def _uncertain_before(terms: list[str]) -> re.Pattern[str]:
    """A qualifier right before a reaction in its clause ("possible serotonin syndrome", "r/o
    SJS", "? serotonin syndrome"). Not with words between: in "mild rash serotonin syndrome"
    the "mild" is the rash's (s30 allergy34 item 3, K24b m2; allergy33 allowed two)."""
    alternatives = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(r"(?:^|[\s(])(?:" + alternatives + r")\s*$")


@cache
def _member_rows() -> tuple[dict[str, str], ...]:
    text = (
        resources.files("fhir_mapping")
        .joinpath("data/allergy_class_members.csv")
        .read_text("utf-8")
    )
    return tuple(csv.DictReader(text.splitlines()))


@cache
def _extra_members() -> Mapping[str, tuple[str, ...]]:
    """Class (lower case) -> drugs the drug table classes otherwise that belong to it for their
    allergies (data/allergy_class_members.csv)."""
    found: dict[str, tuple[str, ...]] = {}
    for row in _member_rows():
        key = row["drug_class"].strip().lower()
        found[key] = (*found.get(key, ()), row["ingredient"].strip())
    return found


@cache
def member_note(ingredient: str) -> str:
    """Why a drug the drug table classes otherwise belongs to an allergy class ("an SSRI and a
    5-HT1A receptor partial agonist (label 12.1)"), for the card; "" for a drug of the class."""
    return next(
        (r["why"].strip() for r in _member_rows() if r["ingredient"].strip() == ingredient), ""
    )


@cache
def _members(drug_class: str, role: str) -> tuple[str, ...]:
    """The ingredients of a class (or of every drug of a role), in table order, once each; then
    the drugs that belong to the class for their allergies (`_extra_members`). A `drug_class`
    "ingredients:trazodone;nefazodone" lists them; "icd-10-cm:T43025" takes those the
    adverse-effect code's row lists (the tetracyclics: one list, data/adverse_effect_codes.csv);
    a row with neither class nor role is a qualifier the table cannot place ("miscellaneous
    antidepressants"): no members (s29 RN finding 2). "classes:a;b" takes every drug of those
    classes ("Antipsychotics": atypical and typical; fix adj76)."""
    kind, _, listed = drug_class.partition(":")
    if kind == "classes":  # "classes:atypical antipsychotic;typical antipsychotic" (fix adj76)
        wanted = {c.lower() for c in listed.split(";")}
        return tuple(
            dict.fromkeys(
                i.ingredient for i in drug_table.all_drugs() if i.drug_class.lower() in wanted
            )
        )
    if listed:
        named = (
            adverse_effect_codes.code_ingredients(listed)
            if kind == "icd-10-cm"
            else frozenset(listed.split(";"))
        )
        return tuple(i.ingredient for i in drug_table.all_drugs() if i.ingredient in named)
    found: list[str] = []
    for info in drug_table.all_drugs():
        member = (drug_class and info.drug_class.lower() == drug_class.lower()) or (
            role and info.role.value == role
        )
        if member and info.ingredient not in found:
            found.append(info.ingredient)
    extra = _extra_members().get(drug_class.lower(), ()) if drug_class else ()
    found += [i for i in extra if i not in found]
    return tuple(found)


def class_ingredients(concept: Mapping[str, Any]) -> tuple[str, ...]:
    """Every ingredient of the drug classes a concept's words name, not negated; () when it
    names none. "Tricyclic antidepressants" is the TCA class (the longer term is read first),
    not every antidepressant."""
    table = _table()
    words = concept_words(concept)
    rows: list[tuple[str, str]] = []
    for match in table.class_words.finditer(words):
        if negated(words, match.start(), match.end()):
            continue
        term = match.group(0)
        row = table.classes.get(term) or table.classes.get(term[:-1])  # "ssris" -> "ssri"
        if row is not None and row not in rows:
            rows.append(row)
    found: list[str] = []
    for row in rows:
        if not any(_narrows(other, row) for other in rows):
            found += [i for i in _members(*row) if i not in found]
    return tuple(found)


def _narrows(narrow: tuple[str, str], generic: tuple[str, str]) -> bool:
    """Whether a class word read beside a role-wide one ("antidepressants") names a part of it:
    "SSRI antidepressants", "Antidepressants - SSRIs", "Tetracyclic antidepressants" are that
    part, not every antidepressant (s29 RN finding 2: bupropion was held back for an "SSRI
    antidepressants" allergy). A qualifier the table cannot place ("miscellaneous") narrows too:
    the entry is then reported as not placed, never widened to the role."""
    drug_class, role = generic
    if narrow == generic or drug_class or not role:
        return False
    members = _members(*narrow)
    return all(
        (info := drug_table.drug_info(i)) is not None and info.role.value == role for i in members
    )


def off_pathway(text: str) -> bool:
    """Whether allergen text names an allergen no drug of this pathway is (penicillin, sulfa,
    latex, peanut): such an entry is placed, not an unreadable antidepressant allergy. Without
    this every text-only penicillin allergy (the most often recorded drug allergy) was listed as
    a data gap on the optimise card: noise that hides the gaps that matter."""
    return _table().off_pathway_words.search(normalise_text(text)) is not None


def allergen_label(concept: Mapping[str, Any]) -> str:
    """The allergen as written: the text, else the first display."""
    return concept_label(concept) or "allergen not named"


def severe_reaction(resource: Mapping[str, Any]) -> bool:
    """Criticality high, a reaction whose `severity` is "severe", or a reaction of the table's
    `severe` rows (anaphylaxis, angioedema, serotonin syndrome, ...; coded or in words not
    negated, in a manifestation, a reaction's description or note, or the entry's note): a
    re-exposure can be life-threatening, so a card about it is critical."""
    if resource.get("criticality") == "high":
        return True
    table = _table()
    for reaction in array(resource.get("reaction")):
        if not isinstance(reaction, Mapping):
            continue
        # FHIR R4 reaction.severity "severe": "severe complications arose" (s31 allergy37 item
        # 2: "Eruption of skin", severe, was a warning at order-sign and nothing at chart open).
        if reaction.get("severity") == "severe":
            return True
        for concept in array(reaction.get("manifestation")):
            if not isinstance(concept, Mapping):
                continue
            if any((s, c) in table.severe_codes for s, c, _ in codings(concept)):
                return True
            # Each label read on its own: a qualifier in the display ("Mild hives") says
            # nothing of the text ("Anaphylaxis"; s30 allergy34 item 3, K24b m1).
            if any(_says_severe(written, abbreviations=True) for written in _labels(concept)):
                return True
    return severe_in_text(resource) is not None


def severe_in_text(resource: Mapping[str, Any]) -> str | None:
    """ "Anaphylaxis" (a description), "note: anaphylaxis": the severe reaction a reaction's
    description or a note records (s31 allergy37 item 3: "Rash" described "Anaphylaxis,
    required epinephrine" was a warning), for the card to name where the severity was read (s31
    allergy38 item 2); None when none does. Both are read with the abbreviations (SJS, TEN,
    DRESS, NMS): "SJS 2019", "Pt had SJS", "TEN 2019", "NMS 2019" in a note were a warning and
    nothing at chart open (s32 allergy40, K31b; allergy33 kept them out of notes). In both a
    word in a sentence that counsels, educates, weighs a risk or names another substance is no
    reaction (reaction_context)."""
    for reaction in array(resource.get("reaction")):
        if not isinstance(reaction, Mapping):
            continue
        description = reaction.get("description")
        if isinstance(description, str):
            found = _says_severe(description, abbreviations=True, free_text=True)
            if found:
                return found  # the reaction's own words, as allergy37 said them
        for note in _notes(reaction):
            if found := _says_severe(note, abbreviations=True, free_text=True):
                return f"note: {found}"
    for note in _notes(resource):
        if found := _says_severe(note, abbreviations=True, free_text=True):
            return f"note: {found}"
    return None


def _says_severe(written: str, *, abbreviations: bool, free_text: bool = False) -> str:
    """The severe reaction read as recorded in one label or text (`_certain`), as written
    (normalised), or "". In free text, not in a sentence that is no reaction of this patient's
    (reaction_context.not_this_reaction)."""
    table = _table()
    words = _NEGATED_QUALIFIER.sub(lambda m: " " * len(m.group()), normalise_text(written))

    def read(m: re.Match[str]) -> bool:
        if free_text and not_this_reaction(words, m.start(), m.end()):
            return False
        return _certain(words, m)

    # As written where normalising kept the length (case, hyphens), for the card.
    same_length = len(words) == len(written)
    for pattern in (table.severe_words, table.swelling):
        if m := next((m for m in pattern.finditer(words) if read(m)), None):
            return written[m.start() : m.end()] if same_length else m.group()
    if not abbreviations:
        return ""
    for lower, spelt in table.severe_abbreviations:
        if not spelt.search(written):
            continue
        # Where normalising kept the length, the match read is the one spelt as the row requires
        # ("TEN 2019" read, not the "ten" of "ten days. TEN 2019"); else any, the safer reading.
        kept = {m.start() for m in spelt.finditer(written)} if same_length else None
        for m in lower.finditer(words):
            if (kept is None or m.start() in kept) and read(m):
                return written[m.start() : m.end()] if same_length else m.group()
    return ""


def _notes(element: Mapping[str, Any]) -> list[str]:
    """The text of each Annotation in an element's `note`."""
    return [
        n["text"]
        for n in array(element.get("note"))
        if isinstance(n, Mapping) and isinstance(n.get("text"), str)
    ]


def _labels(concept: Mapping[str, Any]) -> list[str]:
    text = concept.get("text")
    return [d for _, _, d in codings(concept) if d] + ([text] if isinstance(text, str) else [])


def _certain(words: str, match: re.Match[str]) -> bool:
    """A severe reaction read as recorded: not negated, and not written as a doubt or a mild
    form (`uncertain` rows: "possible serotonin syndrome", "r/o SJS", "Serotonin syndrome?",
    "mild serotonin syndrome"; s30 allergy33). Such an entry is still an allergy (the order card
    is a warning naming the reaction as written), not the critical card of a reaction that
    happened. "Suspected" and "probable" are no such rows: the prescriber's working diagnosis,
    and "probable" a high grade of drug-reaction causality (Naranjo), are read as the reaction,
    the safer direction. Nor is "unlikely" (s31 allergy37 item 4): a doubt makes the order card a
    warning and says nothing at chart open of a course taken again since, so "Unlikely
    anaphylaxis" stays severe, the safer outcome, until doubts are said at chart open too."""
    if negated(words, match.start(), match.end()):
        return False
    clause = span_before(words, match.start(), CLAUSE_OR_COLON)
    table = _table()
    if table.uncertain_before.search(clause):
        return False
    # "mild" grades only a reaction that has mild forms (serotonin syndrome). Anaphylaxis,
    # angioedema, SJS/TEN, DRESS, NMS and agranulocytosis are severe by definition: "mild
    # anaphylaxis" more likely grades one symptom of it, or is a mislabel, and the safer reading
    # is the reaction recorded (s30 allergy35 K25a: it read non-severe).
    if table.mild_before.search(clause) and table.mild_forms.match(words[match.start() :]):
        return False
    # "Anaphylaxis?? confirmed by allergist": a question answered is no doubt (K24b m3).
    after = words[match.end() :].lstrip()
    return not after.startswith("?") or bool(_CONFIRMED.match(after.lstrip("? ")))
