"""One screen a clinician can read (issue 12), measured.

Every fixture (tests/fixtures/scenarios.py and the vendor charts of tests/fixtures/vendor_charts.py)
goes through the offline engine (prefetch rules, mapping, services, cards) at patient-view, and at
order-select where it has a draft. The report prints, per screen, the cards and the characters of
detail: raw (the markdown as sent: what the EHR receives) and read (as rendered: a link counts its
label, not its URL; bold markers and table rules are not read). BEFORE holds the same numbers
measured on the tree before this work (commit e51b42d). The targets: a typical treatment-resistant
chart shows at most 3 cards and under 2,000 characters of raw markdown, and so does every
treatment-resistant screen but the crowded ones (CROWDED), which at least halve theirs, and those a
safety caveat took just over it (CAVEAT_OVER_TARGET, each with its own bound); no screen
shows more cards or more characters than before; each evidence section (trials table, scores,
staging) appears once a screen; and what left the cards is one click away (the referral summary
and the timeline hold every cell of the trials table; a guideline another card of the screen has
as its source is that card's source link).

Also here, the rest of "one screen": one card per concern (an under-dosed trial, psychotic
features), a missing TSH as information, no TMS card on a renewal of the current drug, the
override reasons the review asked for, and the evidence fingerprint a snooze is stored with.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

import pytest
from pydantic import ValidationError

from cds_hooks.offline import OfflineResult, evaluate_document
from fhir_mapping.build import build_record
from fhir_mapping.record import PatientRecord
from services import cards, screen
from services.order_hooks import order_hook
from services.packet.page import render_packet
from services.packet.wording import day_text
from services.pathway import derive_facts
from services.patient_view import patient_view
from services.payer_criteria import builtin_rule_sets
from services.policy import Policy, load_policy
from services.recommendation import Indicator, Recommendation
from services.rules import optimize_switch_augment, tms_referral
from services.rules.context import build_context
from services.timeline.page import render_page
from tests.fixtures import builders as b
from tests.fixtures import scenarios as S
from tests.fixtures import vendor_charts as V
from tests.fixtures.test_vendor_charts import EPIC_POLICY
from tests.services import factories as f

pytestmark = pytest.mark.real_drug_table

RAW_TARGET = 2000  # characters of detail, raw markdown as sent, on a TRD screen
# Screens allowed to grow, by what issue 12 asked to add: the suicide-risk card names ECT and
# esketamine as the first options while the risk is acute (one line).
# Audit 13 WRONG 7: the sertraline draft's card names the duloxetine still running and asks
# switch or combination (one line).
GROWTH: dict[tuple[str, str], int] = {
    ("item9_positive", "patient-view"): 260,
    ("epic_chart", "order-select"): 320,
}
CARDS_TARGET = 3

# (cards, raw characters, read characters) per (fixture, hook), measured with this module's
# `measure` on commit e51b42d (before issue 12's "one screen" and "rest of the pathway").
BEFORE: dict[tuple[str, str], tuple[int, int, int]] = {
    ("trd_meets_tms", "patient-view"): (2, 4456, 3804),
    ("underdosed_trial", "patient-view"): (2, 1718, 1522),
    # Session 21 G (fhir_mapping/verdict_before_gap.py): 7 weeks of escitalopram 20 mg taken as
    # filled, PHQ-9 17 -> 15, then a 103-day supply gap: a failed adequate trial that stands
    # (before: 1 card, "1 trial not adequate (escitalopram PDC 16 %)"); the gap card, the
    # optimise card and the psychotherapy card now.
    ("poor_adherence", "patient-view"): (3, 2081, 2004),
    ("bipolar", "patient-view"): (2, 2104, 1816),
    ("remission", "patient-view"): (0, 0, 0),
    ("item9_positive", "patient-view"): (1, 838, 638),
    ("epilepsy_contraindication", "patient-view"): (1, 2090, 1886),
    ("psychotic_features", "patient-view"): (2, 3508, 3181),
    ("no_depression", "patient-view"): (0, 0, 0),
    ("entered_in_error", "patient-view"): (1, 1699, 1499),
    ("low_dose_trazodone_for_sleep", "patient-view"): (2, 2725, 2357),
    ("statement_only_history", "patient-view"): (3, 5052, 4334),
    ("medication_reference", "patient-view"): (2, 4474, 3822),
    ("one_failed_trial", "patient-view"): (2, 2553, 2185),
    ("no_recent_phq9", "patient-view"): (1, 816, 668),
    ("tms_already_referred", "patient-view"): (1, 1771, 1571),
    ("order_select_failed_class", "patient-view"): (2, 4656, 4004),
    ("order_select_failed_class", "order-select"): (2, 3511, 2971),
    ("order_select_low_dose", "patient-view"): (0, 0, 0),
    ("order_select_low_dose", "order-select"): (1, 262, 204),
    ("epic_chart", "patient-view"): (2, 2730, 2378),
    ("epic_chart", "order-select"): (1, 556, 468),
    ("oracle_chart", "patient-view"): (2, 4500, 3848),
    ("ccda_chart", "patient-view"): (3, 3706, 3318),
    ("us_core_chart", "patient-view"): (2, 2389, 2089),
}

# Treatment-resistant charts with more on their screen than the pathway's next step: a same-class
# history (two SSRIs) with two payer criteria to document and nine switch options (2,072 raw);
# unverified adherence and no TSH in a year, a third, information card (2,303 raw). Under 2,000
# they would lose decision-relevant lines (a payer criterion to document, a switch option, the
# adherence caveat a referral relies on), so each must instead halve its raw detail.
# Screens allowed over RAW_TARGET by a caveat that keeps an option honest, with the most they may
# show. Milnacipran's "(off-label)" (US label: fibromyalgia only) took medication_reference from
# 1,996 to 2,008 characters: the caveat is not noise, and an option offered without it reads as
# labelled for depression.
# Review 6 finding 4: a psychotherapy criterion is never a plain "Met" on sessions that may not
# make an adequate trial. oracle_chart's 4 sessions (fewer than the clinic's default 8) are "to
# confirm", a criterion line and a "to document" (1,956 -> 2,168); order_select_failed_class
# names "(to confirm: no improvement after it)" beside a met psychotherapy (1,995 -> 2,033), as
# medication_reference does (2,008 -> 2,046). Left out, "Met" would claim what the chart does not
# show, on the card a payer referral starts.
# Audit 16 W7: the Maudsley line names the coded severity it scored over the PHQ-9 band
# ("Severity 4 (severe without psychosis; coded F33.2)"), so the stage does not read as if the
# PHQ-9 had said severe (2,027 -> 2,056 on medication_reference and order_select_failed_class;
# 2,142 -> 2,178 on oracle_chart).
# Review s19 item 3: medication_reference's running mirtazapine failed at 30 mg/day with room to
# the US label's 45: the dose-first line (raise it one step before an adjunct or a switch, CANMAT
# 2023 para 187, Figure 7.1; the US label's maximum named beside CANMAT's 60) is the next step
# itself, and its one click leads the card (2,046 -> 2,486).
# Review s19 item 8: a running course titrated up is named with the day its dose began
# ("citalopram since 2024-09-09; 40 mg/day since 2024-09-24", not "40 mg/day since 2024-09-09",
# a dose it was not on then): 2,056 -> 2,074 on order_select_failed_class.
# Fix19l item 1: the dose-first line names the course by the same rule ("mirtazapine since
# 2025-01-06; 30 mg/day since 2025-01-20", not "30 mg/day since 2025-01-20" as if begun then):
# 2,486 -> 2,504 on medication_reference.
# Review 19 b01 (session 20): the PHQ-9, newer than the coded "severe", grades the Maudsley
# severity and the older code is named with its date ("coded severe without psychosis (F33.2)
# on 2025-01-06 is older"), so the line does not contradict the criterion's PHQ-9: 2,504 -> 2,512.
# Review s24 RN finding 1: the TMS card says why its referral waits ("Referral not marked
# recommended until the PHQ-9 is repeated: ..."), as the optimise card holds: 2,515 -> 2,691.
# Review s26 RN finding 6: that referral is not one click while "repeat the PHQ-9" comes first;
# the card names it in one line instead of two buttons ("Not one click yet: ..."): 2,691 -> 2,836.
CAVEAT_OVER_TARGET: dict[tuple[str, str], int] = {
    ("medication_reference", "patient-view"): 2836,
    ("oracle_chart", "patient-view"): 2180,
}
CROWDED = {
    ("statement_only_history", "patient-view"),
    ("order_select_failed_class", "patient-view"),
}


def read_characters(detail: str) -> int:
    """The detail as the clinician reads it: a link's label without its URL, no bold markers,
    no table rule rows."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", detail)
    text = text.replace("**", "")
    text = re.sub(r"^\|(---\|)+$\n?", "", text, flags=re.M)
    return len(text)


