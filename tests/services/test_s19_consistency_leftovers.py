"""Session 19 consistency leftovers (fix19l): a card that said one thing in one place and another
elsewhere.

1. "Since" dates. The dose-first line dated its course from its last dose segment, which a supply
   gap also cuts: escitalopram 10 mg/day since 2026-06-01 with no supply for 32 days read
   "escitalopram 10 mg/day since 2026-10-01 (8 weeks)" beside the adherence card's course of
   2026-06-01 (c01). The relapse card wrote the raised dose before the course's start:
   "Relapse on sertraline 150 mg/day (running since 2025-01-06)" when 150 began on 2026-09-14
   (c02). Both now name the course by trial_dates.dose_since, as the other cards do
   ("sertraline (running since 2025-01-06; 150 mg/day since 2026-09-14)").
2. A safety card holding every one-click (the suicide-risk card c03, the diagnosis review c04)
   left the optimise summary "raise held (...), then an adjunct": the adjuncts were held too. The
   held summary names no next step then; a hold that leaves the adjuncts one click keeps it.
3. A draft coded sertraline and named fluoxetine while venlafaxine runs (c05): the repeat card
   said its "Still running: venlafaxine ..." line under each reading. Said once now, before the
   readings, asking about "this order".
4. At a US site the cards cap mirtazapine at the US label's 45 mg/day; the timeline page and
   `trd-cds evaluate --explain` printed CANMAT's 30-60 and drew 60 mg/day as in range (c06).
   Both now take the site's policy and its ceiling (services/site_ceiling.py).

Charts: tests/services/consistency19_charts/ (Epic shapes; c05 US Core, from audit18c w05),
evaluated as of 2026-12-01 (c05 as of its own 2025-06-02).
"""

from __future__ import annotations

import dataclasses
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from cds_hooks import runner as runner_module
from cds_hooks.app import create_app
from cds_hooks.cli import main
from cds_hooks.config.settings import load_settings
from cds_hooks.offline import OfflineResult, evaluate_document
from fhir_mapping.explain import explain
from services import trial_dates
from services.evaluation import Evaluation, HookInput, evaluate
from services.policy import Policy
from services.rules import one_click_hold
from services.site_ceiling import site_maximum
from services.timeline import render_page, render_svg
from tests.services import chart_files

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
Doc = dict[str, Any]
FOLDER = Path(__file__).parent / "consistency19_charts"
OPTIMISE = "optimize-switch-augment"
REPEATS = "order-repeats-failed-trial"
CANADA = Policy(drug_market="Canada")

_chart = chart_files.loader(FOLDER)
_dose_first_chart = chart_files.loader(Path(__file__).parent / "dose_first_charts")


def _run(doc: Doc, policy: Policy | None = None, as_of: date = AS_OF) -> OfflineResult:
    return evaluate_document(doc, hook=doc["hook"], as_of=as_of, policy=policy or Policy())


def _cards(doc: Doc, policy: Policy | None = None, as_of: date = AS_OF) -> dict[str, Doc]:
    cards = _run(doc, policy, as_of).response.to_json()["cards"]
    return {c["source"]["topic"]["code"]: c for c in cards}


def _sections(card: Doc) -> list[str]:
    return str(card["detail"]).split("\n\n")


def _section(card: Doc, head: str) -> str:
    (found,) = [s for s in _sections(card) if s.startswith(head)]
    return found


@pytest.mark.parametrize("name", sorted(p.stem for p in FOLDER.glob("*.json")))
def test_the_charts_are_valid_r4_and_carry_every_prefetch_key(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)


# --- 1. one rule for "since" ------------------------------------------------------------------


def test_a_supply_gap_does_not_restart_the_dose_first_course() -> None:
    doc = _chart("c01_escitalopram10_supply_gap_partial_epic")
    cards = _cards(doc)
    # The adherence card names the course by its start and the gap in it.
    assert (
        "**escitalopram** (2026-06-01): no supply dispensed for 32 days from 2026-08-30"
        in (cards["adherence-review"]["detail"])
    )
    # Before: "**Dose first:** escitalopram 10 mg/day since 2026-10-01 (8 weeks), ...".
    line = _section(cards[OPTIMISE], "**Dose first:**")
    assert line.startswith(
        "**Dose first:** escitalopram 10 mg/day since 2026-06-01 (21 weeks on it, days without "
        "supply not counted), partial response only (PHQ-9 18 → 13); range here up to 20 mg/day"
    )
    (trial,) = _run(doc).evaluation.record.trials
    named, since = trial_dates.dose_since(trial, "10 mg/day")
    assert f"{named} {since} (" in line


