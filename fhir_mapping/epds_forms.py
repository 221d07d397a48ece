"""EPDS item 10 sent as a form: a QuestionnaireResponse item or an Observation's component
(review s28 RI finding 1).

An EPDS item 10 "The thought of harming myself has occurred to me" = "Yes, quite often" raised
the critical card when it was an Observation row of its own (screen_lookalike.py, epds_item10.py)
and nothing at all when the same answer came as an item of a QuestionnaireResponse (LOINC's form
http://loinc.org/q/71354-5, a contained Questionnaire titled "Edinburgh Postnatal Depression
Scale (EPDS)", an Epic form under an opaque canonical) or as a component of an Observation 71354-5
valued 24: no card, no "not read" line. Each is now read as the row is, into the same Score
(instrument "EPDS", `item9` the answer 0-3, or `item9_unread` when it cannot be read), so the
suicide-risk rule raises the same card, and an answer it cannot read the same "could not be
read: check it in the chart" warning with a DataGap ("Data not read"). "Never" stays quiet.

Which item is item 10, first match wins:

- its text names the item as a row's label must (screen_wording.named_in: the question's words
  at its start after what may lead it, "In the past 7 days: The thought of harming myself ...",
  or with the item's number): on any form, as a row under an unknown code is read by its words;
- on a form known to be the EPDS alone (data/epds_forms.csv: LOINC's canonical http://loinc.org/
  q/71354-5, or a contained Questionnaire whose name or title names the EPDS and no `other-scale`
  beside it; review s28 K13 findings, session 28 fix fx-forms3: a canonical whose last segment
  names the EPDS alone, http://open.epic.com/fhir/Questionnaire/EPDS, a display extension on
  `questionnaire` naming it so, or a form whose items are worded as at least WORDED_ITEMS
  different EPDS items 1-9, `item-words` rows, and not as the PHQ-9's, phq9_form_item9.
  worded_form: an Epic form under an opaque canonical, Q55501), or inside an EPDS group on any form (a group item whose text or linkId names the
  EPDS, or a linkId path with such a segment, "epds/10"), its linkId's last segment numbered as
  the item ("10", "q10", "epds-10": the number of screen_item_terms.csv's EPDS self-harm row). A
  linkId with more than one number in that segment is not read so; nor is an item whose own
  words name another question (another screen's item, screen_wording.named_in, or an
  `other-question` row: "how difficult ..."). On such a form or in such a group an item whose
  text begins with a site's short label of the item (screen_item_terms.csv `form` rows,
  "Thoughts of harming self", "Self-harm thoughts": review s28 K13 charts e12, e13) is item 10
  too, whatever its linkId. Review s28 K10 finding 3 (session 28 fix
  fx-forms2): a form titled "Perinatal depression screen (EPDS and PHQ-9)" read the PHQ-9's
  difficulty question phq9/10 = "Very difficult" as an unread EPDS item 10 and a GAD-7 "follow-up
  to EPDS" its q10 so: a warning and the TMS one-click held on noise.

The answer: a valueCoding's display or a valueString in the item's own words (epds_item10.py:
codes and numbers are never read, sites number their lists differently), or on an EPDS form a
valueInteger 0-3, the item's score (Cox 1987; recheck K14 s28 chart q07); two answers count the
higher, and a "Never" beside an answer that cannot be read leaves the item unread (as
item9_unread.kept_unread does for a PHQ-9: a 0 settles nothing beside a possible "yes"). An
item asked and not answered is not recorded. Statuses are the PHQ-9 forms' (data/
result_statuses.csv, questionnaires.py): completed, amended, in-progress, stopped and any status
no row names are read (a patient's answer counts whether or not the form was finished), as
scores; entered-in-error is ignored. A component's Observation is read as a row is
(screen_lookalike.read_named: a preliminary one is an unfinished score with its status). A form
or Observation without a date or dated after as-of is left aside, as read_named leaves a row. The EPDS total of a form is
not read here (an Observation's total is scores.py's: 99046-5, 71354-5).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping import epds_item10, result_statuses
from fhir_mapping.fhir_fields import (
    JSON_OBJECT,
    array,
    code_texts,
    effective_date,
    parse_date,
    string,
)
from fhir_mapping.form_answers import WORDED_ITEMS, coding_concept, highest_settled
from fhir_mapping.phq9_form_item9 import worded_form
from fhir_mapping.questionnaire_codes import QR, canonical
from fhir_mapping.questionnaire_items import _MAX_DEPTH, _contained_questionnaire
from fhir_mapping.record import DataDomain, DataGap, Score, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, RESPONSE, Reads, statuses
from fhir_mapping.screen_wording import SELF_HARM, form_named, named_in, self_harm_item
from fhir_mapping.tms_safety import normalise_text

__all__ = ["UNREAD_FORM_ITEM", "read_components", "read_responses", "wants_response"]

Resource = Mapping[str, Any]
Read = tuple[list[Score], list[Score], list[DataGap]]  # (scores, unfinished scores, gaps)

# The gap's reason (reasons go to the logs: no patient data), ending with what is not known.
UNREAD_FORM_ITEM = (
    "an EPDS item 10 answer (the self-harm question) in a form or a panel's component that is "
    "none of the item's answers; its answer is not read"
)

_DIGITS = re.compile(r"\d+")

# FHIR's display extension: the name of a reference's target (the form's name on `_questionnaire`).
_DISPLAY = "http://hl7.org/fhir/StructureDefinition/display"


@cache
def _rows() -> tuple[dict[str, str], ...]:
    text = resources.files("fhir_mapping").joinpath("data/epds_forms.csv").read_text("utf-8")
    return tuple(csv.DictReader(text.splitlines()))


@cache
def _pattern(kind: str) -> re.Pattern[str] | None:
    """One whole-word pattern of the `kind` rows of data/epds_forms.csv, None when none."""
    words = [normalise_text(r["value"]) for r in _rows() if r["kind"] == kind]
    either = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"\b(?:{either})\b") if words else None


@cache
def _forms() -> tuple[frozenset[str], re.Pattern[str] | None]:
    """(canonicals, words) of data/epds_forms.csv: the words as one whole-word pattern."""
    rows = _rows()
    found = frozenset(c for r in rows if r["kind"] == "canonical" and (c := canonical(r["value"])))
    return found, _pattern("words")


def _says(kind: str, text: object) -> bool:
    """Whether a text holds words of one kind of data/epds_forms.csv."""
    pattern = _pattern(kind)
    return (
        pattern is not None and isinstance(text, str) and bool(pattern.search(normalise_text(text)))
    )


@cache
def _item_number() -> str:
    """The EPDS self-harm item's number ("10"), from data/screen_item_terms.csv."""
    return "".join(_DIGITS.findall(self_harm_item(epds_item10.INSTRUMENT)))


