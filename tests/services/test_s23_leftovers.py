"""Review s23 RD, the leftovers after findings 1, 2, 4 and 5 (test_s23_order_drafts.py), pinned.

1. A triptan metabolised by MAO-A drafted while an MAOI runs, or an MAOI drafted while one runs,
   got no card: sumatriptan, rizatriptan and zolmitriptan rows in data/maoi_washout.csv (kind
   triptan, `meets_maoi`: MAO-A inhibiting kinds only); eletriptan, not an MAO substrate, none.
2. Citalopram and ondansetron both drafted, neither running, got no QT card: one pair, said once.
3. The Auvelity card printed "Dextromethorphan-bupropion 210 mg/day" (its bupropion part).
4. Mirtazapine and venlafaxine started together with nothing running got no card.

Charts: tests/services/s23_leftovers_charts/ (built for this review from the RD charts' base
patient; x29, x26 and x01 copied; Epic / US Core shaped, every prefetch key).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

Doc = dict[str, Any]
MAOI = "order-maoi-interaction"
QTC = "order-qtc"
TOGETHER = "order-adjuncts-together"

_chart = chart_files.loader(Path(__file__).parent / "s23_leftovers_charts")
_at = Evaluator(date(2026, 12, 1))


def _of(name: str, topic: str) -> list[Doc]:
    return [c for c in _at.cards(_chart(name)) if c["source"]["topic"]["code"] == topic]


def _one(name: str, topic: str) -> Doc:
    found = _of(name, topic)
    assert len(found) == 1, [c["summary"] for c in found]
    return found[0]


# --- 1: triptans and MAOIs ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "triptan", "maoi", "cite"),
    [
        ("sumatriptan_drafted_phenelzine_running_sign", "Sumatriptan", "phenelzine", "Imitrex"),
        ("rizatriptan_drafted_emsam_running_select", "Rizatriptan", "selegiline", "Maxalt"),
        ("zolmitriptan_drafted_phenelzine_running_sign", "Zolmitriptan", "phenelzine", "Zomig"),
    ],
)
def test_a_triptan_drafted_while_an_maoi_runs_is_critical(
    name: str, triptan: str, maoi: str, cite: str
) -> None:
    card = _one(name, MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        f"{triptan} ordered while {maoi} (MAOI) is running: contraindicated by the triptan's "
        f"label; 14 days off {maoi} first"
    )
    assert "several-fold rise in the triptan's blood levels" in card["detail"]
    assert card["source"]["label"].startswith(cite)


def test_zolmitriptan_says_its_label_was_not_read() -> None:
    card = _one("zolmitriptan_drafted_phenelzine_running_sign", MAOI)
    assert "as recalled (UNVERIFIED)" in card["detail"]


def test_an_maoi_drafted_while_a_triptan_runs_says_not_during_the_maoi_either() -> None:
    card = _one("phenelzine_drafted_sumatriptan_running_sign", MAOI)
    assert card["indicator"] == "critical"
    assert card["summary"] == (
        "Phenelzine (MAOI) ordered while sumatriptan is running: stop sumatriptan at least 14 "
        "days first"
    )
    assert (
        "Nor is sumatriptan to be taken while phenelzine is taken or within 14 days of its "
        "last dose: plan another acute treatment." in card["detail"]
    )


def test_eletriptan_is_no_mao_substrate_and_gets_no_card() -> None:
    # Its label contraindicates no MAOI (not an MAO substrate): no row, no card.
    assert _at.cards(_chart("eletriptan_drafted_phenelzine_running_sign")) == []


# --- 2: a QT pair of two drafts ----------------------------------------------------------------


def test_two_qt_drafts_signed_together_with_no_qtc_get_one_pair_card() -> None:
    card = _one("citalopram_and_ondansetron_drafted_sign", QTC)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Citalopram ordered with ondansetron on this order: no QTc read in the last 365 days"
    )
    assert "ondansetron 24 mg/day on this order: known risk of torsades" in card["detail"]


def test_the_ondansetron_draft_alone_selected_names_the_drafted_citalopram() -> None:
    card = _one("citalopram_and_ondansetron_drafted_select_ondansetron", QTC)
    assert card["summary"] == (
        "Ondansetron ordered with citalopram on this order: no QTc read in the last 365 days"
    )
    assert card["detail"].startswith("citalopram 20 mg/day on this order: its label's QT warning")


def test_two_qt_drafts_with_a_long_qtc_are_one_warning_naming_the_partner() -> None:
    card = _one("citalopram_and_ondansetron_drafted_qtc485_sign", QTC)
    assert card["indicator"] == "warning"
    # Above 480 ms the band is named with the stop line it is close to (review s24 RM finding 3).
    assert card["summary"] == (
        "Citalopram with QTc 485 ms on 2026-11-10: above 480 ms, close to the 500 ms line where "
        "the label says to stop it; ondansetron on this order"
    )
    assert card["detail"].count("QTc 485 ms") <= 1 and "Ondansetron ordered" not in card["detail"]
    assert "**Also on this order, each prolonging the QT interval**" in card["detail"]


# --- 3: the Auvelity dose ----------------------------------------------------------------------


def test_auvelity_dose_is_named_by_its_bupropion_part() -> None:
    cards = _at.cards(_chart("auvelity_drafted_sertraline_running_sign"))
    text = " ".join(c["summary"] + c.get("detail", "") for c in cards)
    assert "Dextromethorphan-bupropion (bupropion 210 mg/day)" in text
    assert "Dextromethorphan-bupropion 210 mg/day" not in text


# --- 4: two antidepressants started together from nothing -------------------------------------


def test_two_antidepressants_started_with_none_running_get_the_information_card() -> None:
    card = _one("mirtazapine_and_venlafaxine_started_nothing_running_sign", TOGETHER)
    assert card["indicator"] == "info"
    assert card["summary"] == (
        "Mirtazapine and venlafaxine started together: two antidepressants at once; start one, "
        "assess, then add"
    )
    assert "after an inadequate response to the first" in card["detail"]


def test_a_cross_taper_is_not_two_antidepressants_started() -> None:
    assert _of("crosstaper_sertraline_to_venlafaxine_sign", TOGETHER) == []


def test_two_of_one_class_are_left_to_the_same_class_card() -> None:
    # Sertraline and fluoxetine drafted, none running: "two SSRIs on one order; keep one" says
    # it; no second card for the same pair.
    doc = chart_files.loader(Path(__file__).parent / "review15_charts")("g01_sign_two_ssri_drafts")
    topics = [c["source"]["topic"]["code"] for c in _at.cards(doc)]
    assert TOGETHER not in topics


def test_one_draft_read_two_ways_is_no_qt_pair() -> None:
    # Its code says escitalopram 20 mg, its name citalopram 30 mg: one drug to confirm, not
    # escitalopram "with citalopram on this order".
    load = chart_files.loader(Path(__file__).parent / "audit18c_charts")
    cards = _at.cards(load("w05_draft_code_esc20_name_cit30_age75"))
    assert not any("on this order: no QTc read" in c["summary"] for c in cards)
