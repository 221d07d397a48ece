"""Never silent (issue 10): what could not be read is said on every card it could change.

The mapping records DataGaps (a resource left out and why; a kind of data not available). Each
card topic lists the data domains its conclusion rests on (data/topic_data.csv; a topic not listed
rests on all of them, the safe default for a new rule). A card gets one "Data not read" section
with the gaps in its domains. When gaps touch what could raise a card on its own (medications,
scores, diagnoses) and no card carries them, one `data-quality` card says so, so a chart whose
history could not be read never answers a quiet `{"cards": []}`.

Whole kinds of data that were simply not provided (an EHR that sends no Procedure key and offers
no FHIR server) are named on the cards they touch but raise no card of their own: that is how
many EHRs are set up, and a card on every chart would be noise. Relevant resources that were
sent and could not be read, and Bundles whose later pages could not be read, do raise one.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources

from fhir_mapping.gaps import describe, noun
from fhir_mapping.record import DataDomain, DataGap, GapCause, PatientRecord
from services import cards
from services.recommendation import Recommendation

TOPIC = "data-quality"
# Gaps in these can hide a card on their own (a failed trial, a positive item 9, a bipolar code).
_DECISIVE = (DataDomain.MEDICATIONS, DataDomain.SCORES, DataDomain.CONDITIONS)


@cache
def topic_domains() -> dict[str, tuple[DataDomain, ...]]:
    text = resources.files("services").joinpath("data/topic_data.csv").read_text("utf-8")
    return {
        row["topic"]: tuple(DataDomain(d) for d in row["domains"].split(";") if d)
        for row in csv.DictReader(text.splitlines())
    }


def _domains(topic: str) -> tuple[DataDomain, ...]:
    return topic_domains().get(topic, tuple(DataDomain))


def _shown(gaps: Sequence[DataGap]) -> tuple[DataGap, ...]:
    """The gaps a card lists. A kind of data merely not provided (QuestionnaireResponse not sent,
    Observations read) is not listed on every card: the cards that would assert an absence in it
    word themselves from `record.incomplete()` ("in the data that could be read"). A domain with
    nothing provided at all is listed."""
    return tuple(g for g in gaps if g.cause is not GapCause.NOT_PROVIDED or g.whole_domain)


def section(gaps: Sequence[DataGap]) -> str:
    lines = describe(gaps)
    if not lines:
        return ""
    return "**Data not read** (the conclusion may change once it is):\n" + "\n".join(
        f"- {line}" for line in lines
    )


def annotate(
    recommendations: Sequence[Recommendation],
    record: PatientRecord,
    *,
    hidden: AbstractSet[str] = frozenset(),
) -> tuple[Recommendation, ...]:
    """The recommendations with their gap lines, plus a data-quality card where needed. The
    gaps of `hidden` topics' cards (left off this screen: snoozed, or already answered) count as
    carried: the clinician saw them on that card, so hiding it raises no card of its own."""
    if not record.gaps:
        return tuple(recommendations)
    out: list[Recommendation] = []
    reported: set[DataGap] = set()
    for topic in hidden:
        reported.update(_shown(record.gaps_in(*_domains(topic))))
    for rec in recommendations:
        gaps = _shown(record.gaps_in(*_domains(rec.topic)))
        if not gaps:
            out.append(rec)
            continue
        reported.update(gaps)
        out.append(dataclasses.replace(rec, detail=cards.join_sections(rec.detail, section(gaps))))
    unreported = [
        g
        for g in record.gaps_in(*_DECISIVE)
        if g not in reported and g.cause is not GapCause.NOT_PROVIDED
    ]
    if unreported:
        out.append(_card(record, unreported))
    return cards.ordered(out)


def _card(record: PatientRecord, gaps: Sequence[DataGap]) -> Recommendation:
    resources_left = [g for g in gaps if g.source is not None]
    if resources_left:
        by_domain: dict[DataDomain, set[object]] = {}
        for gap in resources_left:
            by_domain.setdefault(gap.domain, set()).add(gap.source)
        counted = " and ".join(noun(d, len(s)) for d, s in by_domain.items())
        summary = f"{counted} could not be read: this chart was judged without them"
    else:
        domains = " and ".join(sorted({g.domain.value for g in gaps}))
        summary = f"Part of the {domains} data could not be read: this chart was judged without it"
    detail = cards.join_sections(
        "The decision support read this chart without the data below. A suicide-risk answer, a "
        "failed trial or a diagnosis in it would not be reflected in any card: check it in the "
        "chart.",
        section(gaps),
    )
    return cards.make(TOPIC, summary=summary, detail=detail)
