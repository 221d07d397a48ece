"""Recheck K11 s28 (fix selfharm4): ED free text, missed risk phrasings, denial shorthand, an
ordinary "took N tablets".

K11's charts (the RC Oracle ED chart, its encounter diagnosis or the clinic visit's reason written
as each phrase; all 19 prefetch keys) in selfharm_k11_charts/:

1. "suicidality", "cut self with razor", "cut her forearm", "threatened to kill herself",
   "threatened suicide", "threatened to cut", "wants to hurt himself", "Intentional OD", "s/p OD",
   "urges to cut", "thoughts of cutting", "passive death wish", "wishes she were dead", "denies
   current SI, past attempt 2015" raised no card (UNSAFE): now the critical card. "Denies
   suicidality" stays quiet. "OD" alone stayed quiet here (the right eye, once daily) until
   session 36 fix text68: a diagnosis or visit reason of that one word is an overdose, the
   safer reading (od_lookalike._BARE_OD); it is now the critical card.
2. "took 3 tabs of tylenol for headache" and its kin (a usual dose, a purpose stated) read as an
   overdose (noise): now nothing (fhir_mapping/self_harm_context.py); a bare "took 3 tablets"
   and "took 3 tablets of her Xanax to sleep" are still read.
3. Denial shorthand ("Neg SI/HI/AVH", "SI: N", "-SI", "(-) SI", "SI -", "SI and HI denied",
   "SI;HI;AVH - all neg") read as SI (noise): now nothing (data/text_negations.csv); "(+) SI",
   "SI +" are read.
4. "cut arm on broken glass" read as self-harm and "Low back pain radiating to SI" as suicidal
   ideation (noise): now nothing.
5. A long text-only display gave "Suicidal ideation () at ...": now "Suicidal ideation at ...".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from fhir_mapping import self_harm_text
from fhir_mapping.diagnosis_text import text_kinds
from fhir_mapping.record import FindingKind
from fhir_mapping.self_harm_text import Reading
from tests.services import chart_files
from tests.services.helpers import Evaluator

pytestmark = pytest.mark.real_drug_table

AS_OF = date(2026, 12, 1)
RISK = "suicide-risk"
_SI = " at the ED visit on 2026-11-25: complete a suicide risk assessment today (e.g. C-SSRS)"
_ACT = (
    "Self-harm or suicide attempt (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "higher suicide risk, assess today"
)
_OVERDOSE = (
    "Overdose, intent not recorded (diagnosis text only: confirm) at the ED visit on 2026-11-25: "
    "assess suicide risk today"
)

_chart = chart_files.loader(Path(__file__).parent / "selfharm_k11_charts")
_by_topic = Evaluator(AS_OF).by_topic


@pytest.mark.parametrize(
    ("name", "summary"),
    [
        # Finding 1: missed phrasings.
        ("dx_suicidality", "suicidality" + _SI),
        ("dx_plus_suicidality", "+ suicidality" + _SI),
        ("dx_cut_self_with_razor", _ACT),
        ("dx_cut_self", _ACT),
        ("dx_cut_her_forearm", _ACT),
        ("dx_threatened_to_kill_herself", "threatened to kill herself" + _SI),
        ("dx_threatened_suicide", "threatened suicide" + _SI),
        ("dx_threatened_to_cut", "threatened to cut" + _SI),
        ("dx_wants_to_hurt_himself", "wants to hurt himself" + _SI),
        ("dx_wants_to_hurt_herself", "wants to hurt herself" + _SI),
        ("dx_intentional_od", _ACT),
        ("dx_s_p_od", _OVERDOSE),
        # Session 36 fix text68: "OD" as the whole text is an overdose (it was a control here).
        ("dx_od", _OVERDOSE),
        ("dx_urges_to_cut", "urges to cut" + _SI),
        ("dx_thoughts_of_cutting", "thoughts of cutting" + _SI),
        ("dx_passive_death_wish", "passive death wish" + _SI),
        ("dx_wishes_she_were_dead", "wishes she were dead" + _SI),
        ("dx_denies_current_si_past_attempt_2015", _ACT),
        # Finding 2's controls: no purpose, or not an ordinary one, is still read.
        ("dx_took_3_tablets", _OVERDOSE),
        ("dx_took_3_tablets_xanax_to_sleep", _OVERDOSE),
        # Finding 3's controls: a plus is no denial.
        ("dx_paren_plus_si", "(+) SI" + _SI),
        ("dx_si_plus", "SI +" + _SI),
        # Finding 5: a long text-only display, no empty parentheses.
        ("dx_long_si_plan_to_overdose", "Suicidal ideation" + _SI),
    ],
)
def test_critical_card_says_what_the_words_say(name: str, summary: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    card = _by_topic(doc)[RISK]
    assert card["indicator"] == "critical"
    assert card["summary"] == summary


@pytest.mark.parametrize(
    "name",
    [
        # Finding 1's negative controls.
        "dx_denies_suicidality",
        # Finding 2: a usual dose for a stated purpose.
        "dx_took_3_tabs_tylenol_for_headache",
        "dx_took_3_tablets_acetaminophen_for_headache",
        "dx_took_4_tabs_ibuprofen_for_back_pain",
        "dx_denies_si_took_3_tablets_ibuprofen_for_knee_pain",
        # Finding 3: denial shorthand.
        "dx_neg_si_hi_avh",
        "dx_si_colon_n",
        "dx_minus_si",
        "dx_paren_minus_si",
        "dx_si_minus",
        "dx_si_and_hi_denied",
        "dx_si_hi_avh_all_neg",
        "clinic_reason_si_hi_avh_all_neg",
        "clinic_reason_si_and_hi_denied",
        # Finding 4: an accident, the sacroiliac SI.
        "dx_cut_arm_on_broken_glass",
        "dx_low_back_pain_radiating_to_si",
    ],
)
def test_no_suicide_risk_card(name: str) -> None:
    doc = _chart(name)
    chart_files.check_chart(doc)
    assert RISK not in _by_topic(doc)


# Words around each fix that must keep their reading (the fixes' negative controls), read
# directly: (text, suicidal ideation read, self-harm reading or None).
@pytest.mark.parametrize(
    ("text", "ideation", "harm"),
    [
        ("wants to cut down on drinking", False, None),
        ("thoughts of cutting back on alcohol", False, None),
        ("no urges to cut", False, None),
        ("neg tox screen with SI", True, None),
        ("Depression - SI", True, None),
        ("SI; HI: denies", True, None),
        ("back pain, SI", True, None),
        ("SI and back pain", True, None),
        ("no past attempts", False, None),
        ("denies SI, no past attempts", False, None),
        ("no history of suicide attempts or self-harm", False, None),
        ("cut self while cooking", False, None),
        ("Suicide attempt vs accidental overdose", False, Reading.STATED),
        ("took 30 tablets of tylenol for headache", False, Reading.INTENT_UNKNOWN),
        ("sertraline 50 mg OD", False, None),
        ("denies wish to be dead", False, None),
    ],
)
def test_words_beside_the_fixes_keep_their_reading(
    text: str, ideation: bool, harm: Reading | None
) -> None:
    said = FindingKind.SUICIDAL_IDEATION in text_kinds(text) or self_harm_text.ideation(text)
    assert said is ideation
    assert self_harm_text.reading(text) is harm


def test_overdose_by_accident_still_states_the_accident() -> None:
    # An event's accident is the verdict's to read (visit_risk.py silences the bare reason
    # "Overdose" beside it): the act-only accident rule must not hide it.
    assert self_harm_text.states_accident("overdose by accident")