def _alone(text: object) -> bool:
    """A name that names the EPDS and no other scale (module docstring)."""
    return _says("words", text) and not _says("other-scale", text)


def _named_form(resource: Resource, reference: str | None) -> bool:
    """A canonical whose last segment, or a display extension on `questionnaire`, names the
    EPDS alone (module docstring)."""
    # "#id" is a contained Questionnaire's: read by its own name and title, not its id.
    last = reference.rsplit("/", 1)[-1] if reference and not reference.startswith("#") else None
    element = resource.get("_questionnaire")
    shown = [
        e.get("valueString")
        for e in array(element.get("extension") if isinstance(element, Mapping) else None)
        if isinstance(e, Mapping) and e.get("url") == _DISPLAY
    ]
    return _alone(last) or any(_alone(s) for s in shown)


@cache
def _item_words() -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(rf"\b{re.escape(epds_item10.plain(r['value']))}\b")
        for r in _rows()
        if r["kind"] == "item-words"
    )


def _worded_form(resource: Resource) -> bool:
    """At least WORDED_ITEMS different EPDS items 1-9 worded so, and not a PHQ-9-worded form
    (module docstring)."""
    texts = [
        epds_item10.plain(text)
        for item, _ in _tree(resource.get("item"), False)
        if isinstance(text := item.get("text"), str)
    ]
    found = sum(1 for p in _item_words() if any(p.search(t) for t in texts))
    return found >= WORDED_ITEMS and not worded_form(resource)


