"""A visit in progress whose class the service cannot read, said on the optimise card (review s26
RK1 finding 6).

An Encounter in progress (arrived, triaged, in progress, on leave) under a class no row of
fhir_mapping/data/admission_codes.csv reads ("Observation", "Emergency Room Outpatient": words
of no class, or of two) could be an emergency-department visit or a hospital stay, which hold
the outpatient one-clicks (rules/inpatient_hold.py). Until now only the TMS card's data-gap
section named it, while the optimise card beside it offered "Propose adjunctive aripiprazole"
as one click with nothing said.

Said, not held: a clinic office visit is an Encounter in progress under a site's local class.
Epic's known clinic classes ("Support OP Encounter", "Appointment", "HOV") are quiet
(admission_codes.csv `clinic-display` rows), but another site's clinic class the table does not
know would, if held, take the one-clicks off every clinic chart while the clinician sees the
patient, and a hold nobody can clear teaches the team to ignore holds. The line sits
where the one-clicks are, names the visit and its class so the clinician can tell, and says
what to do if it is an ED visit or a hospital stay: the cost is one line on a clinic chart,
never an order placed around an ED team unwarned. On the optimise card only: its one-clicks are
drug orders (an antipsychotic adjunct started from an ED screen is the harm review s25 RI
finding 5 found); the TMS card already names the visit in its data-gap section, and the
psychotherapy referral is no drug beside the ED's own.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.chart_walk import UNREAD_CLASS
from fhir_mapping.record import DataDomain, DataGap
from services import cards, screen
from services.recommendation import Recommendation
from services.rules.context import RuleContext
from services.rules.optimize import card as optimise_card


def unread_class_visits(ctx: RuleContext) -> tuple[DataGap, ...]:
    """The visits in progress whose class is not read (fhir_mapping/chart_walk.py)."""
    return tuple(g for g in ctx.record.gaps_in(DataDomain.VISITS) if g.reason == UNREAD_CLASS)


def unread_class_line(visits: Sequence[DataGap]) -> str:
    """'**Visit in progress, its class not read** (class "Observation" (urn:oid:... 103))
    [Encounter/x]: if ...' for the visits (`unread_class_visits`), one line."""
    named = "; ".join(
        f"{g.stated or 'no class'}{f' [{g.source}]' if g.source is not None else ''}"
        for g in visits
    )
    head = "Visit in progress" if len(visits) == 1 else "Visits in progress"
    return (
        f"**{head}, class not read** ({named}): if the patient is in the emergency department "
        "or in a hospital bed now, that team decides what is ordered: ask it before ordering "
        "from this card. The one-clicks are not held: a clinic visit in progress is often "
        "recorded under a class the service does not read."
    )


def with_unread_class_line(
    ctx: RuleContext, recs: Sequence[Recommendation]
) -> list[Recommendation]:
    """`recs` with the line at the top of the optimise card when it offers a one-click and a
    visit in progress has a class not read (module docstring); as they are otherwise."""
    visits = unread_class_visits(ctx)
    if not visits:
        return list(recs)
    return [
        screen.with_fields(rec, detail=cards.join_sections(unread_class_line(visits), rec.detail))
        if rec.topic == optimise_card.TOPIC and rec.suggestions
        else rec
        for rec in recs
    ]
