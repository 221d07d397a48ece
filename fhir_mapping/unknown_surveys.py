"""Survey results under a code nothing recognises: a DataGap, never dropped in silence (fix
data68, review K63a finding 11).

An Epic flowsheet row of category `survey` under the site's local code only (`urn:oid:1.2.840.
114350...`, ../shared/fhir/vendor/README.md trap 8), with no `code.text` and no display, valued 18,
may be a PHQ-9 total or its item 9: the PHQ-9 and scale look-alike readers (phq9_lookalike.py,
scale_lookalike.py, screen_lookalike.py) find a PHQ-9 by its words, and this row has none. It was
left out, and the packet's "Data not read" said "Everything the EHR sent could be read". So such a
row is a DataGap of the scores (`UNKNOWN_SURVEY`): "Data not read" names it, the cards resting on
scores list it (services/data_gaps.py), and as a score gap it is decisive (a data-quality card
when no card carries it).

THE BOUND (Epic sends many flowsheet surveys: fall risk, pain, Braden): only a row that
- is of category survey (data/unknown_survey.csv); vital signs, labs and social history under an
  unknown code stay left out as before (they are not where a PHQ-9 is filed);
- has no coding in an identifying system (LOINC, SNOMED CT: the table): a LOINC survey no reader
  takes is a known other instrument (GAD-7 70274-6), not a possible PHQ-9;
- has no words (no code.text, no coding display): a row named "Fall risk score" or "Pain score"
  was named by its words and passed every PHQ-9, scale and self-harm look-alike test; only a row
  without words is one nothing can place;
- has a value (a pending row with none holds no score), and is not entered-in-error or cancelled.
Several such rows are counted in one "Data not read" line naming the first few (gaps.describe's
limit, "and N more"), so a chart of many unnamed flowsheet surveys gets one line, not many.
Nothing here reads the value: the code is not identified, so a number under it is never a score.

Fix data69 item 1: a row of the same kind WITH words that name a depression score ("Depression
screen total", "PHQ score", "Mood screen": data/unknown_score_terms.csv, whole words) was named by
its words, passed every look-alike (none names a PHQ-9, a PHQ-2/8 or another scale), and was
dropped in silence. It is a DataGap of its own (`UNKNOWN_DEPRESSION_SCORE`): "1 depression score
could not be read", never read as a PHQ-9 (the instrument cannot be known). Such words settle it
under category survey or with no category at all (a lab or a vital sign is never so named).
Fix data69 item 2, the choice: an Observation with no category, a local code only and no words
is left out as before. Nothing can place it (a weight, a pain score, a site's counter), the
project's unread reporting has no count of resources no reader takes (chart_walk's `skipped`
goes to no card), and naming every such row would be noise on most Epic charts.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.code_systems import canonical_system
from fhir_mapping.fhir_fields import array, effective_date, source_ref, string
from fhir_mapping.negation_cues import normalise_text
from fhir_mapping.record import DataDomain, DataGap

# The gap's reason (no value, no date: reasons go to the logs); unfinished_form_words.unread_line
# words its line.
UNKNOWN_SURVEY = "survey result under a code this service does not know"
# Fix data69 item 1: a survey so coded whose words name a depression score.
UNKNOWN_DEPRESSION_SCORE = "depression score under a code this service does not know"

# Statuses of a result that holds nothing (FHIR R4 observation-status).
_VOID = frozenset({"entered-in-error", "cancelled"})


@cache
def _table() -> tuple[frozenset[tuple[str, str]], frozenset[str]]:
    text = resources.files("fhir_mapping").joinpath("data/unknown_survey.csv").read_text("utf-8")
    categories: set[tuple[str, str]] = set()
    systems: set[str] = set()
    for row in csv.DictReader(text.splitlines()):
        if row["field"] == "category":
            categories.add((row["system"], row["code"]))
        elif row["field"] == "identifying_system":
            systems.add(row["system"])
    return frozenset(categories), frozenset(systems)


@cache
def _category_codes() -> frozenset[str]:
    return frozenset(code for _, code in _table()[0])


def survey_category_codes() -> frozenset[str]:
    """The table's survey category codes (chart_walk's first look, as survey_look's)."""
    return _category_codes()


def _is_survey(resource: Mapping[str, Any]) -> bool:
    categories, _ = _table()
    codes = _category_codes()
    for category in array(resource.get("category")) or [resource.get("category")]:
        if not isinstance(category, dict):
            continue
        for coding in array(category.get("coding")):
            # Most unread Observations are vital signs or labs: their category code settles it
            # before any system is read (issue 14: this check runs on every unread Observation).
            # (A malformed code, e.g. an object, is no code: not hashed, treated as absent.)
            code = coding.get("code") if isinstance(coding, dict) else None
            if not isinstance(code, str) or code not in codes:
                continue
            system = canonical_system(string(coding.get("system")) or "")
            # A category code sent without its system (STU3 style) still says survey.
            if not system or (system, code) in categories:
                return True
    return False