@dataclass(frozen=True)
class Screen:
    fixture: str
    hook: str
    result: OfflineResult
    trd: bool

    @property
    def details(self) -> list[str]:
        return [c.detail or "" for c in self.result.response.cards]

    @property
    def cards(self) -> int:
        return len(self.result.response.cards)

    @property
    def raw(self) -> int:
        return sum(len(d) for d in self.details)

    @property
    def read(self) -> int:
        return sum(read_characters(d) for d in self.details)

    @property
    def topics(self) -> list[str]:
        return [c.source.topic.code for c in self.result.response.cards if c.source.topic]


def _screen(name: str, hook: str, request: dict[str, Any], as_of: date, policy: Policy) -> Screen:
    result = evaluate_document(request, hook=hook, as_of=as_of, policy=policy)
    facts = derive_facts(result.evaluation.record, policy)
    return Screen(name, hook, result, facts.meets_trd)


def screens() -> list[Screen]:
    found = []
    for s in S.all_scenarios():
        hooks: list[Literal["patient-view", "order-select"]] = ["patient-view"]
        if s.draft_orders:
            hooks.append("order-select")
        for hook in hooks:
            found.append(_screen(s.name, hook, S.cds_request(s, hook), s.as_of, Policy()))
    vendors: list[tuple[str, Callable[[], V.VendorChart], Policy]] = [
        ("epic_chart", V.epic_chart, EPIC_POLICY),
        ("oracle_chart", V.oracle_chart, Policy()),
        ("ccda_chart", V.ccda_chart, Policy()),
        ("us_core_chart", V.us_core_chart, Policy()),
    ]
    for name, make, policy in vendors:
        chart = make()
        for vendor_hook in ["patient-view"] + (["order-select"] if chart.draft_orders else []):
            request = V.hook_request(chart, vendor_hook)
            found.append(_screen(name, vendor_hook, request, chart.as_of, policy))
    return found


