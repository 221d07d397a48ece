"""The stated indication of an order or statement (reasonCode / reasonReference), and whether a
course is a depression trial by it.

Real EHRs state why a drug was ordered: Epic writes the order's associated diagnosis as
reasonCode (SNOMED CT, ICD-9-CM and ICD-10-CM codings with a text), US Core examples a versioned
SNOMED coding with a text, Synthea a reasonReference to the Condition ("urn:uuid:<id>"). An
antidepressant ordered for something else (bupropion SR for smoking cessation, duloxetine for
diabetic neuropathy, amitriptyline for migraine prevention) is no trial of it for depression, and
its "failure" must not move the patient toward treatment-resistant depression (switch,
augmentation, TMS referral).

Each reason is read into a StatedReason (record.py) of one IndicationCategory:
- depression: a code of the DEPRESSION rows of condition_codes.csv (kinds depression,
  mdd-in-remission, trd: one table of depression codes, not two), or depression in words;
- psychiatric-other: the anxiety / PTSD / eating-disorder rows of condition_codes.csv, or a row
  of data/indication_codes.csv (OCD, social anxiety, PMDD), or such words;
- non-psychiatric: a row of data/indication_codes.csv (smoking cessation, pain, migraine,
  insomnia, vasomotor symptoms, enuresis, appetite, irritable bowel), or such words;
- unclassified: stated, but in no table (PCOS, a local code): counted, and named to confirm;
- not-read: a reasonReference that resolves to no Condition among the chart's resources or the
  resource's contained ones. Never a guess (its display is not read as the reason): the course
  counts as one with no reason does, and the cards say so where it could change a conclusion.
A concept with codings of several categories takes the one that counts most (depression, then
psychiatric-other, unclassified, non-psychiatric): the safer reading is never to drop a trial a
coding calls depression. Its text is read the same way beside its codings (READ12 finding 2):
Epic's Z72.0 with the text "Depression and smoking cessation" is a depression reason, named by
that text, not a smoking-cessation one.

`course_indication` judges a course: NOT_A_TRIAL (InadequacyReason.OTHER_INDICATION) only when
EVERY order and statement of it states a reason and every reason is non-psychiatric, or, for an
adjunct, a psychiatric use the drug itself is given for (data/indication_drugs.csv: buspirone for
anxiety is no augmentation; fix meds50, review K59a finding 7). A depression reason on any record, mixed reasons (depression and pain), or no reason at all:
counted as before. A course some of whose orders or statements state only a non-psychiatric
reason and others none (Zyban ordered for smoking, re-ordered with no reason) is counted too
(READ12 finding 1), and named "to confirm" (services/trial_indication.py): the safer reading,
which neither hides a trial nor claims one silently. Dispenses state no reason
(MedicationDispense has none in R4), so the orders' and statements' reasons decide. Only the
trial counting changes: the events stay, so the safety checks (interactions, serotonin load,
renal doses, QTc, running drugs) still see a duloxetine taken for pain.

Epic states a reason on nearly every order (READ12 finding 3), and a clinic's orders repeat the
same few: a reasonCode concept is read once per content (its JSON as sent, as dose_memo.py keys
a sig), never per resource id, which a chart's first sight defeats.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import orjson

from fhir_mapping.bounded_memo import remember
from fhir_mapping.clinical_codes import condition_matches, normalise_code
from fhir_mapping.code_systems import ICD10CM, SNOMED, canonical_system
from fhir_mapping.fhir_fields import JSON_OBJECT, array, codings
from fhir_mapping.record import (
    FindingKind,
    InadequacyReason,
    IndicationCategory,
    SourceRef,
    StatedReason,
    Verdict,
)

_DEPRESSION = IndicationCategory.DEPRESSION
_OTHER_PSYCHIATRIC = IndicationCategory.PSYCHIATRIC_OTHER
_NON_PSYCHIATRIC = IndicationCategory.NON_PSYCHIATRIC
_UNCLASSIFIED = IndicationCategory.UNCLASSIFIED
_NOT_READ = IndicationCategory.NOT_READ

# The condition_codes.csv kinds reused as categories (one table of depression codes, not two).
_KIND_CATEGORY = {
    FindingKind.DEPRESSION: _DEPRESSION,
    FindingKind.MDD_IN_REMISSION: _DEPRESSION,
    FindingKind.TRD: _DEPRESSION,
    FindingKind.ANXIETY: _OTHER_PSYCHIATRIC,
    FindingKind.PTSD: _OTHER_PSYCHIATRIC,
    FindingKind.EATING_DISORDER: _OTHER_PSYCHIATRIC,
}
# The card's words for a reused kind ("ordered for PTSD (F43.10)").
_KIND_LABEL = {  # in the order a coding of several kinds is named by (most specific first)
    FindingKind.DEPRESSION: "depression",
    FindingKind.MDD_IN_REMISSION: "depression",
    FindingKind.TRD: "depression",
    FindingKind.PTSD: "PTSD",
    FindingKind.EATING_DISORDER: "eating disorder",
    FindingKind.ANXIETY: "anxiety",
}
_KIND_ORDER = tuple(_KIND_LABEL)
# Which category wins when one concept's codings disagree: the one that counts most.
_RANK = {_DEPRESSION: 0, _OTHER_PSYCHIATRIC: 1, _UNCLASSIFIED: 2, _NON_PSYCHIATRIC: 3}


@dataclass(frozen=True, slots=True)
class _Row:
    category: IndicationCategory
    label: str
    code: str  # dot-less upper-case ICD-10-CM, or the SNOMED code
    prefix: bool


@cache
def _table() -> tuple[
    dict[tuple[str, str], _Row], tuple[tuple[str, _Row], ...], tuple[Any, ...], tuple[Any, ...]
]:
    """(exact code rows, ICD-10-CM prefix rows, (word pattern, row) of the text rows, the
    patterns of the `adjunct-word` rows: words saying the drug is given as an adjunct)."""
    text = resources.files("fhir_mapping").joinpath("data/indication_codes.csv").read_text("utf-8")
    exact: dict[tuple[str, str], _Row] = {}
    prefixes: list[tuple[str, _Row]] = []
    words: list[tuple[re.Pattern[str], _Row]] = []
    adjunct: list[re.Pattern[str]] = []
    for row in csv.DictReader(text.splitlines()):
        category = IndicationCategory(row["category"])
        if row["system"] == "text":
            term = row["code"].strip().lower()
            # "neuropath*" is a word prefix; "ptsd" the whole word (as procedure_terms.csv).
            body = re.escape(term[:-1]) if term.endswith("*") else re.escape(term) + r"\b"
            if row["match"] == "adjunct-word":
                adjunct.append(re.compile(r"\b" + body))
                continue
            words.append((re.compile(r"\b" + body), _Row(category, row["label"], term, False)))
            continue
        system = canonical_system(row["system"])
        code = normalise_code(system, row["code"])
        entry = _Row(category, row["label"], code, row["match"] == "prefix")
        if entry.prefix:
            prefixes.append((code, entry))
        else:
            exact[(system, code)] = entry
    return exact, tuple(prefixes), tuple(words), tuple(adjunct)


@lru_cache(maxsize=2048)
def _coding_category(system: str, code: str) -> tuple[IndicationCategory, str] | None:
    """(category, label) of one coding, else None. Remembered: charts state the same few
    reasons again and again."""
    kinds = [m.kind for m in condition_matches(system, code) if m.kind in _KIND_CATEGORY]
    if kinds:
        # The kind that counts most; among equals the most specific (SNOMED 47505003 is both
        # "anxiety" and "ptsd" in condition_codes.csv: the card says PTSD).
        best = min(kinds, key=lambda k: (_RANK[_KIND_CATEGORY[k]], _KIND_ORDER.index(k)))
        return _KIND_CATEGORY[best], _KIND_LABEL[best]
    exact, prefixes, _, _ = _table()
    key = normalise_code(system, code)
    row = exact.get((system, key))
    if row is None and system == ICD10CM:
        row = next((r for p, r in prefixes if key.startswith(p)), None)
    return (row.category, row.label) if row is not None else None


@lru_cache(maxsize=1024)
def _text_category(text: str) -> tuple[IndicationCategory, str] | None:
    found = [row for pattern, row in _table()[2] if pattern.search(text)]
    if not found:
        return None
    best = min(found, key=lambda r: _RANK[r.category])
    return best.category, best.label


def _shown_code(coded: Sequence[tuple[str, str, str]], system: str, code: str) -> str:
    """The code a card shows: the ICD-10-CM code as written if the concept has one (what a
    clinician reads on an order), else the coding that classified it ("SNOMED CT 47505003")."""
    for s, c, _ in coded:
        if s == ICD10CM:
            return c
    if system == ICD10CM:
        return code
    return f"SNOMED CT {code}" if system == SNOMED else code


# A reason as read, without the resource stating it: (category, label, code as shown).
_Reading = tuple[IndicationCategory, str, str | None]


def _reading(concept: object) -> _Reading | None:
    """One reason concept read (see read_concept); None when it states nothing."""
    coded = codings(concept)
    text = concept.get("text") if isinstance(concept, JSON_OBJECT) else None
    words = text.strip() if isinstance(text, str) else ""
    best: _Reading | None = None
    for system, code, _ in coded:
        found = _coding_category(system, code)
        if found is not None and (best is None or _RANK[found[0]] < _RANK[best[0]]):
            best = (found[0], found[1], _shown_code(coded, system, code))
    if best is not None:
        # READ12 finding 2: the text may name what counts more than every coding (Epic's Z72.0
        # "Depression and smoking cessation"): as across codings, the category that counts most
        # wins, named by the text as written (its code is not the depression's). The codings'
        # displays are not read here: they are the code systems' names of codes already read.
        said = _text_category(words.lower()) if words else None
        if said is not None and _RANK[said[0]] < _RANK[best[0]]:
            return said[0], words, best[2]
        return _as_adjunct(best, words)
    shown = words or next((d for _, _, d in coded if d), "")
    if not shown and not coded:
        return None
    # No coding in a table: the words (the text, else the displays) may still say it.
    said = _text_category(" ".join([words, *(d for _, _, d in coded)]).lower())
    written = _shown_code(coded, *coded[0][:2]) if coded else None
    if said is not None:
        return _as_adjunct((said[0], said[1], written), words)
    return _UNCLASSIFIED, shown or "an uncoded reason", written


def _as_adjunct(reading: _Reading, words: str) -> _Reading:
    """A psychiatric-other reading named by the chart's own words when they say the drug is
    given as an adjunct ("Augmentation of antidepressant - anxiety", "Anxiety - adjunct to
    SSRI": indication_codes.csv `adjunct-word` rows). Fix meds53 (review K60a finding 5):
    buspirone ordered so was read as "anxiety", its own use (indication_drugs.csv), and no longer
    counted as augmentation (Maudsley 1 -> 0). The prescriber says it augments the antidepressant,
    so it is counted, and the card names what was written; the category is kept, so an
    antidepressant's course is judged as before."""
    if reading[0] is not _OTHER_PSYCHIATRIC or not words:
        return reading
    lowered = words.lower()
    if any(pattern.search(lowered) for pattern in _table()[3]):
        return reading[0], words, reading[2]
    return reading


# Readings by the concept's JSON as sent (module docstring). Bounded as the dose memo is.
_READING_MEMO_MAX = 2048
_remembered: dict[bytes, _Reading | None] = {}
_UNREAD = object()  # not in the memo


def _remembered_reading(concept: object) -> _Reading | None:
    """_reading of `concept`, remembered by its content. A concept orjson cannot write (a key
    that is not a string, an integer beyond 64 bits) is read every time; a NaN it writes as
    null reads as a null does (neither is a string), so none is left out for it."""
    try:
        key = orjson.dumps(concept)
    except TypeError:  # orjson.JSONEncodeError
        return _reading(concept)
    found = _remembered.get(key, _UNREAD)
    if found is not _UNREAD:
        return found  # type: ignore[return-value]
    return remember(_remembered, key, _reading(concept), _READING_MEMO_MAX)


def read_concept(concept: object, source: SourceRef) -> StatedReason | None:
    """One reason concept (a reasonCode, or a Condition's code) as a StatedReason; None when it
    states nothing (no coding, no text)."""
    reading = _remembered_reading(concept)
    return None if reading is None else StatedReason(*reading, source)


def _condition(
    target: str, resource: Mapping[str, Any], conditions: Mapping[str, Mapping[str, Any]]
) -> Mapping[str, Any] | None:
    """The Condition a reasonReference names: contained ("#id"), "Condition/<id>" (also with a
    base or _history), or "urn:uuid:<id>" as Synthea writes it. None: not found."""
    if target.startswith("#"):
        for contained in array(resource.get("contained")):
            if (
                isinstance(contained, JSON_OBJECT)
                and contained.get("resourceType") == "Condition"
                and contained.get("id") == target[1:]
            ):
                return contained
        return None
    if target.startswith("urn:uuid:"):
        return conditions.get(target[len("urn:uuid:") :])
    parts = target.split("/")
    if "_history" in parts:
        parts = parts[: parts.index("_history")]
    if len(parts) >= 2 and parts[-2] == "Condition":
        return conditions.get(parts[-1])
    return None


def condition_index(resources: Sequence[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """The chart's Conditions by id: built only for a chart with a reasonReference."""
    index: dict[str, Mapping[str, Any]] = {}
    for resource in resources:
        if isinstance(resource, JSON_OBJECT) and resource.get("resourceType") == "Condition":
            rid = resource.get("id")
            if isinstance(rid, str) and rid:
                index.setdefault(rid, resource)
    return index


def stated_reasons(
    resource: Mapping[str, Any],
    source: SourceRef,
    conditions: Mapping[str, Mapping[str, Any]],
) -> tuple[StatedReason, ...]:
    """The reasons an order or statement states: each reasonCode, then each reasonReference
    (resolved to its Condition's code; NOT_READ when it does not resolve, with the reference's
    display, else the reference, as its words)."""
    found: list[StatedReason] = []
    for concept in array(resource.get("reasonCode")):
        reason = read_concept(concept, source)
        if reason is not None:
            found.append(reason)
    for reference in array(resource.get("reasonReference")):
        if not isinstance(reference, JSON_OBJECT):
            continue
        target = reference.get("reference")
        display = reference.get("display")
        named = display if isinstance(display, str) and display.strip() else None
        condition = _condition(target, resource, conditions) if isinstance(target, str) else None
        reason = read_concept(condition.get("code"), source) if condition is not None else None
        if reason is None:
            # Unresolvable (an Observation, a Condition not sent, no reference at all): the
            # reason was not read. Its display is the sender's label, not a reading of it.
            where = target if isinstance(target, str) and target else "no reference"
            label = f"{named} ({where})" if named else where
            reason = StatedReason(_NOT_READ, label, None, source)
        found.append(reason)
    # One reason (nearly every order): no set of them to build (issue 14).
    return tuple(found) if len(found) < 2 else tuple(dict.fromkeys(found))


def course_indication(
    reasons: Sequence[StatedReason],
    ingredient: str,
    *,
    unstated: bool = False,
    own_uses: frozenset[str] = frozenset(),
    counted_as: str = "a depression trial",
) -> tuple[tuple[StatedReason, ...], tuple[Verdict, tuple[InadequacyReason, ...], str] | None]:
    """(the course's stated reasons, one per (category, text) in record order; the verdict,
    reasons and note of a course whose every stated reason is another use, else None).

    Another use: a non-psychiatric reason, or a psychiatric one whose label is in `own_uses`,
    the psychiatric uses the drug itself treats as an adjunct's own indication (buspirone for
    anxiety: course_use.py, data/indication_drugs.csv; fix meds50). `counted_as` names what the
    course is not counted as ("augmentation" for an adjunct).

    `unstated`: an order or statement of the course states no reason. Such a course is counted
    whatever the others state (READ12 finding 1: a Zyban order for smoking, then a
    continuation order with no reason, is not dropped for its whole course); its non-psychiatric
    reasons stay on it, for services to name "to confirm"."""
    unique = tuple({(r.category, r.text): r for r in reasons}.values())
    if unstated or not unique or not all(_other_use(r, own_uses) for r in unique):
        return unique, None
    named = "; ".join(dict.fromkeys(r.text for r in unique))
    note = (
        f"{ingredient} ordered for {named}: not counted as {counted_as}; it still "
        "counts in the interaction, serotonin, dose and renal checks"
    )
    return unique, (Verdict.NOT_A_TRIAL, (InadequacyReason.OTHER_INDICATION,), note)


def _other_use(reason: StatedReason, own_uses: frozenset[str]) -> bool:
    """Whether a stated reason is a use other than depression that makes the course no trial:
    non-psychiatric, or a psychiatric use of `own_uses` (course_indication). Another psychiatric
    reason (sertraline for PTSD) is counted: the dose usually treats a co-occurring depression
    too (services/trial_indication.py)."""
    if reason.category is _NON_PSYCHIATRIC:
        return True
    return reason.category is _OTHER_PSYCHIATRIC and reason.label in own_uses