def test_a_titrated_course_is_named_on_the_dose_first_line_as_on_every_card() -> None:
    # fluoxetine 20 mg/day from 2026-06-01, 40 from 2026-08-30: the 13 weeks are the 40's.
    card = _cards(_dose_first_chart("df03_fluoxetine40_dispenses_only_epic"))[OPTIMISE]
    assert _section(card, "**Dose first:**").startswith(
        "**Dose first:** fluoxetine since 2026-06-01; 40 mg/day since 2026-08-30 (13 weeks), "
        "no response"
    )


def test_the_relapse_card_says_since_when_the_raised_dose_is_taken() -> None:
    card = _cards(_chart("c02_sertraline_relapse_raised_150_epic"))["relapse-on-treatment"]
    assert card["summary"].startswith("Relapse on sertraline, raised to 150 mg/day on 2026-09-14")
    # Before: "**Relapse on sertraline 150 mg/day** (running since 2025-01-06): ...".
    assert _sections(card)[0].startswith(
        "**Relapse on sertraline** (running since 2025-01-06; 150 mg/day since 2026-09-14): in "
        "remission on it from 2025-07-07 to 2026-07-06"
    )


# --- 2. a held summary proposes nothing held --------------------------------------------------


def test_the_suicide_risk_hold_leaves_no_adjunct_in_the_summary() -> None:
    cards = _cards(_chart("c03_escitalopram10_partial_item9_epic"))
    assert cards["suicide-risk"]["indicator"] == "critical"
    optimise = cards[OPTIMISE]
    assert optimise.get("suggestions", []) == []
    # Before: "...: escitalopram raise held (suicide risk assessment first), then an adjunct".
    assert optimise["summary"] == (
        "1 adequate trial with partial response only (escitalopram, 28 %): escitalopram raise "
        "held (suicide risk assessment first)"
    )
    # The detail still names the adjuncts, as text, under the line that holds them.
    assert "Propose adjunctive aripiprazole 2 mg/day" in _sections(optimise)[0]


def test_the_diagnosis_review_hold_leaves_no_adjunct_in_the_summary() -> None:
    cards = _cards(_chart("c04_escitalopram10_partial_tsh12_epic"))
    assert cards["diagnosis-review"]["summary"] == (
        "Confirm the diagnosis before escalating: TSH high 12"
    )
    # Before: "...: escitalopram raise held (review TSH high 12 first), then an adjunct".
    assert cards[OPTIMISE]["summary"] == (
        "1 adequate trial with partial response only (escitalopram, 28 %): escitalopram 10 "
        "mg/day, room to 20: raise held (review TSH high 12 first)"
    )


def test_a_hold_of_the_raise_alone_keeps_the_adjunct_as_the_next_step() -> None:
    result = _run(_dose_first_chart("df01_escitalopram10_partial_response_epic"))
    (card,) = [r for r in result.evaluation.recommendations if r.topic == OPTIMISE]
    raise_first, *adjuncts = card.suggestions
    assert raise_first.label.startswith("Raise escitalopram") and adjuncts
    why = "QTc first"  # short, so the longer summary fits
    alone = one_click_hold.held_summary(card, [raise_first], why, whole=False)
    assert alone.summary.endswith(f"raise held ({why}), then an adjunct")
    every = one_click_hold.held_summary(card, list(card.suggestions), why, whole=True)
    assert every.summary.endswith(f"raise held ({why})")


# --- 3. a line about what runs, once for the readings of a draft -------------------------------


def test_the_still_running_line_is_said_once_for_both_readings() -> None:
    doc = _chart("c05_draft_code_sertraline100_name_fluoxetine20_on_venlafaxine_select")
    card = _cards(doc, as_of=date(2025, 6, 2))[REPEATS]
    sections = _sections(card)
    running = [i for i, s in enumerate(sections) if s.startswith("**Still running:**")]
    readings = [i for i, s in enumerate(sections) if s.startswith("**If it is ")]
    # Before: one "Still running" line under each reading ("Is sertraline a switch ...", "Is
    # fluoxetine a switch ...").
    assert len(running) == 1 and len(readings) == 2
    assert running[0] < readings[0]
    assert sections[running[0]].startswith(
        "**Still running:** venlafaxine 225 mg/day since 2025-01-06"
    )
    assert (
        "Is this order a switch (plan the taper or cross-taper and venlafaxine's stop date)"
        in (sections[running[0]])
    )
    assert sections[readings[0]] == "**If it is sertraline:**"
    assert sections[readings[1]] == "**If it is fluoxetine:**"