def _is_epds_form(resource: Resource) -> bool:
    """Whether a response's Questionnaire is the EPDS (module docstring)."""
    known, _ = _forms()
    reference = canonical(resource.get("questionnaire"))
    if reference in known or _named_form(resource, reference) or _worded_form(resource):
        return True
    contained = _contained_questionnaire(resource, reference)
    if contained is None:
        return False
    if canonical(contained.get("url")) in known:
        return True
    names = [n for key in ("name", "title") if (n := string(contained.get(key)))]
    # The EPDS alone: a title naming another scale beside it is a combined form (module
    # docstring), whose numbered linkIds may be the other scale's.
    return any(_says("words", n) for n in names) and not any(_says("other-scale", n) for n in names)


def _names_item10(texts: Iterable[str]) -> bool:
    term = named_in(texts)
    return term is not None and term.kind == SELF_HARM and term.instrument == epds_item10.INSTRUMENT


def _numbered_item10(link_id: object) -> bool:
    """A linkId whose last segment carries the item's number and no other ("q10", "epds-10")."""
    if not isinstance(link_id, str):
        return False
    last = link_id.rstrip("/").rsplit("/", 1)[-1]
    return _DIGITS.findall(last) == [_item_number()]


def _epds_group(item: Mapping[str, Any]) -> bool:
    """A group (or an item holding others) that names the EPDS by its text or its linkId."""
    return _says("words", item.get("text")) or _says("words", _linkid_words(item.get("linkId")))


def _linkid_words(link_id: object) -> str:
    return link_id.replace("/", " ") if isinstance(link_id, str) else ""


def _in_epds_path(link_id: object) -> bool:
    """A linkId path whose group segment names the EPDS ("epds/10"): the path of a nested item.
    The item's own segment does not count ("epds-10" on a form not known is read by its words
    only, as before)."""
    if not isinstance(link_id, str):
        return False
    segments = [segment for segment in link_id.split("/") if segment]
    return any(_says("words", segment) for segment in segments[:-1])


def _other_question(text: object) -> bool:
    """An item whose own words name another question (module docstring)."""
    if not isinstance(text, str):
        return False
    if _says("other-question", text):
        return True
    term = named_in([text])
    return term is not None and not _names_item10([text])


def _tree(items: object, in_epds: bool, depth: int = 0) -> Iterator[tuple[Mapping[str, Any], bool]]:
    """Every item of an item tree (questionnaire_items._walk's order) with whether it sits in an
    EPDS group."""
    if depth > _MAX_DEPTH:
        return
    for item in array(items):
        if not isinstance(item, Mapping):
            continue
        yield item, in_epds
        inside = in_epds or _epds_group(item)
        yield from _tree(item.get("item"), inside, depth + 1)
        for answer in array(item.get("answer")):
            if isinstance(answer, Mapping):
                yield from _tree(answer.get("item"), inside, depth + 1)


def _item10s(resource: Resource) -> Iterator[Mapping[str, Any]]:
    """The items of a response that are EPDS item 10 (module docstring)."""
    epds = _is_epds_form(resource)
    for item, in_group in _tree(resource.get("item"), epds):
        text = item.get("text")
        texts = [text] if isinstance(text, str) else []
        in_epds = in_group or _in_epds_path(item.get("linkId"))
        if (
            _names_item10(texts)
            or (in_epds and _numbered_item10(item.get("linkId")) and not _other_question(text))
            or (in_epds and form_named(texts, epds_item10.INSTRUMENT) is not None)
        ):
            yield item


def wants_response(resource: Resource) -> bool:
    """Cheap filter (resource_routing.py): a QuestionnaireResponse with an EPDS item 10."""
    return resource.get("resourceType") == QR and next(_item10s(resource), None) is not None