SCREENS = screens()


def test_card_budget_report() -> None:
    """The report (run with -s to read it), and the targets."""
    rows = [
        f"{'fixture':30} {'hook':13} {'TRD':3} {'cards':>5} {'raw':>6} {'read':>6}   "
        f"{'before: cards':>13} {'raw':>6} {'read':>6}"
    ]
    for s in SCREENS:
        cards_before, raw_before, read_before = BEFORE[(s.fixture, s.hook)]
        rows.append(
            f"{s.fixture:30} {s.hook:13} {'yes' if s.trd else '':3} {s.cards:5} {s.raw:6} "
            f"{s.read:6}   {cards_before:13} {raw_before:6} {read_before:6}"
        )
    print("\n" + "\n".join(rows))
    assert {(s.fixture, s.hook) for s in SCREENS} == set(BEFORE)
    for s in SCREENS:
        cards_before, raw_before, read_before = BEFORE[(s.fixture, s.hook)]
        growth = GROWTH.get((s.fixture, s.hook), 0)
        assert s.cards <= cards_before, (s.fixture, s.hook, s.topics)
        assert s.raw <= raw_before + growth, (s.fixture, s.hook, s.raw)
        assert s.read <= read_before + growth, (s.fixture, s.hook, s.read)
        if not s.trd:
            continue
        assert s.cards <= CARDS_TARGET, (s.fixture, s.topics)
        if (s.fixture, s.hook) in CROWDED:
            assert s.raw <= raw_before / 2, (s.fixture, s.raw, raw_before)
        elif (s.fixture, s.hook) in CAVEAT_OVER_TARGET:
            assert s.raw <= CAVEAT_OVER_TARGET[(s.fixture, s.hook)], (s.fixture, s.raw)
        else:
            assert s.raw < RAW_TARGET, (s.fixture, s.hook, s.raw)


def test_every_treatment_resistant_screen_but_the_crowded_is_under_the_raw_target() -> None:
    """The screens the target holds for, named, so a fixture that stops being treatment-resistant
    (and so leaves the loop above) is noticed."""
    under = {(s.fixture, s.hook) for s in SCREENS if s.trd and s.raw < RAW_TARGET}
    assert under == {
        ("trd_meets_tms", "patient-view"),
        ("bipolar", "patient-view"),
        ("epilepsy_contraindication", "patient-view"),
        ("psychotic_features", "patient-view"),
        ("tms_already_referred", "patient-view"),
        ("ccda_chart", "patient-view"),
        # Review 19 I7: at an order hook the TMS card shows only once every payer criterion is
        # met; this chart's two are not, so the screen is the repeat card alone.
        ("order_select_failed_class", "order-select"),
    }
    assert not CROWDED & under and not CAVEAT_OVER_TARGET.keys() & under


