"""Review 12 finding 11: an antidepressant trial taken beside carbamazepine, phenytoin,
phenobarbital or rifampin, which lower its levels, counts as a trial but never silently: the trial
table's verdict and the payer's trials criterion name the inducer "to confirm"
(services/inducers.py, services/data/inducer_lowered.csv)."""

from __future__ import annotations

from datetime import date

import pytest

from fhir_mapping import drug_table
from fhir_mapping.record import Role
from services.payer_criteria import CriterionStatus
from services.policy import Policy
from services.trial_table import trial_table
from tests.services import factories as f
from tests.services.test_order_safety import SERTRALINE_100, chart, depressed, taking
from tests.services.test_payer_criteria import evaluation, meets_all

pytestmark = pytest.mark.real_drug_table

CARBAMAZEPINE_TEXT = (None, "carbamazepine 200 MG Oral Tablet")
CARBAMAZEPINE_CODED = ("2002", "carbamazepine")
MIRTAZAPINE_30 = (None, "mirtazapine 30 MG Oral Tablet")


def _carbamazepine(start: date = date(2020, 1, 6), **kw: object) -> f.Trial:
    return f.trial(
        "carbamazepine",
        "CYP3A4 inducer",
        role=Role.INTERACTING,
        start=start,
        mg=400,
        min_mg=None,
        max_mg=None,
        baseline=None,
        after=None,
        **kw,  # type: ignore[arg-type]
    )


def _trials_result(*extra: f.Trial):  # type: ignore[no-untyped-def]
    record = meets_all(
        trials=(f.sertraline_failed(), f.venlafaxine_failed(), *extra),
    )
    ev = evaluation(record, Policy())
    (result,) = [r for r in ev.results if r.id == "trials"]
    return result


def test_a_trial_beside_carbamazepine_is_counted_to_confirm_naming_the_inducer() -> None:
    result = _trials_result(_carbamazepine(ongoing=True))
    assert result.status is CriterionStatus.MET
    assert result.to_confirm is not None
    assert (
        "sertraline taken with carbamazepine 400 mg/day (since 2020-01-06), a CYP3A4 inducer "
        "that may lower sertraline levels"
    ) in result.to_confirm
    assert result.to_confirm.endswith("the dose may not have been adequate")
    # Venlafaxine has no inducer row: not named.
    assert "venlafaxine" not in result.to_confirm
    (sertraline_line,) = [d for d in result.details if d.startswith("sertraline")]
    assert "; to confirm: taken with carbamazepine" in sertraline_line


def test_without_an_inducer_the_trials_criterion_has_nothing_to_confirm() -> None:
    assert _trials_result().to_confirm is None


def test_an_inducer_stopped_before_the_trial_is_not_named() -> None:
    # Sertraline ran from 2023-01-09; carbamazepine stopped in 2022 (f.trial: 10 weeks).
    result = _trials_result(_carbamazepine(start=date(2022, 1, 3)))
    assert result.to_confirm is None


def test_the_trial_table_verdict_says_to_confirm_only_with_the_record() -> None:
    record = meets_all(trials=(f.sertraline_failed(), _carbamazepine(ongoing=True)))
    (sertraline,) = [t for t in record.trials if t.ingredient == "sertraline"]
    mapping = Policy().mapping
    with_record = trial_table([sertraline], mapping, record)
    assert "; to confirm: taken with carbamazepine 400 mg/day" in with_record
    assert "UNVERIFIED" in with_record  # sertraline's row rests on case reports, recalled
    assert "carbamazepine" not in trial_table([sertraline], mapping)


@pytest.mark.parametrize("carbamazepine", [CARBAMAZEPINE_TEXT, CARBAMAZEPINE_CODED])
def test_carbamazepine_is_read_by_display_and_by_rxnorm_beside_mirtazapine(
    carbamazepine: tuple[str | None, str],
) -> None:
    record = chart(
        *depressed(),
        taking(carbamazepine, date(2022, 3, 7), per_day=2, rid="mr-cbz"),
        taking(MIRTAZAPINE_30, date(2025, 1, 6), rid="mr-mirt"),
    )
    (cbz,) = [t for t in record.trials if t.ingredient == "carbamazepine"]
    assert cbz.role is Role.INTERACTING and cbz.ongoing
    (mirt,) = [t for t in record.trials if t.ingredient == "mirtazapine"]
    table = trial_table([mirt], Policy().mapping, record)
    # The ingredient code alone carries no strength: the dose is then not named.
    dose = " 400 mg/day" if carbamazepine[0] is None else ""
    assert f"taken with carbamazepine{dose} (since 2022-03-07), a CYP3A4 inducer" in table
    assert "Remeron label" in table


def test_carbamazepine_is_not_read_without_an_antidepressant_it_lowers() -> None:
    # Beside venlafaxine only (no inducer row): not read, no timeline lane.
    venlafaxine = (None, "venlafaxine 75 MG Extended Release Oral Capsule")
    record = chart(
        *depressed(),
        taking(CARBAMAZEPINE_TEXT, date(2022, 3, 7), per_day=2, rid="mr-cbz"),
        taking(venlafaxine, date(2025, 1, 6), rid="mr-v"),
    )
    assert all(t.ingredient != "carbamazepine" for t in record.trials)
    beside = chart(
        *depressed(),
        taking(CARBAMAZEPINE_TEXT, date(2022, 3, 7), per_day=2, rid="mr-cbz"),
        taking(SERTRALINE_100, date(2025, 1, 6), rid="mr-s"),
    )
    assert any(t.ingredient == "carbamazepine" for t in beside.trials)


def test_the_inducers_have_verified_rxnorm_ingredient_codes() -> None:
    codes = {
        n: (d.rxcui if (d := drug_table.drug_info(n)) else None)
        for n in ("carbamazepine", "phenytoin", "rifampin", "phenobarbital")
    }
    assert codes == {
        "carbamazepine": "2002",
        "phenytoin": "8183",
        "rifampin": "9384",
        "phenobarbital": "8134",
    }