def _unknown_code(code: object) -> str | None:
    """The code's local coding as "system code" when it has no words and no identifying
    system, else None."""
    if not isinstance(code, dict) or string(code.get("text")):
        return None
    _, systems = _table()
    said = []
    for coding in array(code.get("coding")):
        if not isinstance(coding, dict):
            continue
        if string(coding.get("display")):
            return None
        system = string(coding.get("system")) or ""
        if canonical_system(system) in systems:
            return None
        said.append(" ".join(p for p in (system, string(coding.get("code")) or "") if p))
    # No coding at all (an empty code): nothing names it either.
    return ", ".join(s for s in said if s) or "none sent"


def _terms_pattern(kind: str) -> re.Pattern[str]:
    text = resources.files("fhir_mapping").joinpath("data/unknown_score_terms.csv")
    terms = sorted(
        (
            normalise_text(row["term"])
            for row in csv.DictReader(text.read_text("utf-8").splitlines())
            if row["kind"] == kind
        ),
        key=len,
        reverse=True,
    )
    return re.compile(r"\b(?:" + "|".join(re.escape(t) for t in terms) + r")\b")


@cache
def _score_terms() -> re.Pattern[str]:
    return _terms_pattern("depression")


@cache
def _other_instruments() -> re.Pattern[str]:
    """Names of known instruments that are no depression score (PHQ-15, MDQ, GAD-7: care65)."""
    return _terms_pattern("other_instrument")


def _names_depression_score(text: str) -> bool:
    """Whether `text` names a depression score once the names of other known instruments are
    set aside (care65, review K65b: "PHQ-15" matched "phq", the PHQ family's abbreviation). Set
    aside, not a veto: "PHQ-9 and GAD-7 total" still names one (the safer reading keeps it)."""
    rest = _other_instruments().sub(" ", normalise_text(text))
    return _score_terms().search(rest) is not None


def _depression_words(code: object) -> str | None:
    """The code's text (or first display) when its words name a depression score and no coding
    is in an identifying system, else None."""
    if not isinstance(code, dict):
        return None
    _, systems = _table()
    texts = [t] if (t := string(code.get("text"))) else []
    for coding in array(code.get("coding")):
        if not isinstance(coding, dict):
            continue
        if canonical_system(string(coding.get("system")) or "") in systems:
            return None
        if display := string(coding.get("display")):
            texts.append(display)
    return next((t for t in texts if _names_depression_score(t)), None)


def _local_codes(code: object) -> str:
    """ "urn:oid:1.2.840.114350... 3040300999": the codings as sent, for the gap's line."""
    if not isinstance(code, dict):
        return "none sent"
    said = [
        " ".join(p for p in (string(c.get("system")) or "", string(c.get("code")) or "") if p)
        for c in array(code.get("coding"))
        if isinstance(c, dict)
    ]
    return ", ".join(s for s in said if s) or "none sent"


def unknown_survey_gap(resource: Mapping[str, Any]) -> DataGap | None:
    """The gap of an Observation no reader took (chart_walk.py) that the module's bound names,
    else None."""
    if string(resource.get("status")) in _VOID:
        return None
    # The category first: it settles nearly every unread Observation (vital signs, labs).
    survey = "category" in resource and _is_survey(resource)
    if not survey and "category" in resource:
        return None
    if not any(k.startswith("value") for k in resource) and "component" not in resource:
        return None
    code = resource.get("code")
    if (named := _depression_words(code)) is not None:  # fix data69 item 1
        return DataGap(
            DataDomain.SCORES,
            UNKNOWN_DEPRESSION_SCORE,
            source_ref(resource),
            date=effective_date(resource),
            stated=f"named '{named}', code {_local_codes(code)}",
        )
    unknown = _unknown_code(code) if survey else None
    if unknown is None:
        return None
    return DataGap(
        DataDomain.SCORES,
        UNKNOWN_SURVEY,
        source_ref(resource),
        date=effective_date(resource),
        stated=f"code {unknown}",
    )


def unplaced_gaps(rows: Iterable[Mapping[str, Any]], taken: AbstractSet[object]) -> list[DataGap]:
    """The gaps (`unknown_survey_gap`) of chart_walk's look-alike rows whose source no
    look-alike reader named or read (`taken`): "PHQ score" passed the PHQ-9 first look
    (phq9_lookalike.may_name_phq9) and then no reader's full one, and was dropped (fix data69
    item 1). A row with no id is passed over: it cannot be told from one a reader took."""
    return [
        gap
        for row in rows
        if (ref := source_ref(row)) is not None
        and ref not in taken
        and (gap := unknown_survey_gap(row)) is not None
    ]