def test_the_typical_trd_chart_meets_the_target() -> None:
    (s,) = [x for x in SCREENS if (x.fixture, x.hook) == ("trd_meets_tms", "patient-view")]
    assert s.topics == ["optimize-switch-augment", "tms-referral"]
    assert s.cards <= CARDS_TARGET and s.raw < RAW_TARGET
    before_cards, before_raw, before_read = BEFORE[("trd_meets_tms", "patient-view")]
    assert s.read < before_read / 1.9 and s.raw < before_raw / 2


@pytest.mark.parametrize("s", SCREENS, ids=lambda s: f"{s.fixture}-{s.hook}")
def test_each_evidence_section_appears_once_a_screen(s: Screen) -> None:
    text = "\n".join(s.details)
    assert text.count("| Drug |") <= 1
    assert text.count("**Maudsley staging**") <= 1
    assert text.count("**Scores (latest first):**") <= 1
    # Where a card left them out, it says where they are, in one line.
    for detail in s.details:
        assert detail.count("**Trials and scores:**") <= 1


def _record(s: S.Scenario) -> PatientRecord:
    return build_record(
        s.resources, as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping
    )


def test_what_left_the_cards_is_in_the_referral_summary_and_on_the_timeline() -> None:
    """No fact lost: every cell of the trials table the cards no longer show is in the TMS
    referral summary (linked from the TMS card), the doses, adherence and weeks are on the
    timeline, and the Maudsley staging stays on the TMS card."""
    s = S.trd_meets_tms()
    record = _record(s)
    facts = derive_facts(record, Policy())
    packet = html.unescape(render_packet(record, Policy()))
    timeline = render_page(record)
    for trial in facts.episode_trials:
        for cell in (
            trial.ingredient,
            cards.dose_path(trial),
            cards.adherence_text(trial),
            cards.verdict_text(trial, Policy().mapping),
        ):
            assert cell in packet, cell
        assert f"PDC {round((trial.adherence.pdc or 0) * 100)} %" in timeline
        assert cards.fmt_weeks(trial.weeks_at_adequate_dose) in timeline
    for score in record.phq9():  # the severity history, every score with its date
        flat = re.sub(r"<[^>]+>|\s", "", packet)
        assert f"{day_text(score.date)}PHQ-9{score.value}".replace(" ", "") in flat
    screen_cards = {r.topic: r for r in patient_view(record, Policy())}
    assert "**Maudsley staging** (" in screen_cards["tms-referral"].detail
    assert "**Staging:** TMS referral card." in screen_cards["optimize-switch-augment"].detail


# --- one card per concern ------------------------------------------------------------------------


def test_an_underdosed_trial_gets_one_card() -> None:
    (s,) = [x for x in SCREENS if (x.fixture, x.hook) == ("underdosed_trial", "patient-view")]
    assert s.topics == ["optimize-switch-augment"]
    (detail,) = s.details
    assert "citalopram 10 mg/day for 12 weeks so far is below the adequate range" in detail


def test_psychotic_features_appear_once() -> None:
    (s,) = [x for x in SCREENS if (x.fixture, x.hook) == ("psychotic_features", "patient-view")]
    assert s.topics == ["optimize-switch-augment"]
    text = "\n".join(s.details)
    assert text.count("**Psychotic features:**") == 1
    assert "Why no TMS referral:** psychotic" not in text


def test_a_missing_tsh_is_information_not_a_warning() -> None:
    (s,) = [x for x in SCREENS if (x.fixture, x.hook) == ("statement_only_history", "patient-view")]
    (card,) = [
        c
        for c in s.result.response.cards
        if c.source.topic is not None and c.source.topic.code == "diagnosis-review"
    ]
    assert card.indicator == "info"
    assert card.summary.startswith("No TSH in 365 days")
    assert "consider one if clinically indicated" in (card.detail or "")


def _draft(s: S.Scenario, rxcui: str, display: str, units: float = 1) -> dict[str, Any]:
    return b.medication_request(
        rxcui, display, s.as_of, units, "tablet", status="draft", patient=s.patient_id,
        text=f"{display}: take {units:g} daily", id=b.make_id(s.name, "draft", rxcui),
    )  # fmt: skip


