"""PHQ-9 scores from QuestionnaireResponses (issue 10 item 4).

Many EHRs and SMART forms store a PHQ-9 as a QuestionnaireResponse, not as Observations. This
module reads them into the same `Score` records as scores.py: instrument "PHQ-9", value = the
total, item9, date = `authored`, source = QuestionnaireResponse/<id>.

Which item an answer belongs to (its LOINC item code, data/phq9_items.csv), first match wins:

1. `item.code` with a LOINC coding (not an R4 element, but form tools copy the Questionnaire's
   item codes into the response; read, since the code says exactly what the item is);
2. the site's own map (`site_items`: (questionnaire canonical, linkId) -> LOINC), for local forms;
3. the known Questionnaires (data/questionnaire_items.csv): US Core's and SDC's PHQ-9 by canonical,
   and the LHC-Forms convention linkId = "/<LOINC>" for any questionnaire (also as the last
   segment of a nested path "/44249-1/44260-8");
4. a Questionnaire contained in the response (`questionnaire: "#id"`): its `item.code`.

Canonicals are compared without their `|version` suffix. Items nest (`item.item`, and
`answer.item`), so the whole tree is walked.

The score of an answer, first match wins: `valueInteger` / `valueDecimal` (whole numbers only);
for a `valueCoding`, a LOINC answer code (LA6568-5 = 0 ... LA6571-9 = 3, data/
phq9_answer_codes.csv), the item-weight extensions on the coding or the answer (`ordinalValue`,
its R5 name `itemWeight`, the older `iso21090-CO-value`), codes with or without a system from
data/questionnaire_answers.csv (SDC's system-less "Not-at-all" ...), the contained
Questionnaire's answerOption weights, and last the answer's display text ("Several days"); a
`valueString` of digits or of an answer's text. The total (44261-6) is read from `valueInteger`,
`valueDecimal`, `valueQuantity` ({score}) or a `valueString` of digits. Out-of-range values
(item > 3, total > 27) are unreadable, never clipped.

Statuses: `completed` and `amended` are read in full. `in-progress` and `stopped` (abandoned)
forms are read for item 9 only, and only when it is answered: a positive item 9 is the patient's
statement whether or not the rest was finished (the safer reading: the suicide-safety card must
see it), while a part-filled total is not a PHQ-9 total. `entered-in-error` and other statuses are
ignored; so are responses authored after as-of.

The total: the recorded 44261-6 answer; when it is missing, unanswered or unreadable, the sum of
the nine items if all nine are answered (`Score.total_computed`); with fewer than nine no total,
but item 9 still counts. A total of 25-27 without an item-9 answer proves item 9 >= 1
(`scores.infer_item9`).

A response that is clearly a PHQ-9 but cannot be used (no `authored` date, no status, no readable
total or item 9) is returned as a `DataGap` in DataDomain.SCORES, never dropped in silence; so is
an item-9 answer that is present but unreadable (the total, if any, still counts).

An item-9 answer that is present but unreadable (an unknown answer code or system, text that is
no answer, a number out of range, a value type no PHQ-9 answer has) is also carried on the Score
as `item9_unread` (the response), exactly as scores.py does for an Observation: it may be
positive, so the suicide-risk rule raises its "could not be read: check it in the chart" card and
the TMS card says so (review patient-view finding 3). The Score is built even when nothing else of
the response is readable (value and item9 None), and for an unfinished form. The precedence is
scores.py's: a readable item-9 answer on the same score wins (a second, unreadable answer beside a
readable one is a DataGap only). An item 9 that was asked and not answered (no `answer`) is not
unread: it is simply not recorded (`item9` None, as on any PHQ-9 filed without item 9).

A response that is no PHQ-9 this module can read but looks like one (its Questionnaire named
PHQ-9 or "Patient Health Questionnaire": phq9_lookalike.py) is a DataGap of its own, with
phq9_lookalike.UNRECOGNISED_PHQ9 as its reason: never a score, never dropped in silence.

Duplicates: US Core derives Observations from the response (`derivedFrom`), and some EHRs file
both. `merge_scores` counts one administration once: an Observation score derived from the
response (directly or through its panel), else one of the same day with the same total, else one
of the same day where either has no total. The merged score keeps the source that recorded item 9
(the response when both or neither did), the highest recorded item-9 answer, and the total of
that source (else the other's).
"""

