"""How the data-quality card and the optimise card name a medication order whose subject is only
an identifier that matches none of this patient's (fhir_mapping/gaps.SUBJECT_UNCONFIRMED; review
17 U1; audit 17 M1).

Such an order is not read (it may be another patient's), so no safety check sees it. The summary
says what it is in words ("An active phenelzine (MAOI) order under another identifier came with
this chart: confirm whose it is"), not as a FHIR type, and when it is an MAOI beside a running
antidepressant it says what it would mean if it were this patient's (the MAOI-combination card is
critical: services/rules/maoi_combination.py). The optimise card, which lists switches that an
MAOI would make dangerous, names it in one line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.drug_table import DrugInfo, drug_info
from fhir_mapping.excluded_resources import unconfirmed_drugs
from fhir_mapping.record import DataGap, PatientRecord, Role
from services import cards
from services.recommendation import Recommendation

_MAOI = "MAOI"
OPTIMISE_TOPIC = "optimize-switch-augment"


def _order(gap: DataGap) -> tuple[str, list[DrugInfo]] | None:
    """(words, drugs) of a medication record left out as unconfirmed: "active phenelzine (MAOI)"."""
    found = unconfirmed_drugs(gap)
    if found is None:
        return None
    status, drugs = found
    named = " + ".join(f"{d.ingredient} ({d.drug_class})" for d in drugs)
    return f"{status} {named}".strip(), drugs


def _running_with(record: PatientRecord, drugs: Sequence[DrugInfo]) -> list[str]:
    """The running antidepressants an MAOI among `drugs` would be critical with."""
    if not any(d.drug_class == _MAOI for d in drugs):
        return []
    return sorted(
        {
            t.ingredient
            for t in record.trials
            if t.ongoing
            and t.role is Role.ANTIDEPRESSANT
            and (info := drug_info(t.ingredient)) is not None
            and info.drug_class != _MAOI
        }
    )


def _article(words: str) -> str:
    return "An" if words[:1].lower() in "aeiou" else "A"


def summary(gaps: Sequence[DataGap], record: PatientRecord) -> str:
    """The data-quality card's summary for records of unconfirmed subject, the first named."""
    more = f" (and {len(gaps) - 1} more)" if len(gaps) > 1 else ""
    found = _order(gaps[0])
    if found is None:
        what = gaps[0].stated or "A record"
        return cards.fit_summary(
            f"{what}{more}: subject not confirmed as this patient; check whose it is",
            f"{what}{more}: subject not confirmed as this patient",
        )
    words, drugs = found
    order = f"{_article(words)} {words} order{more} under another identifier"
    head = f"{order} came with this chart"
    running = _running_with(record, drugs)
    critical = f" (with {' and '.join(running)} running it would be critical)" if running else ""
    # What it would mean outlasts where it came from, when both do not fit.
    return cards.fit_summary(
        f"{head}: confirm whose it is{critical}",
        f"{order}: confirm whose it is{critical}",
        f"{head}: confirm whose it is",
    )


def on_optimise(
    recs: Sequence[Recommendation], gaps: Sequence[DataGap], record: PatientRecord
) -> list[Recommendation]:
    """The optimise card with one line naming an MAOI order of unconfirmed subject: its switch
    options assume no MAOI is running (audit 17 M1)."""
    maois = [o for g in gaps if (o := _order(g)) and any(d.drug_class == _MAOI for d in o[1])]
    if not maois:
        return list(recs)
    named = "; ".join(words for words, _ in maois)
    line = (
        f"**Before any switch or addition:** {_article(named).lower()} {named} order under another identifier came with "
        "this chart and was not read (data-quality card): if it is this patient's, the options "
        "below need an MAOI washout first; confirm whose it is."
    )
    return [
        dataclasses.replace(r, detail=cards.join_sections(line, r.detail))
        if r.topic == OPTIMISE_TOPIC
        else r
        for r in recs
    ]