def test_no_tms_card_on_a_renewal_of_the_current_drug() -> None:
    s = S.trd_meets_tms()
    renewal = _draft(s, "808748", "venlafaxine 225 MG Extended Release Oral Capsule")
    switch = _draft(s, "993541", "bupropion hydrochloride 150 MG Extended Release Oral Tablet")
    # The TMS card at an order hook while a payer criterion is not met (this chart's PHQ-9 is
    # not severe) only with the policy saying so (review 19 I7); the renewal keeps it off anyway.
    everywhere = Policy(tms_card_when_payer_criteria_unmet=True)
    for draft, tms in ((renewal, False), (switch, True)):
        record = build_record(
            s.resources, as_of=s.as_of, patient_id=s.patient_id, policy=Policy().mapping,
            draft_orders=[draft],
        )  # fmt: skip
        assert record.draft_orders, draft["medicationCodeableConcept"]
        topics = [r.topic for r in order_hook(record, everywhere, hook="order-select")]
        assert ("tms-referral" in topics) is tms, (draft["id"], topics)
        default = [r.topic for r in order_hook(record, Policy(), hook="order-select")]
        assert "tms-referral" not in default, (draft["id"], default)


# --- override reasons and the snooze fingerprint ----------------------------------------------------


def _reasons(rec: Recommendation) -> set[str]:
    return {r.display for r in rec.override_reasons}


def test_the_override_reasons_the_review_asked_for() -> None:
    found = {r.topic: r for r in patient_view(_record(S.trd_meets_tms()), Policy())}
    assert {"Current trial responding", "Too early to judge", "Prefers ECT / esketamine"} <= (
        _reasons(found["optimize-switch-augment"])
    )
    assert {
        "Payer criteria not met",
        "Current trial responding",
        "Too early to judge",
        "Prefers ECT / esketamine",
    } <= _reasons(found["tms-referral"])


def _keys(record: PatientRecord) -> dict[str, str | None]:
    return {r.topic: r.evidence_key for r in patient_view(record, Policy())}


def test_the_snooze_fingerprint_changes_with_new_evidence_only() -> None:
    base = f.trd_record()
    keys = _keys(base)
    pathway = screen.evidence_key(derive_facts(base, Policy()))
    assert keys["tms-referral"] == pathway
    # The fixture's PHQ-9s are totals only: the optimise card carries "PHQ-9 item 9 not
    # recorded", so that PHQ-9 is in its fingerprint too (review s21 RE W1: a snooze given before
    # the line was on the card does not hide it).
    assert keys["optimize-switch-augment"] not in (None, pathway)
    assert set(keys.values()) == {pathway, keys["optimize-switch-augment"]}
    assert all(len(k or "") == 16 for k in keys.values())
    # A PHQ-9 in the same band (moderately severe): the same evidence, the same fingerprint.
    same_band = dataclasses.replace(base, scores=(*base.scores, f.score(16, date(2024, 6, 1))))
    assert _keys(same_band)["tms-referral"] == keys["tms-referral"]
    # A PHQ-9 in another band (severe: L37086's threshold) changes it.
    severe = dataclasses.replace(base, scores=(*base.scores, f.score(21, date(2024, 6, 1))))
    assert _keys(severe)["tms-referral"] != keys["tms-referral"]
    # So does a new failed trial.
    third = f.trial("mirtazapine", "NaSSA", start=date(2023, 8, 7), mg=30, min_mg=30, max_mg=60)
    more = dataclasses.replace(base, trials=(*base.trials, third))
    assert _keys(more)["optimize-switch-augment"] != keys["optimize-switch-augment"]
    # Cards never snoozed carry none.
    item9 = dataclasses.replace(base, scores=(f.score(17, date(2024, 5, 27), item9=1),))
    risk = [r for r in patient_view(item9, Policy()) if r.topic == "suicide-risk"]
    assert risk and risk[0].evidence_key is None and risk[0].indicator is Indicator.CRITICAL


# --- sources: what the card evaluates, linked once a screen ---------------------------------------


@pytest.mark.parametrize("payer", sorted(builtin_rule_sets()))
def test_the_tms_card_source_is_the_payer_rule_set_it_evaluates(payer: str) -> None:
    """The TMS card's source names the rule set its criteria are judged against (the clinic's
    `payer_criteria`), never another LCD; the detail names it and does not repeat its URL."""
    rule_set = builtin_rule_sets()[payer]
    found = {
        r.topic: r for r in patient_view(_record(S.trd_meets_tms()), Policy(payer_criteria=payer))
    }
    tms = found["tms-referral"]
    assert (tms.source.label, tms.source.url) == (
        f"{rule_set.name}: {rule_set.title}",
        rule_set.url,
    )
    # Named as the clinic's rule set, its source named (review 19 I8).
    named = f"rule set, from {rule_set.name}"
    assert f"{named})" in tms.detail or f"{named};" in tms.detail
    assert rule_set.url not in tms.detail
    others = [r for key, r in builtin_rule_sets().items() if key != payer]
    for other in others:  # no other payer set is named or linked as if it were evaluated
        assert other.url not in tms.detail and other.name not in tms.detail + tms.source.label


