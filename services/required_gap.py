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

Session 37 hooks47 (review K51b): not only the suicide-risk card. Every critical card is kept
when it acts on data in hand and none of the missing keys could make it wrong (missing data can
only add to it): the rule per topic is services/data/required_gap_topics.csv, `withheld_when_missing`
naming the required keys whose absence could overturn the card (then the 412 stands for it).
Every rule that can give indicator "critical" (grep services/ for Indicator.CRITICAL, and
topics.csv), in short (the CSV is the rule; this table only mirrors it: review K56a finding 10):

| topic (rule) | withheld when missing | why |
|---|---|---|
| suicide-risk (rules/suicide_risk*.py) | - | item 9 / self-harm in hand; missing data only adds |
| postpartum-psychosis (rules/postpartum_psychosis.py, order_checks/puerperal_psychosis.py) | conditions | a resolved F53.1 there is the history warning |
| maoi-combination, order-maoi-interaction, drug-interaction, order-drug-interaction, data-quality (MAOI beside an unidentified draft) | - | a stop may be in the orders, but a false critical is the safer error (lead, session 37) |
| running-lithium-level, order-lithium-level, running-drug-level, order-drug-level-high | - | as above: a toxic level with no card is the worse error |
| running-drug-low-sodium, order-low-sodium, running-drug-qtc, order-qtc | - | as above |
| running-drug-allergy, order-not-tolerated | - | as above |
| running-drug-caution | medicationRequests, observations | the running course; pregnancy status (teratogen tier) |
| order-drug-contraindicated, order-drug-caution | observations | pregnancy status sets the teratogen tier |

With the orders missing, a card kept is worded on a record marked `orders_unread` (fix gap48,
review K56a findings 1, 5): a stop day read from statements or fills is only the earliest the
drug was last taken, so a course stopped within the longest washout "may be running" (no firm
"not before" date or "days left": services/washout_exposures.py), and a toxic lithium level
beside a lithium draft is not set aside as an earlier course's (order_checks/lithium.py). For a
patient recorded deceased, the patient-status card is kept beside the critical card (finding 11).