from __future__ import annotations

import csv
import dataclasses
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import LOINC, canonical_system
from fhir_mapping.codes import phq9_answer_values
from fhir_mapping.fhir_fields import array, number, parse_date, ref_id
from fhir_mapping.phq9_lookalike import lookalike_gap, questionnaire_looks_like_phq9
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.scores import PHQ9, infer_item9, score_order

Resource = Mapping[str, Any]
SiteItems = Mapping[tuple[str, str], str]  # (questionnaire canonical, linkId) -> LOINC item code

QR = "QuestionnaireResponse"
_FULL = frozenset({"completed", "amended"})
_ITEM9_ONLY = frozenset({"in-progress", "stopped"})
_ANY_QUESTIONNAIRE = "*"  # questionnaire_items.csv rows that hold for any questionnaire
# Extensions that put a score on an answer (Coding or answerOption). ordinalValue is R4's name,
# itemWeight its R5 / extensions-pack name ("used to be called ordinalValue"), iso21090-CO-value
# the DSTU2-era one.
_WEIGHT_URLS = frozenset(
    {
        "http://hl7.org/fhir/StructureDefinition/ordinalValue",
        "http://hl7.org/fhir/StructureDefinition/itemWeight",
        "http://hl7.org/fhir/StructureDefinition/iso21090-CO-value",
    }
)
_MAX_DEPTH = 32  # item nesting deeper than this is not a form a person filled in


