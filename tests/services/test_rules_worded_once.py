"""What the rules of one evaluation now read once (issue 14) says what the plain readings said:
the TMS count is the failed trials' own tuple when no intolerance is counted, `taken_with` and
the trial cells answer again only for the same trial of the same record, and the diagnosis
review's findings only for the same rule context."""

from __future__ import annotations

import dataclasses
from datetime import date

from fhir_mapping.record import Intolerance, SourceRef
from services import trial_cells, trial_count
from services.packet import trials as packet_trials
from services.pathway import derive_facts
from services.policy import Policy
from services.rules import diagnosis_review
from services.rules.context import build_context
from services.trial_adherence_text import adherence_text
from services.trial_dose_text import dose_path
from services.trial_table import trial_table
from services.trial_verdict_text import verdict_text
from tests.services.factories import score, trd_record, trial


def _together_record():  # type: ignore[no-untyped-def]
    """Sertraline judged on a PHQ-9 taken while escitalopram also ran (recheck 17-2 W4)."""
    sertraline = trial("sertraline", "SSRI", start=date(2024, 1, 8), weeks=12)
    escitalopram = trial(
        "escitalopram", "SSRI", start=date(2024, 2, 5), weeks=16, mg=20, min_mg=10, max_mg=20
    )
    return trd_record(trials=(sertraline, escitalopram), scores=(score(17, date(2024, 6, 3)),))


def test_tms_count_is_the_failed_tuple_without_a_counted_intolerance() -> None:
    facts = derive_facts(trd_record(), Policy())
    assert facts.tms_trials is facts.failed_trials
    assert len(facts.failed_trials) == 2


def test_tms_count_with_a_counted_intolerance_is_oldest_first() -> None:
    stopped = dataclasses.replace(
        trial("escitalopram", "SSRI", start=date(2023, 8, 7), weeks=8, after=None),
        intolerance=Intolerance(
            "escitalopram", "nausea", date(2023, 10, 2), SourceRef("MedicationRequest", "mr-e")
        ),
    )
    record = trd_record(trials=(*trd_record().trials, stopped))
    facts = derive_facts(record, Policy())
    assert facts.tms_intolerant_trials == (stopped,)
    assert facts.tms_trials is not facts.failed_trials
    assert [t.start for t in facts.tms_trials] == sorted(t.start for t in facts.tms_trials)


def test_taken_with_answers_as_the_plain_walk_for_each_record() -> None:
    for record in (_together_record(), trd_record(), _together_record()):
        for t in record.trials:
            first = trial_count.taken_with(t, record)
            assert first == trial_count._taken_with(t, record)
            assert trial_count.taken_with(t, record) is first  # answered again


def test_taken_with_of_an_equal_trial_of_another_record_is_its_own() -> None:
    one, two = _together_record(), trd_record()
    sertraline = one.trials[0]
    assert trial_count.taken_with(sertraline, one)  # taken with escitalopram there
    # The same trial object asked about another record: worked out for that record.
    assert trial_count.taken_with(sertraline, two) == trial_count._taken_with(sertraline, two)


def test_trial_cells_say_what_the_texts_say() -> None:
    policy = Policy().mapping
    for record in (trd_record(), _together_record()):
        for t in record.trials:
            assert trial_cells.dose(t, record, policy) == dose_path(t)
            assert trial_cells.adherence(t, record, policy) == adherence_text(t)
            assert trial_cells.verdict(t, record, policy) == verdict_text(t, policy)


def test_trial_tables_with_and_without_the_record_agree() -> None:
    policy = Policy()
    record = trd_record()
    facts = derive_facts(record, policy)
    table = trial_table(record.trials, policy.mapping, record)
    assert table == trial_table(record.trials, policy.mapping, record)
    for t in record.trials:
        assert verdict_text(t, policy.mapping) in table
        plain = packet_trials._row(t, facts, policy.mapping, facts.failed_trials)
        kept = packet_trials._row(t, facts, policy.mapping, facts.failed_trials, (), record)
        assert kept == plain


def test_a_verdict_for_another_policy_is_worded_for_it() -> None:
    record = trd_record()
    t = record.trials[0]
    strict = dataclasses.replace(Policy().mapping, min_adequate_weeks=12)
    trial_cells.verdict(t, record, Policy().mapping)
    assert trial_cells.verdict(t, record, strict) == verdict_text(t, strict)


def test_diagnosis_findings_answered_again_for_one_context_only() -> None:
    policy = Policy()
    ctx = build_context(trd_record(), policy)
    labs = diagnosis_review._latest_labs(ctx)
    plain = diagnosis_review._findings(ctx, labs)
    assert list(diagnosis_review._context_findings(ctx)) == plain
    assert diagnosis_review._context_findings(ctx) is diagnosis_review._context_findings(ctx)
    other = build_context(_together_record(), policy)
    assert list(diagnosis_review._context_findings(other)) == diagnosis_review._findings(
        other, diagnosis_review._latest_labs(other)
    )
    assert diagnosis_review.settle_first(ctx) == [
        i for i in plain if not i.info and not i.alongside
    ]
