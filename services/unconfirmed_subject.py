"""How the data-quality card and the optimise card name a medication order whose subject is only
an identifier that matches none of this patient's (fhir_mapping/gaps.SUBJECT_UNCONFIRMED; review
17 U1; audit 17 M1).

Such an order is not read (it may be another patient's), so no safety check sees it. The summary
says what it is in words ("An active phenelzine (MAOI) order under another identifier came with
this chart: confirm whose it is"), not as a FHIR type, and when it is an MAOI beside a running
antidepressant it says what it would mean if it were this patient's (the MAOI-combination card is
critical: services/rules/maoi_combination.py). The optimise card, which lists switches that an
MAOI would make dangerous, names it in one line.

An MAOI of unconfirmed subject beside a drafted drug the MAOI washout table forbids with it
(review 17 second recheck W2: sertraline drafted, phenelzine under another MRN) names the draft
and the interval the MAOI check would have applied (`draft_conflicts`, data/maoi_washout.csv):
"Phenelzine order under another identifier: if it is this patient's, sertraline is
contraindicated (14-day washout): confirm before signing". The card is then critical, not a
warning: the harm if the order is hers is serotonin syndrome or a hypertensive crisis from the
drug about to be signed, the MAOI check's own card for the same pair is critical, and the
summary's "if" already says the subject is unconfirmed. A clinician who confirms it is someone
else's dismisses one card; one who reads a warning as routine signs a contraindicated pair.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.drug_table import DrugInfo, drug_info, is_maoi_class
from fhir_mapping.excluded_resources import unconfirmed_drugs
from fhir_mapping.record import DataGap, DraftOrder, PatientRecord, Role
from services import cards, drug_names, washout_table
from services.card_format import plural
from services.recommendation import Recommendation

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
    if not any(is_maoi_class(d.drug_class) for d in drugs):
        return []
    return sorted(
        {
            t.ingredient
            for t in record.trials
            if t.ongoing
            and t.role is Role.ANTIDEPRESSANT
            and (info := drug_info(t.ingredient)) is not None
            and not is_maoi_class(info.drug_class)
        }
    )


@dataclasses.dataclass(frozen=True, slots=True)
class DraftConflict:
    """A draft the MAOI washout table forbids with an MAOI order of unconfirmed subject."""

    maoi: str
    draft: DraftOrder
    days: int
    cite: str


def draft_conflicts(gaps: Sequence[DataGap], record: PatientRecord) -> list[DraftConflict]:
    """The drafts of this order that an MAOI among the orders of unconfirmed subject would make a
    contraindicated pair, with the days the washout table asks for (services/washout_table
    .days_needed, as the MAOI check). An MAO-B inhibitor whose label only advises against the
    draft's class (rasagiline with an SSRI: not_recommended_with) is left to the general line."""
    found: list[DraftConflict] = []
    for gap in gaps:
        order = _order(gap)
        for info in order[1] if order else ():
            old = washout_table.row_for(info.ingredient)
            if old is None or not old.is_maoi:
                continue
            for draft in record.draft_orders:
                new = washout_table.row_for(draft.ingredient, draft.role)
                if new is None or draft.drug_class in old.not_recommended_with:
                    continue
                days = washout_table.days_needed(old, new)
                if days:
                    found.append(DraftConflict(info.ingredient, draft, days, old.shown_cite))
    return found


def draft_line(conflicts: Sequence[DraftConflict]) -> str:
    """The detail's first line for `draft_conflicts`: each draft, its dose, the interval and the
    source; what to do before signing."""
    said = "; ".join(
        f"{drug_names.shown_first(c.draft.ingredient)}"
        + (f" {c.draft.mg_per_day:g} mg/day" if c.draft.mg_per_day is not None else "")
        + f" on this order is contraindicated with {c.maoi} and for {plural(c.days, 'day')} after it "
        f"stops ({c.cite})"
        for c in conflicts
    )
    return (
        f"**If the {conflicts[0].maoi} order below is this patient's:** {said}: serotonin "
        "syndrome or a hypertensive crisis. The MAOI check did not see it (its subject is an "
        "identifier that matches none of this patient's). Confirm whose order it is before "
        "signing."
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
    if conflicts := draft_conflicts(gaps, record):
        first = conflicts[0]
        maoi = drug_names.shown_first(first.maoi)
        draft = drug_names.shown(first.draft.ingredient)
        return cards.fit_summary(
            f"{maoi} order under another identifier: if it is this patient's, {draft} is "
            f"contraindicated ({first.days}-day washout): confirm before signing",
            f"{maoi} order of unconfirmed subject: if this patient's, {draft} is "
            f"contraindicated ({first.days}-day washout): confirm before signing",
            f"{maoi} order under another identifier: if this patient's, {draft} is contraindicated",
        )
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
    maois = [o for g in gaps if (o := _order(g)) and any(is_maoi_class(d.drug_class) for d in o[1])]
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
