"""Review 19, the b03 minors of item 8: what the suicide-risk card says before any assessment.

The reviewer's chart (qr_item9_positive_twice_unassessed_oracle, from b03): PHQ-9s only as
QuestionnaireResponses (Oracle, US Core PHQ-9 questionnaire), item 9 = 1 on 2026-10-12 (past the
30-day look-back) and again on 2026-11-23; no C-SSRS, no risk-assessment Procedure.
- The older answer's Found line said "not yet assessed: no risk assessment and no later item 9
  answer on record", false: item 9 was answered (1) again on 2026-11-23. The rule that words it
  only looked for a later item 9 = 0 (a re-screen); a later positive answer, from a
  QuestionnaireResponse or an Observation alike, is now named.
- "Treatment while the risk is acute: ECT ... esketamine" stood before any assessment had found
  acute risk. Until one has, the card names them as what follows if it does ("If the assessment
  finds acute risk: ..."), the "Not TMS now" line likewise; an assessment that found high risk
  (a C-SSRS with a plan) keeps them unconditional.
"""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from cds_hooks.offline import evaluate_document
from fhir_mapping.record import SourceRef
from fhir_mapping.suicide_screen import SuicideScreen
from services.policy import Policy
from services.rules import suicide_risk
from tests.services import chart_files
from tests.services import factories as f
from tests.services.helpers import ctx

pytestmark = pytest.mark.real_drug_table

_chart = chart_files.loader(Path(__file__).parent / "review19_item9_charts")
B03 = "qr_item9_positive_twice_unassessed_oracle"
SUICIDE = "suicide-risk"
FALSE_CLAIM = "no later item 9 answer"
ACUTE_HEAD = "**Treatment while the risk is acute:**"
CONDITIONAL_HEAD = "**If the assessment finds acute risk:**"


def _suicide_card(doc: dict[str, Any]) -> dict[str, Any]:
    result = evaluate_document(doc, hook=doc["hook"], as_of=date(2026, 12, 1), policy=Policy())
    cards = {c["source"]["topic"]["code"]: c for c in result.response.to_json()["cards"]}
    card: dict[str, Any] = cards[SUICIDE]
    return card


def _found(detail: str, day: str) -> str:
    return next(line for line in detail.split("\n") if line.startswith("- ") and day in line)


def test_the_older_answer_names_the_later_questionnaire_answer() -> None:
    card = _suicide_card(_chart(B03))
    assert card["indicator"] == "critical"
    older = _found(card["detail"], "on 2026-10-12")
    assert older == (
        "- PHQ-9 item 9 = 1 (several days), total 15 on 2026-10-12: not yet assessed: a later "
        "PHQ-9 item 9 = 1 (several days) on 2026-11-23; no risk assessment on record"
    )
    assert FALSE_CLAIM not in card["detail"]


# Hand-built records (factories.AS_OF 2024-06-03; look-back 30 days): the same rule for answers
# read from Observations.
OLDER = f.AS_OF - timedelta(days=50)
LATER = f.AS_OF - timedelta(days=8)


def _detail(*scores: Any) -> str:
    card = suicide_risk.rule(ctx(f.trd_record(scores=scores)))
    assert card is not None
    return card.detail


def test_a_later_positive_observation_answer_is_named_too() -> None:
    detail = _detail(f.score(15, OLDER, item9=1), f.score(14, LATER, item9=2))
    older = _found(detail, f"on {OLDER.isoformat()}")
    assert older.endswith(
        f"not yet assessed: a later PHQ-9 item 9 = 2 (more than half the days) on "
        f"{LATER.isoformat()}; no risk assessment on record"
    )
    assert FALSE_CLAIM not in detail


def test_with_no_later_item9_answer_the_line_still_says_so() -> None:
    # A later total without item 9 is no item 9 answer: the claim is true here and stays.
    detail = _detail(f.score(15, OLDER, item9=1), f.score(14, LATER))
    assert _found(detail, f"on {OLDER.isoformat()}").endswith(
        "not yet assessed: no risk assessment and no later item 9 answer on record"
    )


def test_before_any_assessment_ect_and_esketamine_are_conditional() -> None:
    detail = _suicide_card(_chart(B03))["detail"]
    assert ACUTE_HEAD not in detail
    (line,) = [s for s in detail.split("\n\n") if s.startswith(CONDITIONAL_HEAD)]
    assert line == (
        f"{CONDITIONAL_HEAD} ECT (CANMAT 2023 para 215) or esketamine nasal spray with an oral "
        "antidepressant (FDA: MDD with acute suicidal ideation or behaviour); neither replaces "
        "hospitalisation when needed."
    )
    # The assessment is the step today, said before them.
    assert detail.index("Change medication or start TMS only after this assessment") < (
        detail.index(CONDITIONAL_HEAD)
    )


def test_an_assessment_that_found_high_risk_names_them_as_today_s_treatment() -> None:
    high = SuicideScreen(
        date=f.AS_OF - timedelta(days=2),
        complete=True,
        positive=("Suicidal thoughts with a specific plan and intent (past month)",),
        history=(),
        negative=(),
        escalate=True,
        source=SourceRef("QuestionnaireResponse", "cssrs-plan"),
        asked_ideation=True,
    )
    record = dataclasses.replace(
        f.trd_record(trials=(f.sertraline_failed(),)), suicide_screens=(high,)
    )
    card = suicide_risk.rule(ctx(record))
    assert card is not None and card.indicator.value == "critical"
    assert ACUTE_HEAD in card.detail
    assert CONDITIONAL_HEAD not in card.detail