Review K65a finding 2 (fix fetch64): with the orders missing and no fill or statement showing a
partner, a drafted MAOI (phenelzine, linezolid: order_checks/med_list_unread.py) gave no
critical card, so the 412 left the EHR showing nothing beside the most dangerous pairing this
service checks. That check now gives a critical order-maoi-interaction card ("Current medication
orders could not be read: phenelzine (MAOI) not checked against serotonergic drugs; confirm the
medication list"), kept here as any card of that topic is. The spec's 412 ("unable to obtain
required data ... SHALL respond with an HTTP 412": cds-hooks-2.0-service-requirements.tsv row 54)
is set aside for it as for the cards above: a 200 with cards is a valid answer, and a card naming
what could not be checked is safer than a screen that shows nothing. The 412 stays where nothing
useful can be said (a draft of no critical interaction kind, no other critical card).

A critical topic not in the table is withheld (the 412 stands): a new critical rule is kept only
once someone has asked what the missing keys could do to it. A warning or information card is
never kept: the TMS referral, the optimise/switch/augment and the trial cards rest on the missing
data, and a TMS referral is never offered beside a card kept alone.
"""

from __future__ import annotations

import csv
import dataclasses
from collections.abc import Mapping
from functools import cache
from importlib import resources

from fhir_mapping.request_resources import has_own_resource
from services.deceased import TOPIC as STATUS_TOPIC
from services.evaluation import Evaluation, HookInput, screen_without
from services.policy import Policy
from services.recommendation import Indicator, Recommendation

# The prefetch key of the orders (services/catalog.py): a protocol name, not a clinical fact.
ORDERS_KEY = "medicationRequests"


def may_hold_signal(call: HookInput) -> bool:
    """Whether the data in hand can give a suicide-risk card at all: something of the patient's
    own. When every read failed (or the server does not know the patient), the rules are not run
    on nothing: the 412 stands at once."""
    return call.patient_id is not None and has_own_resource(call.resources, call.patient_id)


def safety_only(
    evaluation: Evaluation, policy: Policy, missing: Mapping[str, str]
) -> Evaluation | None:
    """The evaluation cut to its critical cards that the `missing` required keys (key -> why, the
    service's own words) cannot make wrong (required_gap_topics.csv), each said to stand alone;
    None when it has no such card (the call answers 412)."""
    evaluation = _orders_unread(evaluation, policy, missing)
    standing = {r.topic for r in evaluation.recommendations if _kept(r, missing)}
    if not standing:
        return None
    deceased = evaluation.record.patient.deceased
    if deceased:
        # Fix gap48 (review K56a finding 11): the patient-status card ("Patient recorded
        # deceased: check the chart before signing") acts on the Patient resource in hand, which
        # no missing key can overturn, and the critical card kept points to it ("See the
        # patient-status card"): it stays beside that card, never alone (`standing` first).
        standing |= {STATUS_TOPIC}
    # The screen composed again without the other topics, so a card kept never points to a
    # card that is not shown ("trials on the TMS referral card"): screen_without's reason to be.
    hidden = {r.topic for r in evaluation.recommendations} - standing
    kept = [
        r
        for r in screen_without(evaluation, policy, hidden)
        if _kept(r, missing) or (deceased and r.topic == STATUS_TOPIC)
    ]
    if not any(_kept(r, missing) for r in kept):
        return None
    cards = tuple(_with_withheld_line(r, missing) for r in kept)
    # hook None: a screen made here, not by the rules; snoozes only filter it (a critical card
    # is never snoozed anyway: Recommendation.snoozable).
    return dataclasses.replace(evaluation, recommendations=cards, hook=None, selections=())


def _orders_unread(
    evaluation: Evaluation, policy: Policy, missing: Mapping[str, str]
) -> Evaluation:
    """The evaluation run again on its record marked `orders_unread` when the orders key is
    missing (fix gap48, review K56a findings 1 and 5): a stop day read from statements or fills
    is then only the earliest the drug was last taken, so the washout cards give no firm date
    (washout_exposures._orders_unread) and a toxic lithium level beside a lithium draft is not
    called an earlier course's (order_checks/lithium.py): both wrong in the safer direction
    once the orders are read, never in the other. The one place the missing keys are known."""
    if ORDERS_KEY not in missing or evaluation.hook is None:
        return evaluation
    marked = dataclasses.replace(
        evaluation, record=dataclasses.replace(evaluation.record, orders_unread=True)
    )
    return dataclasses.replace(marked, recommendations=screen_without(marked, policy, frozenset()))


def _kept(recommendation: Recommendation, missing: Mapping[str, str]) -> bool:
    """A critical card whose topic the missing keys cannot overturn (a topic not in the table:
    not kept)."""
    if recommendation.indicator != Indicator.CRITICAL:
        return False
    overturned_by = withheld_when_missing().get(recommendation.topic)
    return overturned_by is not None and not overturned_by & missing.keys()


@cache
def withheld_when_missing() -> dict[str, frozenset[str]]:
    """topic -> the required keys whose absence could make its critical card wrong
    (services/data/required_gap_topics.csv)."""
    text = resources.files("services").joinpath("data/required_gap_topics.csv").read_text("utf-8")
    return {
        row["topic"]: frozenset(row["withheld_when_missing"].split())
        for row in csv.DictReader(text.splitlines())
    }


def _with_withheld_line(
    recommendation: Recommendation, missing: Mapping[str, str]
) -> Recommendation:
    keys = "; ".join(f"`{key}` ({why})" for key, why in sorted(missing.items()))
    line = (
        f"**Required data not read:** {keys}. This card rests on the data that was read; the "
        "other cards of this service are withheld until the missing data can be read."
    )
    return dataclasses.replace(recommendation, detail=f"{recommendation.detail}\n\n{line}")