# --- data tables ---------------------------------------------------------------------------------
def _read(name: str) -> list[dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class _Item:
    loinc: str
    number: int | None  # 1..9; None for the total
    max_score: int


@cache
def phq9_items() -> dict[str, _Item]:
    """LOINC code -> PHQ-9 item (1..9) or the total, with its highest valid score."""
    return {
        row["loinc"]: _Item(
            row["loinc"],
            None if row["item"] == "total" else int(row["item"]),
            int(row["max_score"]),
        )
        for row in _read("phq9_items.csv")
    }


@cache
def _item9_code() -> str:
    return next(i.loinc for i in phq9_items().values() if i.number == 9)


@cache
def _total_code() -> str:
    return next(i.loinc for i in phq9_items().values() if i.number is None)


@cache
def known_items() -> dict[tuple[str, str], str]:
    """(questionnaire canonical or "*", linkId) -> LOINC item code (data/questionnaire_items.csv)."""
    return {
        (canonical(row["questionnaire"]) or _ANY_QUESTIONNAIRE, row["link_id"]): row["loinc"]
        for row in _read("questionnaire_items.csv")
    }


@cache
def _known_canonicals() -> frozenset[str]:
    return frozenset(q for q, _ in known_items() if q != _ANY_QUESTIONNAIRE)


@cache
def _answer_codes() -> dict[tuple[str, str], int]:
    """(system, code) -> item score; system "" for codes sent without one."""
    found = {
        (LOINC, code): value
        for (system, code), value in phq9_answer_values().items()
        if _is_loinc(system)
    }
    for row in _read("questionnaire_answers.csv"):
        found[(row["system"], row["code"])] = int(row["value"])
    return found


def _words(text: str) -> str:
    return " ".join(re.sub(r"[-_]", " ", text).lower().split())


@cache
def _answer_texts() -> dict[str, int]:
    """Normalised answer text ("more than half the days") -> item score."""
    return {_words(row["display"]): int(row["value"]) for row in _read("questionnaire_answers.csv")}


# --- small readers -------------------------------------------------------------------------------
def _is_loinc(system: object) -> bool:
    return isinstance(system, str) and canonical_system(system) == LOINC


def canonical(value: object) -> str | None:
    """A questionnaire canonical without its `|version` (R4 string; STU3-style Reference too)."""
    if isinstance(value, Mapping):
        value = value.get("reference")
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("|", 1)[0].rstrip("/")


def _site_lookup(site_items: SiteItems | None) -> dict[tuple[str, str], str]:
    if not site_items:
        return {}
    found: dict[tuple[str, str], str] = {}
    for (questionnaire, link_id), loinc in site_items.items():
        key = canonical(questionnaire)
        if key is not None and isinstance(link_id, str) and isinstance(loinc, str):
            found[(key, link_id)] = loinc.strip()
    return found


def _walk(items: object, depth: int = 0) -> Iterator[Mapping[str, Any]]:
    """Every item of an item tree: `item.item` and `item.answer.item` included."""
    if depth > _MAX_DEPTH:
        return
    for item in array(items):
        if not isinstance(item, Mapping):
            continue
        yield item
        yield from _walk(item.get("item"), depth + 1)
        for answer in array(item.get("answer")):
            if isinstance(answer, Mapping):
                yield from _walk(answer.get("item"), depth + 1)


def _weight(element: object) -> float | None:
    """The score an item-weight extension puts on a Coding, an answer or an answerOption."""
    if not isinstance(element, Mapping):
        return None
    for extension in array(element.get("extension")):
        if isinstance(extension, Mapping) and extension.get("url") in _WEIGHT_URLS:
            for key in ("valueDecimal", "valueInteger"):
                found = number(extension.get(key))
                if found is not None:
                    return found
    return None


def _whole(value: float | None, max_score: int) -> int | None:
    if value is None or value != int(value) or not 0 <= value <= max_score:
        return None
    return int(value)


@dataclass(slots=True)
class _Form:
    """What a response's Questionnaire tells about it (contained, known or site-mapped)."""

    canonical: str | None
    contained_items: dict[str, str] = field(default_factory=dict)  # linkId -> LOINC
    contained_weights: dict[tuple[str, str], float] = field(default_factory=dict)  # (linkId, code)
    recognised: bool = False  # the questionnaire itself is a PHQ-9 we know


def _contained_questionnaire(resource: Resource, reference: str | None) -> Resource | None:
    if reference is None or not reference.startswith("#"):
        return None
    for entry in array(resource.get("contained")):
        if (
            isinstance(entry, Mapping)
            and entry.get("resourceType") == "Questionnaire"
            and entry.get("id") == reference[1:]
        ):
            return entry
    return None


def _form(resource: Resource, site: Mapping[tuple[str, str], str]) -> _Form:
    reference = canonical(resource.get("questionnaire"))
    contained = _contained_questionnaire(resource, reference)
    form = _Form(canonical=reference)
    if contained is not None:
        form.canonical = canonical(contained.get("url")) or reference
        for item in _walk(contained.get("item")):
            link_id = item.get("linkId")
            if not isinstance(link_id, str):
                continue
            for coding in array(item.get("code")):
                if (
                    isinstance(coding, Mapping)
                    and _is_loinc(coding.get("system"))
                    and coding.get("code") in phq9_items()
                ):
                    form.contained_items[link_id] = coding["code"]
            for option in array(item.get("answerOption")):
                coding = option.get("valueCoding") if isinstance(option, Mapping) else None
                weight = _weight(option)
                if weight is None:
                    weight = _weight(coding)
                if (
                    isinstance(coding, Mapping)
                    and isinstance(coding.get("code"), str)
                    and weight is not None
                ):
                    form.contained_weights[(link_id, coding["code"])] = weight
    site_forms = {q for q, _ in site}
    form.recognised = form.canonical is not None and (
        form.canonical in _known_canonicals() or form.canonical in site_forms
    )
    return form


def _item_code(
    item: Mapping[str, Any], form: _Form, site: Mapping[tuple[str, str], str]
) -> str | None:
    """The PHQ-9 LOINC item code of a response item (module docstring, "Which item")."""
    items = phq9_items()
    for coding in array(item.get("code")):
        if isinstance(coding, Mapping) and _is_loinc(coding.get("system")):
            code = coding.get("code")
            if isinstance(code, str) and code in items:
                return code
    link_id = item.get("linkId")
    if not isinstance(link_id, str) or not link_id:
        return None
    candidates: list[str | None] = []
    if form.canonical is not None:
        candidates.append(site.get((form.canonical, link_id)))
        candidates.append(known_items().get((form.canonical, link_id)))
    candidates.append(form.contained_items.get(link_id))
    candidates.append(known_items().get((_ANY_QUESTIONNAIRE, link_id)))
    last = link_id.rstrip("/").rsplit("/", 1)[-1]
    candidates.append(known_items().get((_ANY_QUESTIONNAIRE, f"/{last}")))
    for code in candidates:
        if code is not None and code in items:
            return code
    return None


def _coding_score(
    coding: Mapping[str, Any], answer: Mapping[str, Any], link_id: object, form: _Form
) -> float | None:
    system = coding.get("system")
    code = coding.get("code")
    codes = _answer_codes()
    if isinstance(code, str) and _is_loinc(system) and (LOINC, code) in codes:
        return codes[(LOINC, code)]
    weight = _weight(coding)
    if weight is None:
        weight = _weight(answer)
    if weight is not None:
        return weight
    if isinstance(code, str) and code:
        key = (canonical_system(system) if isinstance(system, str) else "", code)
        if key in codes:
            return codes[key]
        if isinstance(link_id, str) and (link_id, code) in form.contained_weights:
            return form.contained_weights[(link_id, code)]
    display = coding.get("display")
    if isinstance(display, str):
        return _answer_texts().get(_words(display))
    return None


def _answer_score(
    answer: Mapping[str, Any], item: _Item, link_id: object, form: _Form
) -> int | None:
    """The score of one answer to a PHQ-9 item or the total, within its range; else None."""
    for key in ("valueInteger", "valueDecimal"):
        if key in answer:
            return _whole(number(answer.get(key)), item.max_score)
    quantity = answer.get("valueQuantity")
    if isinstance(quantity, Mapping):
        return _whole(number(quantity.get("value")), item.max_score)
    text = answer.get("valueString")
    if isinstance(text, str):
        if text.strip().isdecimal() and len(text.strip()) <= 3:
            return _whole(float(text.strip()), item.max_score)
        if item.number is not None:
            return _whole(_answer_texts().get(_words(text)), item.max_score)
        return None
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping) and item.number is not None:
        return _whole(_coding_score(coding, answer, link_id, form), item.max_score)
    return None


