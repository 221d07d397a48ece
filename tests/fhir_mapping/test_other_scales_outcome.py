"""Review 13 W10: a course measured with HAM-D17, MADRS, QIDS-SR16 or BDI-II and no PHQ-9 was
"outcome not measured yet": remission was noise and a failed trial was missed. A course with no
PHQ-9 on treatment but the SAME other scale before and on it is now judged on that scale: >= 50 %
drop for response, the scale's own remission cut-off (data/scale_outcomes.csv), the scale named
wherever the pair is shown. Scales are never mixed within a pair, and the PHQ-9 stays first.

Before this change every test below failed: `on_treatment` was None on every such course."""

from __future__ import annotations

from datetime import date

from fhir_mapping.explain import explain
from fhir_mapping.scale_outcomes import remission_below, scale_outcomes
from services import trial_table
from services.policy import Policy
from tests.fhir_mapping.other_scale_charts import P, chart, scale, the_trial
from tests.fixtures import builders as fb

BEFORE, AFTER = date(2025, 1, 6), date(2025, 5, 19)
MAPPING = Policy().mapping


def test_madrs_remission_is_read_and_named() -> None:
    trial = the_trial(chart(scale("MADRS", BEFORE, 34), scale("MADRS", AFTER, 8)))
    assert trial.outcome_scale == "MADRS"
    assert (trial.baseline.value, trial.on_treatment.value) == (34, 8)  # type: ignore[union-attr]
    assert trial.remission is True and trial.response is True
    assert not trial.failed and not trial.outcome_unmeasured
    assert trial_table.verdict_text(trial, MAPPING).startswith("adequate: remission (MADRS <= 10")


def test_hamd17_without_response_is_a_measured_failed_trial() -> None:
    trial = the_trial(chart(scale("HAM-D17", BEFORE, 24), scale("HAM-D17", AFTER, 20)))
    assert trial.outcome_scale == "HAM-D17"
    assert trial.response is False and trial.remission is False
    assert trial.failed and not trial.outcome_inferred
    text = trial_table.verdict_text(trial, MAPPING)
    assert "< 50 % HAM-D17 drop" in text and "HAM-D17 <= 7" in text


def test_bdi2_loinc_without_response_is_a_failed_trial() -> None:
    trial = the_trial(chart(scale("BDI-II", BEFORE, 35), scale("BDI-II", AFTER, 31)))
    assert trial.outcome_scale == "BDI-II" and trial.failed


def test_qids_sr16_remission_at_its_own_cut_off() -> None:
    trial = the_trial(chart(scale("QIDS-SR16", BEFORE, 18), scale("QIDS-SR16", AFTER, 5)))
    assert trial.remission is True and not trial.failed  # QIDS-SR16 <= 5 (Rush 2003)


def test_madrs_11_is_not_remission_the_stricter_cut_off() -> None:
    """MADRS <= 10, not <= 12: residual symptoms are not called remission (20 -> 11 is neither
    a 50 % drop nor remission, so the adequate course failed)."""
    trial = the_trial(chart(scale("MADRS", BEFORE, 20), scale("MADRS", AFTER, 11)))
    assert trial.remission is False and trial.response is False and trial.failed


def test_scales_are_never_mixed_within_a_pair() -> None:
    trial = the_trial(chart(scale("MADRS", BEFORE, 34), scale("BDI-II", AFTER, 8)))
    assert trial.on_treatment is None and trial.outcome_unmeasured


def test_the_phq9_stays_first_beside_another_scale() -> None:
    record = chart(
        fb.phq9(BEFORE, 20, item9=0, patient=P),
        fb.phq9(AFTER, 18, item9=0, patient=P),
        scale("MADRS", BEFORE, 34),
        scale("MADRS", AFTER, 8),
    )
    trial = the_trial(record)
    assert trial.outcome_scale == "PHQ-9" and trial.on_treatment.value == 18  # type: ignore[union-attr]
    assert trial.failed  # judged on the PHQ-9 (18 of 20), the MADRS remission not mixed in


def test_the_trial_row_and_explain_name_the_scale() -> None:
    record = chart(scale("MADRS", BEFORE, 34), scale("MADRS", AFTER, 8))
    assert "| MADRS 34 → 8 |" in trial_table.trial_table(record.trials, MAPPING)
    assert "MADRS baseline: 34 on 2025-01-06; on treatment: 8 on 2025-05-19" in explain(record)


def test_table_cut_offs_and_sources() -> None:
    table = scale_outcomes()
    assert list(table) == ["HAM-D17", "MADRS", "QIDS-SR16", "BDI-II"]
    assert {n: r.remission_at_most for n, r in table.items()} == {
        "HAM-D17": 7,
        "MADRS": 10,
        "QIDS-SR16": 5,
        "BDI-II": 13,  # the manual's minimal band (Beck 1996; recheck 2 m08)
    }
    assert all(r.response_drop_percent == 50 for r in table.values())
    assert remission_below("MADRS") == 11 and remission_below("PHQ-9") is None