def test_the_audit_chart_says_its_still_running_line_once_too() -> None:
    doc = chart_files.loader(Path(__file__).parent / "audit18c_charts")(
        "w05_draft_code_esc20_name_cit30_age75"
    )
    detail = _cards(doc, as_of=date(2025, 6, 2))[REPEATS]["detail"]
    assert detail.count("**Still running:**") == 1


# --- 4. the timeline and --explain state the site's ceiling -----------------------------------


def _lane_texts(svg: str) -> set[str]:
    # The tooltips of the dose bars, where the range is said whole (the lane text wraps it).
    return set(re.findall(r"\(adequate (\d+–\d+ mg/day[^)]*)\)", svg))


def _categories(svg: str) -> dict[str, str]:
    return dict(re.findall(r'data-mg="(\d+)" data-category="([a-z-]+)"', svg))


def test_the_timeline_draws_the_us_labels_ceiling_at_a_us_site() -> None:
    doc = _chart("c06_mirtazapine60_us_site_epic")
    us = _run(doc)
    svg = render_svg(us.evaluation.record, policy=Policy())
    # Before: "adequate 30–60 mg/day", and the 60 mg/day bar drawn as an adequate dose.
    assert _lane_texts(svg) == {"30–45 mg/day, US label maximum"}
    assert _categories(svg) == {"30": "adequate", "60": "above-maximum"}
    page = render_page(us.evaluation.record, policy=Policy())
    assert "30–45 mg/day, US label maximum" in page and "30–60" not in page
    # A Canadian site keeps CANMAT's 60 (its ranges are Canada's monographs).
    canada = render_svg(_run(doc, CANADA).evaluation.record, policy=CANADA)
    assert _lane_texts(canada) == {"30–60 mg/day"}
    assert _categories(canada) == {"30": "adequate", "60": "adequate"}


def test_explain_states_the_sites_ceiling() -> None:
    record = _run(_chart("c06_mirtazapine60_us_site_epic")).evaluation.record
    text = explain(record, lambda t: site_maximum(Policy(), t))
    assert (
        "   adequate range: 30-45 mg/day (the US label's maximum, Remeron US label 2.1; CANMAT "
        "2023 Table 3.3 lists up to 60)"
    ) in text.splitlines()
    assert (
        "   adequate range: 30-60 mg/day"
        in explain(record, lambda t: site_maximum(CANADA, t)).splitlines()
    )


def test_the_cli_explain_and_timeline_follow_the_configured_market(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    chart = FOLDER / "c06_mirtazapine60_us_site_epic.json"
    svg = tmp_path / "t.svg"
    args = ["evaluate", str(chart), "--as-of", "2026-12-01", "--explain", "--timeline", str(svg)]
    assert main(args) == 0
    assert "adequate range: 30-45 mg/day (the US label's maximum" in capsys.readouterr().err
    assert _lane_texts(svg.read_text("utf-8")) == {"30–45 mg/day, US label maximum"}
    config = tmp_path / "canada.toml"
    config.write_text('[policy]\ndrug_market = "Canada"\n', "utf-8")
    assert main([*args, "--config", str(config)]) == 0
    assert "adequate range: 30-60 mg/day\n" in capsys.readouterr().err
    assert _lane_texts(svg.read_text("utf-8")) == {"30–60 mg/day"}


class _AsOfChart:
    """`evaluate` as the service runs it, as of the chart's day (the service judges today)."""

    def __call__(self, hook_input: HookInput, policy: Policy) -> Evaluation:
        return evaluate(dataclasses.replace(hook_input, as_of=AS_OF), policy)


@pytest.mark.parametrize(
    ("market", "lane"), [("US", "30–45 mg/day, US label maximum"), ("Canada", "30–60 mg/day")]
)
def test_the_timeline_page_takes_the_servers_policy(
    monkeypatch: pytest.MonkeyPatch, market: str, lane: str
) -> None:
    monkeypatch.setattr(runner_module, "evaluate", _AsOfChart())
    body = json.loads((FOLDER / "c06_mirtazapine60_us_site_epic.json").read_text("utf-8"))
    settings = load_settings(None, policy={"drug_market": market})
    with TestClient(create_app(settings)) as client:
        cards = client.post("/cds-services/trd-patient-view", json=body).json()["cards"]
        links = [link["url"] for c in cards for link in c.get("links", [])]
        token = links[0].removeprefix("http://testserver/timeline/")
        page = client.get(f"/timeline/{token}")
    assert page.status_code == 200
    assert _lane_texts(page.text) == {lane}