@dataclass(slots=True)
class _Answers:
    scores: dict[str, int] = field(default_factory=dict)  # LOINC -> score (items and the total)
    unreadable: set[str] = field(default_factory=set)  # LOINC codes answered but not readable
    # LOINC codes with an unreadable answer beside a readable one (the readable one counts).
    partly_unreadable: set[str] = field(default_factory=set)
    any_phq9_item: bool = False


def _answers(resource: Resource, form: _Form, site: Mapping[tuple[str, str], str]) -> _Answers:
    found = _Answers()
    items = phq9_items()
    for item in _walk(resource.get("item")):
        code = _item_code(item, form, site)
        if code is None:
            continue
        found.any_phq9_item = True
        answers = [a for a in array(item.get("answer")) if isinstance(a, Mapping)]
        if not answers:
            continue  # asked, not answered
        read = [_answer_score(a, items[code], item.get("linkId"), form) for a in answers]
        values = [v for v in read if v is not None]
        if not values:
            found.unreadable.add(code)
            continue
        if len(values) < len(read):
            found.partly_unreadable.add(code)
        # Two answers to one item (a repeated item, a copy in a nested group): the higher one
        # counts, the safer reading for item 9.
        best = max(values)
        found.scores[code] = max(found.scores.get(code, best), best)
    return found


def _is_phq9(form: _Form, answers_tree: object, site: Mapping[tuple[str, str], str]) -> bool:
    if form.recognised or form.contained_items:
        return True
    return any(_item_code(item, form, site) is not None for item in _walk(answers_tree))


