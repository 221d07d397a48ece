"""Results that look like a PHQ-9 but cannot be read as one: DataGaps, never scores.

An Epic flowsheet row holding the PHQ-9 total under a site's local code only (../shared/fhir/
vendor/README.md trap 8), or a PHQ-9 filed on a site's own Questionnaire with opaque linkIds (trap
9), is not read until the site's codes are configured (`[codes]`, site_codes.py). Left out in
silence, the chart reads "no PHQ-9 on record" and its item 9 reads as if no positive answer were
there. So such a resource is reported as a DataGap whose reason (`UNRECOGNISED_PHQ9_OBSERVATION`,
`UNRECOGNISED_PHQ9_RESPONSE`) says that it is named PHQ-9, that a site code can be configured, and
that its total and item 9 are not known; services/data_gaps.py and the measurement-based-care
card word themselves from it.

"Looks like" is text only (data/phq9_lookalike_terms.csv): the Observation's `code.text` and
coding displays, or the response's Questionnaire canonical and its contained Questionnaire's
name, title and url, name PHQ-9 ("PHQ-9", "PHQ9", "Patient Health Questionnaire 9 item"), or name
the family ("Patient Health Questionnaire") with no other PHQ instrument (PHQ-2, PHQ-4, PHQ-15)
beside it. Nothing here reads a value: a text match is never a score.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import cache
from importlib import resources
from typing import Any

from fhir_mapping.fhir_fields import array, effective_date, string
from fhir_mapping.phqa_form import PHQA, is_phqa
from fhir_mapping.record import DataDomain, DataGap, SourceRef
from fhir_mapping.result_statuses import OBSERVATION, Reads, statuses

Resource = Mapping[str, Any]

# The gap reasons (reasons go to the logs: no patient data in them). Each ends with what cannot be
# known, so every card that lists them says that item 9 is unknown, not negative; a form whose
# item 9 was read by its words (phq9_form_item9.py) says only that its total is not known, as
# its item 9 is on the cards (session 28 note: "total and item 9 not known" beside a PHQ-A's
# item 9 read as 3, recheck K14 s28 chart q04b).
UNRECOGNISED_PHQ9_OBSERVATION = (
    "named PHQ-9 but coded with codes this service does not know; a site code can be configured; "
    "total and item 9 not known"
)
UNRECOGNISED_PHQ9_RESPONSE = (
    "a questionnaire named PHQ-9 that this service does not know; its items can be mapped in the "
    "site configuration; total and item 9 not known"
)
UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ = (
    "a questionnaire named PHQ-9 that this service does not know; its items can be mapped in the "
    "site configuration; total not known"
)
# A response on the PHQ-A (phqa_form.py: the form titled "PHQ-9 Modified for Adolescents
# (PHQ-A)") is named by its form, as the cards name its item 9 (review s29 RM finding 4: the
# packet's "Data not read" line and severity table said "PHQ-9" of it).
UNRECOGNISED_PHQA_RESPONSE = UNRECOGNISED_PHQ9_RESPONSE.replace(
    "named PHQ-9", f"named {PHQA} (the PHQ-9 modified for adolescents)"
)
UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ = UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ.replace(
    "named PHQ-9", f"named {PHQA} (the PHQ-9 modified for adolescents)"
)
# The reasons of a response whose item 9 was read by its words, whichever form it is on.
ITEM9_READ_REASONS = frozenset(
    {UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ, UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ}
)
# The responses' reasons, whichever was read of them (the cards count responses by them).
UNRECOGNISED_PHQ9_RESPONSES = frozenset(
    {UNRECOGNISED_PHQ9_RESPONSE, UNRECOGNISED_PHQA_RESPONSE, *ITEM9_READ_REASONS}
)
UNRECOGNISED_PHQ9_REASONS = frozenset({UNRECOGNISED_PHQ9_OBSERVATION, *UNRECOGNISED_PHQ9_RESPONSES})

# Observation statuses that are results: the `all` rows of data/result_statuses.csv.
_RESULT = statuses(OBSERVATION, Reads.ALL)
_NOT_WORD = re.compile(r"[^a-z0-9]+")


@cache
def _terms() -> dict[str, frozenset[str]]:
    """kind ("phq9", "generic", "other") -> normalised terms, each padded with spaces so that it
    matches whole words only ("phq 9" is not in "phq 90")."""
    text = resources.files("fhir_mapping").joinpath("data/phq9_lookalike_terms.csv")
    found: dict[str, set[str]] = {}
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        found.setdefault(row["kind"], set()).add(f" {_normalise(row['term']).strip()} ")
    return {kind: frozenset(terms) for kind, terms in found.items()}


def _normalise(text: str) -> str:
    return " " + _NOT_WORD.sub(" ", text.lower()).strip() + " "


def names_phq9(texts: Iterable[str]) -> bool:
    """Whether these texts name a PHQ-9 (module docstring)."""
    joined = " ".join(_normalise(t) for t in texts if isinstance(t, str))
    # Most Observations are vitals and labs: one substring test rejects them.
    if "phq" not in joined and "patient health" not in joined:
        return False
    terms = _terms()
    if any(term in joined for term in terms.get("phq9", ())):
        return True
    return any(term in joined for term in terms.get("generic", ())) and not any(
        term in joined for term in terms.get("other", ())
    )


def _concept_texts(concept: object) -> list[str]:
    if not isinstance(concept, Mapping):
        return []
    texts = [concept.get("text")]
    texts.extend(c.get("display") for c in array(concept.get("coding")) if isinstance(c, Mapping))
    return [t for t in texts if isinstance(t, str)]


def code_words(resource: Resource) -> str:
    """An Observation's `code.text` and coding displays, lower-cased and NUL-joined (no word
    spans two texts), "" when it has none: what the look-alike first looks search, built once
    per unread Observation for both (build.py; issue 14: each look collecting and lowering the
    texts itself cost as much again as the rest of an unread resource)."""
    concept = resource.get("code")
    if not isinstance(concept, dict):
        return ""
    parts: list[str] = []
    text = concept.get("text")
    if isinstance(text, str):
        parts.append(text)
    codings = concept.get("coding")
    if isinstance(codings, list):
        for coding in codings:
            if isinstance(coding, dict):
                display = coding.get("display")
                if isinstance(display, str):
                    parts.append(display)
    return "\x00".join(parts).lower() if parts else ""


def words_name_phq9(words: str) -> bool:
    """`may_name_phq9` on `code_words`' output."""
    return "phq" in words or "patient health" in words


