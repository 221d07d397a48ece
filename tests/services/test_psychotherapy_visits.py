"""Review 14 M2: a patient in therapy charted only as visits gets no "start CBT" card.

Epic and Oracle Health often chart a psychotherapy visit only as an Encounter (CPT 90837 in its
type); the chart comes under the `encounters` prefetch key. Therapy running or arranged gets no
psychotherapy card, as when it is charted as Procedures; the payer criterion and the referral
summary name the visits ("8 psychotherapy visits, ... (90834)"); visits that did not take place
never count; a chart sent without the key says the history could not be read.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import OfflineResult, evaluate_document
from services.packet import render_packet
from services.pathway import derive_facts
from services.payer_criteria import CriterionKind, evaluate_payer_criteria
from services.payer_criteria.results import CriterionResult
from services.policy import Policy
from tests.fixtures.scenarios import AS_OF
from tests.services import chart_files
from tests.services.helpers import Evaluator
from tests.services.psychotherapy_visit_charts import (
    FAMILY_WITH_PATIENT,
    PSYCHOTHERAPY_45,
    epic_visit,
    fortnightly,
    one_failed_trial,
    oracle_visit,
    request,
    visits_bundle,
)

PSYCHOTHERAPY = "psychotherapy"
_probe = chart_files.loader(Path(__file__).parent / "review14_charts")
_at = Evaluator(AS_OF)
_evaluate = _at.result


def _topics(result: OfflineResult) -> dict[str, Any]:
    return {r.topic: r for r in result.evaluation.recommendations}


def _criterion(result: OfflineResult) -> CriterionResult:
    record = result.evaluation.record
    facts = derive_facts(record, Policy())
    (found,) = [
        r
        for r in evaluate_payer_criteria(record, facts, Policy()).results
        if r.kind is CriterionKind.PSYCHOTHERAPY
    ]
    return found


def _chart_with(name: str, *visits: dict[str, Any]) -> dict[str, Any]:
    chart = one_failed_trial(name)
    chart.add(*visits)
    return request(chart)


def test_the_control_without_visits_gets_the_card() -> None:
    result = _evaluate(_chart_with("visits-control"))
    card = _topics(result)[PSYCHOTHERAPY]
    assert "no psychotherapy procedure, visit or referral on record" in card.summary


def test_weekly_therapy_charted_as_epic_visits_gets_no_card() -> None:
    chart = one_failed_trial("visits-epic")
    days = fortnightly(date(2025, 4, 8), 4)
    chart.add(
        *[epic_visit(chart.pid, d, rid=chart.id("visit", str(n))) for n, d in enumerate(days)]
    )
    result = _evaluate(request(chart))
    assert PSYCHOTHERAPY not in _topics(result)
    assert _criterion(result).evidence[0] == (
        "4 psychotherapy visits, 2025-04-08 - 2025-05-20: Psychotherapy, 60 minutes with patient "
        "(90837); fewer than the clinic's 8: to confirm as adequate"
    )


def test_the_review_probe_with_its_visits_sent_meets_the_payer_criterion() -> None:
    """review 14 p03: eight fortnightly visits, type CPT 90834, no Procedure."""
    body = _probe("p03_psychotherapy_encounters_only")
    pid = body["context"]["patientId"]
    visits = [
        epic_visit(pid, d, PSYCHOTHERAPY_45, rid=f"p03-visit-{n}")
        for n, d in enumerate(fortnightly(date(2025, 1, 13), 8))
    ]
    body["prefetch"]["encounters"] = visits_bundle(visits)
    result = _evaluate(body)
    assert PSYCHOTHERAPY not in _topics(result)
    criterion = _criterion(result)
    assert criterion.status.value == "met"
    assert criterion.evidence == (
        "8 psychotherapy visits, 2025-01-13 - 2025-04-21: Psychotherapy, 45 minutes with patient "
        "(90834)",
    )
    page = render_packet(result.evaluation.record, Policy())
    assert "Psychotherapy, 45 minutes with patient (CPT 90834), charted as a visit" in page


def test_an_oracle_visit_with_the_therapy_in_service_type_gets_no_card() -> None:
    chart = one_failed_trial("visits-oracle")
    chart.add(oracle_visit(chart.pid, date(2025, 5, 12), rid=chart.id("visit")))
    assert PSYCHOTHERAPY not in _topics(_evaluate(request(chart)))


def test_a_booked_visit_is_therapy_arranged() -> None:
    chart = one_failed_trial("visits-booked")
    chart.add(epic_visit(chart.pid, date(2025, 6, 9), rid=chart.id("visit"), status="planned"))
    result = _evaluate(request(chart))
    assert PSYCHOTHERAPY not in _topics(result)  # as an open referral: no new referral proposed
    assert _criterion(result).evidence == (
        "psychotherapy visit planned for 2025-06-09, no session documented",
    )
    page = render_packet(result.evaluation.record, Policy())
    assert "Psychotherapy visit planned: 9 Jun 2025" in page
    assert f"Encounter/{chart.id('visit')}" not in page  # by its day (session 21)


@pytest.mark.parametrize("status", ["cancelled", "entered-in-error", "noshow"])
def test_visits_that_did_not_take_place_keep_the_card(status: str) -> None:
    """The safer reading: no therapy was received, so the card still proposes CBT or IPT."""
    chart = one_failed_trial(f"visits-{status}")
    chart.add(
        *[
            epic_visit(chart.pid, d, rid=chart.id("visit", str(n)), status=status)
            for n, d in enumerate(fortnightly(date(2025, 3, 3), 4))
        ]
    )
    card = _topics(_evaluate(request(chart)))[PSYCHOTHERAPY]
    assert "no psychotherapy procedure, visit or referral on record" in card.summary


def test_family_psychotherapy_visits_are_named_and_keep_the_card() -> None:
    chart = one_failed_trial("visits-family")
    chart.add(
        *[
            epic_visit(chart.pid, d, FAMILY_WITH_PATIENT, rid=chart.id("visit", str(n)))
            for n, d in enumerate(fortnightly(date(2025, 4, 1), 2))
        ]
    )
    card = _topics(_evaluate(request(chart)))[PSYCHOTHERAPY]
    assert "no course of psychotherapy on record" in card.summary
    assert (
        "On record: family psychotherapy, not a course of therapy: 2 psychotherapy visits, "
        "2025-04-01 - 2025-04-15: Family psychotherapy (conjoint psychotherapy) (with patient "
        "present) (90847). Family psychotherapy is not a course of CBT or IPT for the patient."
    ) in card.detail
    assert "A crisis session" not in card.detail


def test_a_clinic_may_count_family_psychotherapy() -> None:
    chart = one_failed_trial("visits-family-counted")
    chart.add(
        *[
            epic_visit(chart.pid, d, FAMILY_WITH_PATIENT, rid=chart.id("visit", str(n)))
            for n, d in enumerate(fortnightly(date(2025, 4, 1), 2))
        ]
    )
    body = request(chart)
    policy = Policy(psychotherapy_course_kinds=("standalone", "group", "family"))
    result = evaluate_document(body, hook=body["hook"], as_of=AS_OF, policy=policy)
    assert PSYCHOTHERAPY not in {r.topic for r in result.evaluation.recommendations}


def test_a_request_without_the_encounters_key_says_the_history_was_not_read() -> None:
    """An EHR on the older discovery, no FHIR server: never "none on record"."""
    body = _chart_with("visits-older-discovery")
    del body["prefetch"]["encounters"]
    card = _topics(_evaluate(body))[PSYCHOTHERAPY]
    assert "psychotherapy history not available" in card.summary
    assert "procedures, visits or referrals not available" in card.detail
    assert "Visits not (fully) available: Encounter" in card.detail


def test_a_bundle_read_by_the_command_line_reads_its_visits(tmp_path: Path) -> None:
    """`trd-cds evaluate chart.json` on a collection Bundle: every resource is read."""
    from tests.fixtures import builders as b

    chart = one_failed_trial("visits-bundle")
    chart.add(
        *[
            epic_visit(chart.pid, d, rid=chart.id("visit", str(n)))
            for n, d in enumerate(fortnightly(date(2025, 3, 3), 8))
        ]
    )
    path = tmp_path / "chart.json"
    path.write_text(json.dumps(b.bundle(chart.resources, "collection")), "utf-8")
    document = json.loads(path.read_text("utf-8"))
    result = evaluate_document(document, hook="patient-view", as_of=AS_OF, policy=Policy())
    assert PSYCHOTHERAPY not in {r.topic for r in result.evaluation.recommendations}