# --- public surface ------------------------------------------------------------------------------
def wants_questionnaire_response(resource: Resource, site_items: SiteItems | None = None) -> bool:
    """Cheap filter: a QuestionnaireResponse that is a PHQ-9 (known or site questionnaire, a
    contained PHQ-9 Questionnaire, or an item recognised as a PHQ-9 item)."""
    if resource.get("resourceType") != QR:
        return False
    site = _site_lookup(site_items)
    # A response that only looks like a PHQ-9 is kept too: read_questionnaire_scores reports it.
    return _is_phq9(_form(resource, site), resource.get("item"), site) or (
        questionnaire_looks_like_phq9(resource)
    )


def _source(resource: Resource) -> SourceRef | None:
    rid = resource.get("id")
    return SourceRef(QR, rid) if isinstance(rid, str) and rid else None


def _read_one(
    resource: Resource, as_of: date, site: Mapping[tuple[str, str], str]
) -> tuple[Score | None, list[DataGap]]:
    form = _form(resource, site)
    if not _is_phq9(form, resource.get("item"), site):
        return None, _lookalike(resource, as_of)
    source = _source(resource)

    def gap(reason: str) -> DataGap:
        return DataGap(DataDomain.SCORES, reason, source)

    status = resource.get("status")
    if not isinstance(status, str) or not status:
        return None, [gap("PHQ-9 questionnaire response without a status")]
    if status not in _FULL and status not in _ITEM9_ONLY:
        return None, []  # entered-in-error, or a status R4 does not define: not a result
    answers = _answers(resource, form, site)
    item9_code = _item9_code()
    item9 = answers.scores.get(item9_code)
    gaps: list[DataGap] = []
    # An item-9 answer on record that could not be read (module docstring): the Score carries it
    # so the suicide-risk rule sees it; a readable answer beside it wins (scores.py's rule).
    unread: SourceRef | None = None
    if item9_code in answers.unreadable:
        gaps.append(gap("PHQ-9 item 9 answer could not be read"))
        unread = SourceRef(QR, source.id if source is not None else "")
    elif item9_code in answers.partly_unreadable:
        gaps.append(gap("PHQ-9 item 9 has an answer that could not be read beside a readable one"))
    if status in _ITEM9_ONLY and item9 is None and unread is None:
        return None, gaps  # an unfinished form without an item-9 answer says nothing yet
    day = parse_date(resource.get("authored"))
    if day is None:
        return None, [*gaps, gap("PHQ-9 questionnaire response without a date (authored)")]
    if day > as_of:
        return None, []
    value: int | None = None
    computed = False
    if status in _FULL:
        value = answers.scores.get(_total_code())
        numbered = [i.loinc for i in phq9_items().values() if i.number is not None]
        if value is None and all(code in answers.scores for code in numbered):
            value = sum(answers.scores[code] for code in numbered)
            computed = True
    if value is None and item9 is None:
        if answers.scores or answers.unreadable:
            reason = "PHQ-9 questionnaire response without a total, all nine items or item 9"
        else:
            reason = "PHQ-9 questionnaire response without a readable answer"
        gaps.append(gap(reason))
        if unread is None:
            return None, gaps
    score = Score(PHQ9, value, day, item9, source, total_computed=computed, item9_unread=unread)
    return infer_item9(score), gaps


def _lookalike(resource: Resource, as_of: date) -> list[DataGap]:
    """A response this module cannot read as a PHQ-9 that looks like one (phq9_lookalike.py):
    one DataGap, unless it is no result (entered in error, no status R4 defines) or is dated
    after as-of."""
    if not questionnaire_looks_like_phq9(resource):
        return []
    status = resource.get("status")
    if isinstance(status, str) and status and status not in _FULL and status not in _ITEM9_ONLY:
        return []
    day = parse_date(resource.get("authored"))
    if day is not None and day > as_of:
        return []
    return [lookalike_gap(resource)]


def read_questionnaire_scores(
    resources: Iterable[Resource], *, as_of: date, site_items: SiteItems | None = None
) -> tuple[list[Score], list[DataGap]]:
    """PHQ-9 scores from QuestionnaireResponses (oldest first), and the PHQ-9 responses that
    could not be used. Responses that are not a PHQ-9 are ignored."""
    site = _site_lookup(site_items)
    found: list[Score] = []
    gaps: list[DataGap] = []
    for resource in resources:
        if not isinstance(resource, Mapping) or resource.get("resourceType") != QR:
            continue
        score, problems = _read_one(resource, as_of, site)
        if score is not None:
            found.append(score)
        gaps.extend(problems)
    return sorted(found, key=score_order), gaps


