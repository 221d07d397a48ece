"""An order drafted on a patient recorded deceased (review 18b M2; recheck 18a d03): the order
checks run as for any patient, and one data-quality line comes first.

A deceased patient gets no cards on chart open (issue 11 item 14): a chart opened to complete
the notes needs no pathway card. An order being written is another matter: it points to a wrong
chart, or to a wrong status on the right one. Review 18b M2 answered with one card saying no
checks ran; recheck 18a d03 showed what that costs: phenelzine running, mirtazapine drafted, and
the MAOI critical card suppressed. If the status is wrong, the patient is alive and the
interaction check is lost; if it is right, the checks cost nothing. So the checks run, the
deceased line is shown first, and every one-click is held (an order written from a card would
be written on a chart recorded deceased; the cards keep their text).

A warning, not information: an order on a wrong chart is a safety matter, and the clinician
should look before signing. Not snoozable: the line comes back with each order. No dedupe key,
for the same reason.

A deceasedDateTime after as-of (recheck 18a d01) is read as alive (the record's own date says
the death has not happened: the checks run, the safe outcome), and named once, at the top of the
first card shown, since the date cannot be right. No card on the screen, no line: the date
changes nothing this service says.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import PatientRecord
from services import cards, screen
from services.data_quality_card import DATA_SOURCE
from services.order_checks.tms_draft import _selected as selected_referrals
from services.order_hooks import selected_drafts
from services.recommendation import Indicator, Recommendation

TOPIC = "data-quality"


def deceased_order_cards(
    record: PatientRecord, selections: Sequence[str], checks: Sequence[Recommendation] = ()
) -> tuple[Recommendation, ...]:
    """The order hook's cards for a patient recorded deceased: the deceased line first, when a
    drug or TMS draft this service reads is selected, then `checks` (the order checks as for any
    patient) with every one-click held; () for a living patient."""
    if not record.patient.deceased:
        return ()
    held = tuple(screen.with_fields(r, suggestions=()) if r.suggestions else r for r in checks)
    if not (selected_drafts(record, selections) or selected_referrals(record, selections)):
        return held
    when = (
        record.patient.deceased_on.isoformat()
        if record.patient.deceased_on is not None
        else "date not recorded"
    )
    summary = f"Patient recorded deceased ({when}): check the chart before signing"
    ran = (
        "This service's order checks ran as for a living patient (if the status is wrong, an "
        "interaction or dose check must not be lost): their cards follow"
        + (
            ", with their one-click orders held (they would be written on this chart)."
            if any(r.suggestions for r in checks)
            else "."
        )
        if checks
        else "This service's order checks ran as for a living patient and found nothing to say."
    )
    detail = (
        f"**Patient status:** the Patient resource records this patient as deceased ({when}). "
        "An order written now points to a wrong chart or a wrong status: check both before "
        f"signing. {ran}"
    )
    # Its basis is the chart's Patient resource, not a guideline: the data-quality card's source.
    source = dataclasses.replace(cards.source_for(TOPIC), label=DATA_SOURCE, url=None)
    card = cards.make(
        TOPIC, summary=summary, detail=detail, source=source, indicator=Indicator.WARNING
    )
    return (dataclasses.replace(card, snoozable=False), *held)


def future_death_line(
    record: PatientRecord, recommendations: Sequence[Recommendation]
) -> tuple[Recommendation, ...]:
    """The screen with one data-quality line on its first card when the Patient's
    deceasedDateTime is after as-of (module docstring); the screen as it is otherwise."""
    after = record.patient.deceased_after
    if after is None or not recommendations:
        return tuple(recommendations)
    line = (
        f"**Patient status:** the Patient resource gives a date of death, {after.isoformat()}, "
        f"after today ({record.as_of.isoformat()}): read as alive (every check ran); correct the "
        "Patient record."
    )
    first, *rest = recommendations
    return (screen.with_fields(first, detail=cards.join_sections(line, first.detail)), *rest)
