"""An order drafted on a patient recorded deceased (review 18b M2): one data-quality line.

A deceased patient gets no cards (issue 11 item 14): on chart open that is right, as a chart
opened to complete the notes needs no pathway card. An order being written is another matter:
it points to a wrong chart, or to a wrong status on the right one, and the order checks (MAOI,
doses, contraindications) did not run, so `{"cards": []}` read as "nothing found". At the order
hooks, when a draft this service reads is among those the hook is about, one `data-quality`
card says so and nothing else.

A warning, not information: an order on a wrong chart is a safety matter, and the clinician
should look before signing. Not snoozable: every order on such a chart goes unchecked, so the
line comes back with each one. No dedupe key, for the same reason.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from fhir_mapping.record import PatientRecord
from services import cards
from services.data_quality_card import DATA_SOURCE
from services.order_checks.tms_draft import _selected as selected_referrals
from services.order_hooks import selected_drafts
from services.recommendation import Indicator, Recommendation

TOPIC = "data-quality"


def deceased_order_cards(
    record: PatientRecord, selections: Sequence[str]
) -> tuple[Recommendation, ...]:
    """The one line for a deceased patient's order, when a drug or TMS draft this service reads
    is selected; () otherwise (and for a living patient)."""
    if not record.patient.deceased:
        return ()
    if not (selected_drafts(record, selections) or selected_referrals(record, selections)):
        return ()
    when = (
        record.patient.deceased_on.isoformat()
        if record.patient.deceased_on is not None
        else "date not recorded"
    )
    summary = f"Patient recorded deceased ({when}): check the chart; no checks ran"
    detail = (
        f"**Patient status:** the Patient resource records this patient as deceased ({when}). "
        "An order written now points to a wrong chart or a wrong status: check both before "
        "signing. None of this service's order checks ran (interactions, doses, "
        "contraindications, blood pressure), so no card is not a finding."
    )
    # Its basis is the chart's Patient resource, not a guideline: the data-quality card's source.
    source = dataclasses.replace(cards.source_for(TOPIC), label=DATA_SOURCE, url=None)
    card = cards.make(
        TOPIC, summary=summary, detail=detail, source=source, indicator=Indicator.WARNING
    )
    return (dataclasses.replace(card, snoozable=False),)