# --- one administration, once --------------------------------------------------------------------
def _response_id(reference: object) -> str | None:
    """The id of a reference to a QuestionnaireResponse ("QuestionnaireResponse/x", a full URL,
    "urn:uuid:x"); None for references to other types."""
    raw = reference.get("reference") if isinstance(reference, Mapping) else reference
    if not isinstance(raw, str):
        return None
    if f"{QR}/" not in raw and not raw.startswith("urn:uuid:"):
        return None
    return ref_id(raw)


def _derived(observations: Iterable[Resource]) -> dict[str, set[str]]:
    """Observation id -> the QuestionnaireResponse ids it was derived from (directly, or through
    the panel that lists it in hasMember)."""
    derived: dict[str, set[str]] = {}
    panels: list[tuple[Resource, set[str]]] = []
    for resource in observations:
        rid = resource.get("id")
        if not isinstance(rid, str):
            continue
        sources = {
            qr
            for ref in array(resource.get("derivedFrom"))
            if (qr := _response_id(ref)) is not None
        }
        if sources:
            derived.setdefault(rid, set()).update(sources)
            panels.append((resource, sources))
    for panel, sources in panels:
        for member in array(panel.get("hasMember")):
            mid = ref_id(member)
            if mid:
                derived.setdefault(mid, set()).update(sources)
    return derived


def _recorded(score: Score) -> bool:
    return score.item9 is not None and not score.item9_inferred


def _combine(group: list[Score]) -> Score:
    """One score for one administration (module docstring, "Duplicates")."""
    chosen = next((s for s in group if _recorded(s)), group[0])
    recorded = [s.item9 for s in group if _recorded(s) and s.item9 is not None]
    valued = chosen
    if chosen.value is None:
        valued = next((s for s in group if s.value is not None), chosen)
    # An unreadable item-9 answer of either record stays while none is readable (scores.py).
    unread = None if recorded else next((s.item9_unread for s in group if s.item9_unread), None)
    merged = dataclasses.replace(
        chosen,
        value=valued.value,
        total_computed=valued.total_computed,
        item9=max(recorded) if recorded else None,
        item9_inferred=False,
        item9_unread=unread,
    )
    return infer_item9(merged)


def _same_administration(
    response: Score, candidates: list[Score], derived: Mapping[str, set[str]]
) -> list[Score]:
    """The Observation scores that record the same PHQ-9 as `response`: every one derived from
    it, else the first of the same day with the same total, else the first of the same day
    where either has no total."""
    qr_id = response.source.id if response.source is not None else None
    if qr_id is not None:
        linked = [
            s for s in candidates if s.source is not None and qr_id in derived.get(s.source.id, ())
        ]
        if linked:
            return linked
    same_day = [s for s in candidates if s.date == response.date]
    if response.value is not None:
        same_total = [s for s in same_day if s.value == response.value]
        if same_total:
            return same_total[:1]
    partial = [s for s in same_day if s.value is None or response.value is None]
    return partial[:1]


def merge_scores(
    observation_scores: Iterable[Score],
    questionnaire_scores: Iterable[Score],
    observations: Iterable[Resource] = (),
) -> tuple[Score, ...]:
    """All scores, oldest first, with each PHQ-9 administration recorded both as Observations
    and as a QuestionnaireResponse counted once (module docstring, "Duplicates")."""
    pool = list(observation_scores)
    derived = _derived(observations)
    out: list[Score] = []
    for response in questionnaire_scores:
        candidates = [s for s in pool if s.instrument == PHQ9]
        group = _same_administration(response, candidates, derived)
        for score in group:
            pool.remove(score)
        out.append(_combine([response, *group]) if group else response)
    return tuple(sorted([*pool, *out], key=score_order))