def test_a_guideline_another_card_has_as_its_source_is_named_not_linked() -> None:
    """On the typical screen the optimise card's source is CANMAT 2023: the TMS card names CANMAT
    2023 without its URL (the optimise card's source link is the same click). Alone, the TMS
    card links it."""
    record = _record(S.trd_meets_tms())
    ctx = build_context(record, Policy())
    alone = tms_referral.rule(ctx)
    optimise = optimize_switch_augment.rule(ctx)
    assert alone is not None and optimise is not None
    canmat = optimise.source.url
    assert canmat == "https://pmc.ncbi.nlm.nih.gov/articles/PMC11351064/"
    assert "**Guideline:** [CANMAT 2023](" + canmat + ")." in alone.detail
    assert screen.source_links_once([alone]) == (alone,)
    _, together = screen.source_links_once([optimise, alone])
    assert "**Guideline:** CANMAT 2023." in together.detail and canmat not in together.detail
    assert together.detail == alone.detail.replace(f"[CANMAT 2023]({canmat})", "CANMAT 2023")
    # A link to the card's own source stays a link nowhere, and other links are kept.
    assert "[Fekadu 2018](https://doi.org/10.1186/s12888-018-1679-x)" in together.detail
    (s,) = [x for x in SCREENS if (x.fixture, x.hook) == ("trd_meets_tms", "patient-view")]
    assert s.details[1] == together.detail


# --- switch options the clinic can prescribe (policy drug_market) ---------------------------------


def _switch_line(fixture: Callable[[], S.Scenario], policy: Policy) -> str:
    found = {r.topic: r for r in patient_view(_record(fixture()), policy)}
    (line,) = [
        x
        for x in found["optimize-switch-augment"].detail.split("\n\n")
        if x.startswith("**Switch:**")
    ]
    return line


def test_options_not_marketed_in_the_clinics_market_are_neither_offered_nor_named() -> None:
    # Default: a US clinic. Mianserin and agomelatine (CANMAT 2023 first line; Table 3.3: not
    # marketed in Canada or the US) are not options, and not named either (review 19 I8: the
    # clause "CANMAT also lists ..." was noise at a US site).
    us = _switch_line(S.trd_meets_tms, Policy())
    assert us.endswith("NaSSA: mirtazapine; serotonin modulator: vortioxetine, vilazodone.")
    assert "mianserin" not in us and "agomelatine" not in us and "CANMAT also lists" not in us
    # Milnacipran is marketed in the US (not in Canada) but labelled there for fibromyalgia only:
    # listed, and never without saying it would be off-label for depression.
    us_milnacipran = _switch_line(S.medication_reference, Policy())
    assert "levomilnacipran, milnacipran (off-label); NDRI" in us_milnacipran
    assert us_milnacipran.count("milnacipran (") == 1  # levomilnacipran is labelled for MDD
    # A Canadian clinic: milnacipran is left out too, unnamed.
    canada = _switch_line(S.medication_reference, Policy(drug_market="Canada"))
    assert "levomilnacipran; NDRI" in canada
    assert "milnacipran," not in canada and "agomelatine" not in canada
    # "any": every CANMAT option listed, each unavailable one with its note (no clause).
    anywhere = _switch_line(S.trd_meets_tms, Policy(drug_market="any"))
    assert "NaSSA: mirtazapine, mianserin (not marketed in Canada/US)" in anywhere
    assert "melatonergic: agomelatine (not marketed in Canada/US)" in anywhere
    anywhere_snri = _switch_line(S.medication_reference, Policy(drug_market="any"))
    assert "milnacipran (not marketed in Canada; off-label in the US); NDRI" in anywhere_snri
    assert "CANMAT also lists" not in anywhere


def test_the_drug_market_is_checked_at_start() -> None:
    assert load_policy({}).drug_market == "US"
    assert load_policy({"drug_market": "Canada"}).drug_market == "Canada"
    with pytest.raises(ValidationError):
        load_policy({"drug_market": "USA"})  # a typo never silently lists everything
