"""What a hook call answers when data the service requires could not be had (review K51b finding 2).

The rule lives here, for both the HTTP path (cds_hooks/runner.py) and offline evaluation
(cds_hooks/offline.py): when a required prefetch key (services/catalog.py `required`) could not be
read, the CDS Hooks answer is a 412 (the spec's answer when required data cannot be obtained), and
the EHR shows nothing. But when the data in hand already gives a critical suicide-risk card (a PHQ-9
item 9 = 2 in the prefetch beside a `conditions` key the EHR could not fill), a 412 hides that
card: the less safe answer. Then the call is answered with that card alone, its detail naming the
missing key and that the other cards are withheld until it can be read. No other card is shown:
the TMS referral, the optimise/switch/augment and the trial cards rest on the missing data (a
missing `conditions` may hold bipolar disorder or epilepsy; missing `medicationRequests` the
trials themselves). With no such card, the 412 stands as before.

Why only the critical suicide-risk card: it acts on what is in hand (an answer to item 9, a
self-harm visit), and what is missing cannot make it wrong, only add to it; every other card is a
conclusion the missing data could overturn.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from fhir_mapping.request_resources import has_own_resource
from services.evaluation import Evaluation, HookInput, screen_without
from services.policy import Policy
from services.recommendation import Indicator, Recommendation
from services.rules.suicide_risk import TOPIC as SUICIDE_RISK


def may_hold_signal(call: HookInput) -> bool:
    """Whether the data in hand can give a suicide-risk card at all: something of the patient's
    own. When every read failed (or the server does not know the patient), the rules are not run
    on nothing: the 412 stands at once."""
    return call.patient_id is not None and has_own_resource(call.resources, call.patient_id)


def safety_only(
    evaluation: Evaluation, policy: Policy, missing: Mapping[str, str]
) -> Evaluation | None:
    """The evaluation cut to its critical suicide-risk card, said to stand alone because of the
    `missing` required keys (key -> why, the service's own words); None when it has no such card
    (the call answers 412)."""
    if not any(_critical_risk(r) for r in evaluation.recommendations):
        return None
    # The screen composed again without the other topics, so the card kept never points to a
    # card that is not shown ("trials on the TMS referral card"): screen_without's reason to be.
    hidden = {r.topic for r in evaluation.recommendations} - {SUICIDE_RISK}
    kept = [r for r in screen_without(evaluation, policy, hidden) if _critical_risk(r)]
    if not kept:
        return None
    cards = tuple(_with_withheld_line(r, missing) for r in kept)
    # hook None: a screen made here, not by the rules; snoozes only filter it (a critical card
    # is never snoozed anyway: Recommendation.snoozable).
    return dataclasses.replace(evaluation, recommendations=cards, hook=None, selections=())


def _critical_risk(recommendation: Recommendation) -> bool:
    return recommendation.topic == SUICIDE_RISK and recommendation.indicator == Indicator.CRITICAL


def _with_withheld_line(
    recommendation: Recommendation, missing: Mapping[str, str]
) -> Recommendation:
    keys = "; ".join(f"`{key}` ({why})" for key, why in sorted(missing.items()))
    line = (
        f"**Required data not read:** {keys}. This card rests on the data that was read; the "
        "other cards of this service are withheld until the missing data can be read."
    )
    return dataclasses.replace(recommendation, detail=f"{recommendation.detail}\n\n{line}")