def _one_answer(answer: Mapping[str, Any], epds: bool = False) -> int | None:
    """One answer in the item's words (epds_item10.answer), else None. `epds`: on an EPDS form
    a valueInteger that is one of the item's scores (0-3, data/epds_item10_answers.csv) is that
    score (Cox 1987 scores each item 0-3; recheck K14 s28 chart q07); a false is "Never" (0), a
    true never is read (review s29 K16 chart e08)."""
    number = answer.get("valueInteger")
    if epds and isinstance(number, int) and not isinstance(number, bool):
        return number if number in epds_item10.answers() else None
    if answer.get("valueBoolean") is False:
        # "Has the thought of harming myself occurred to me?" - no: its lowest answer, "Never"
        # (review s29 K16 chart e08, read as unreadable before). A true is not read: it says
        # yes, not how often, so it stays the unread warning at least.
        return 0
    text = answer.get("valueString")
    if isinstance(text, str):
        return epds_item10.answer({"valueString": text})
    coding = answer.get("valueCoding")
    if isinstance(coding, Mapping):
        return epds_item10.answer({"valueCodeableConcept": coding_concept(coding)})  # form_answers
    return None  # a number, a true, a date: not read (module docstring)


def _answered(answers: list[Mapping[str, Any]], epds: bool = False) -> int | None:
    """The item's answer from all its answers (form_answers.highest_settled), else None."""
    return highest_settled(_one_answer(a, epds) for a in answers)


def _score(
    answer: int | None, day: date, source: SourceRef, final: bool, status: str
) -> tuple[Score, DataGap | None]:
    score = Score(
        epds_item10.INSTRUMENT,
        None,
        day,
        item9=answer,
        source=source if source.id else None,
        item9_unread=source if answer is None else None,
        status=None if final else status,
    )
    gap = None
    if answer is None:
        gap = DataGap(DataDomain.SCORES, UNREAD_FORM_ITEM, score.source, date=day)
    return score, gap


def _add(read: Read, pair: tuple[Score, DataGap | None], final: bool) -> None:
    scores, unfinished, gaps = read
    score, gap = pair
    (scores if final else unfinished).append(score)
    if gap is not None:
        gaps.append(gap)


def read_responses(responses: Iterable[Resource], *, as_of: date) -> Read:
    """The EPDS item 10 answers of QuestionnaireResponses (module docstring)."""
    full = statuses(RESPONSE, Reads.ALL)
    read: Read = ([], [], [])
    for resource in responses:
        status = resource.get("status") if isinstance(resource, Mapping) else None
        status = status if isinstance(status, str) and status else "unknown"
        if status not in full and not result_statuses.unfinished(RESPONSE, status):
            continue  # entered-in-error: not a result
        day = parse_date(resource.get("authored"))
        if day is None or day > as_of:
            continue
        rid = string(resource.get("id")) or ""
        epds = _is_epds_form(resource)  # its numbers are the item's scores (`_one_answer`)
        for item in _item10s(resource):
            answers = [a for a in array(item.get("answer")) if isinstance(a, Mapping)]
            if answers:  # asked and not answered: not recorded
                # An unfinished form's answer is a score as a finished one's is, as
                # questionnaires.py reads a PHQ-9 form's item 9 (no Observation status to name).
                read_as = _answered(answers, epds)
                _add(read, _score(read_as, day, SourceRef(QR, rid), True, status), True)
    return read


def read_components(observations: Iterable[Resource], *, as_of: date) -> Read:
    """The EPDS item 10 answers given as components of Observations (module docstring): a panel
    71354-5 valued with its total and carrying the item among its components."""
    full = statuses(OBSERVATION, Reads.ALL)
    read: Read = ([], [], [])
    for resource in observations:
        # Most Observations here (every scored one and look-alike row) have no components:
        # passed over by one key test, not a list built empty (issue 14, perf14).
        if "component" not in resource:
            continue
        # JSON_OBJECT, dict first: no Mapping ABC call per component (issue 14, perf21).
        parts = [c for c in array(resource["component"]) if isinstance(c, JSON_OBJECT)]
        if not parts:
            continue
        status = resource.get("status")
        if not isinstance(status, str) or not (
            status in full or result_statuses.unfinished(OBSERVATION, status)
        ):
            continue
        day = effective_date(resource)
        if day is None or day > as_of:
            continue
        source = SourceRef("Observation", string(resource.get("id")) or "")
        for part in parts:
            if not _names_item10(code_texts(part)):
                continue
            answer = epds_item10.answer(part)
            _add(read, _score(answer, day, source, status in full, status), status in full)
    return read