def may_name_phq9(resource: Resource) -> bool:
    """A cheap first look for build_record, asked of every Observation no reader took (most of a
    chart: vitals, labs): whether its code text or a display mentions "phq" or "patient health"
    at all. Only those go on to `observation_gaps` (issue 14: an irrelevant resource stays a few
    µs). It never says False where `observation_looks_like_phq9` would say True: every term in
    the table contains one of the two words, which `test_unrecognised_phq9` checks."""
    return words_name_phq9(code_words(resource))


def observation_looks_like_phq9(resource: Resource) -> bool:
    """An Observation whose code text or displays name a PHQ-9. The caller asks only about
    Observations no reader took (build.py: those scores.scale_row does not read)."""
    return names_phq9(_concept_texts(resource.get("code")))


def questionnaire_looks_like_phq9(resource: Resource) -> bool:
    """A QuestionnaireResponse whose Questionnaire (canonical, or the contained one's url, name
    and title) names a PHQ-9."""
    return names_phq9(questionnaire_names(resource))


def questionnaire_names(resource: Resource) -> list[str]:
    """The names a QuestionnaireResponse gives its Questionnaire: the canonical (or an STU3-style
    Reference's reference and display) and a contained Questionnaire's url, name and title."""
    texts: list[str] = []
    reference = resource.get("questionnaire")
    if isinstance(reference, Mapping):  # STU3-style Reference
        texts.extend(v for v in (reference.get("reference"), reference.get("display")) if v)
    elif isinstance(reference, str):
        texts.append(reference)
    for entry in array(resource.get("contained")):
        if isinstance(entry, Mapping) and entry.get("resourceType") == "Questionnaire":
            texts.extend(
                v for key in ("url", "name", "title") if isinstance(v := entry.get(key), str)
            )
    return texts


def lookalike_gap(
    resource: Resource, day: date | None = None, *, item9_read: bool = False
) -> DataGap:
    """The DataGap of one resource that looks like a PHQ-9 and was not read as one, dated `day`
    (its effective or authored date; None: undated), so a card can say when the latest such
    result was filed and which course it may be the outcome of (review 19 I6). `item9_read`: a
    response whose item 9 was read by its words (the reasons' comment)."""
    kind = resource.get("resourceType")
    rid = resource.get("id")
    source = (
        SourceRef(kind, rid) if isinstance(kind, str) and isinstance(rid, str) and rid else None
    )
    reason = UNRECOGNISED_PHQ9_OBSERVATION
    if kind == "QuestionnaireResponse":
        if is_phqa(resource):  # named by its form (the reasons' comment)
            reason = (
                UNRECOGNISED_PHQA_RESPONSE_ITEM9_READ if item9_read else UNRECOGNISED_PHQA_RESPONSE
            )
        else:
            reason = (
                UNRECOGNISED_PHQ9_RESPONSE_ITEM9_READ if item9_read else UNRECOGNISED_PHQ9_RESPONSE
            )
    return DataGap(DataDomain.SCORES, reason, source, date=day)


def observation_gaps(observations: Iterable[Resource], *, as_of: date) -> list[DataGap]:
    """The Observations among `observations` (those no reader took) that look like a PHQ-9 and
    are results: final / amended / corrected, not dated after as-of (an undated one counts: its
    date is unknown, not later)."""
    gaps: list[DataGap] = []
    for resource in observations:
        if not observation_looks_like_phq9(resource):
            continue
        if string(resource.get("status")) not in _RESULT:
            continue
        day = effective_date(resource)
        if day is not None and day > as_of:
            continue
        gaps.append(lookalike_gap(resource, day))
    return gaps


def is_unrecognised_phq9(gap: DataGap) -> bool:
    """A gap of this module: a resource named PHQ-9 that could not be read as one."""
    return gap.reason in UNRECOGNISED_PHQ9_REASONS
