"""Which one-clicks survive a hold: one rule for every hold (review s26 RN finding 6).

Three holds take one-clicks off cards that otherwise stay:
- a step hold: a card that says "X first, then ..." (the TMS card's "ask item 9 first, then
  consider TMS referral", the optimise card's "raise held (item 9 not recorded, ask it first)");
- an inpatient stay in progress (rules/inpatient_hold.py);
- an emergency-department visit in progress (the same module);
- a critical safety card open on the screen (`critical_card_held`: a toxic lithium or tricyclic
  level, a running drug a condition rules out): the TMS referral waits for it (review s26 RK4
  finding 2).
They held unevenly: all 77 TMS cards with "X first" kept the one-click referral while the
optimise card beside them held its drugs for the same X; an ED visit dropped the diagnosis
review's "Order TSH" that a stay kept, by a topic list of its own. Now each suggestion is read as
a kind from what it would create (`kind`: a drug, a referral, a lab, a scale, a suicide
assessment, a draft's removal) and data/hold_survival.csv says, per hold and kind, whether it
stays one click, with the reason. A safety card's suggestions (tier 1 of data/topic_tiers.csv:
the suicide-risk card, a lower dose for an older adult) survive every hold: a safety action is
never deferred. What a held card says instead (the line naming the hold) stays with each hold.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from functools import cache
from importlib import resources
from typing import Any

from services import cards, screen, tables
from services.recommendation import Indicator, Recommendation, Suggestion

STEP = "step"
INPATIENT = "inpatient"
ED = "ed"
CRITICAL_CARD = "critical-card"

SAFETY_TIER = 1
# A request wanted today is an assessment (a same-day psychiatric or suicide risk assessment),
# whatever code it shares with an elective referral (SNOMED 183524004: data/order_codes.csv).
_URGENT = frozenset({"asap", "stat", "urgent"})
_RESOURCE_KINDS = {"MedicationRequest": "drug", "DocumentReference": "referral"}


@cache
def _survives() -> dict[tuple[str, str], bool]:
    text = resources.files("services").joinpath("data/hold_survival.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {(r["hold"], r["kind"]): r["survives"].strip() == "true" for r in rows}


@cache
def _code_kinds() -> dict[tuple[str, str], frozenset[str]]:
    """(system, code) -> the hold kinds of data/order_codes.csv's concepts with that code."""
    found: dict[tuple[str, str], set[str]] = {}
    for row in tables.order_code_rows():
        found.setdefault((row["system"], row["code"]), set()).add(row["hold_kind"])
    return {key: frozenset(kinds) for key, kinds in found.items()}


def _service_request_kind(resource: dict[str, Any]) -> str | None:
    if resource.get("priority") in _URGENT:
        return "assessment"
    codings = (resource.get("code") or {}).get("coding") or []
    for coding in codings:
        kinds = _code_kinds().get((coding.get("system", ""), coding.get("code", "")), frozenset())
        elective = sorted(kinds - {"assessment"}) or sorted(kinds)
        if elective:
            return elective[0]
    return None


def action_kind(action_type: str, resource: dict[str, Any] | None) -> str | None:
    """The kind of one action; None when it cannot be read (then it survives no hold)."""
    if action_type == "delete":
        return "removal"
    if resource is None:
        return None
    rtype = resource.get("resourceType")
    if rtype == "ServiceRequest":
        return _service_request_kind(resource)
    return _RESOURCE_KINDS.get(str(rtype))


def survives(hold: str, topic: str, suggestion: Suggestion) -> bool:
    """Whether `suggestion` on a card of `topic` stays one click under `hold` (module
    docstring). A suggestion with no action (no patient to address it to) or an action of no
    known kind survives no hold: nothing is one click that the rule cannot vouch for."""
    if tables.topic(topic).tier == SAFETY_TIER:
        return True
    if not suggestion.actions:
        return False
    table = _survives()
    return all(
        table.get((hold, action_kind(a.type, a.resource) or ""), False) for a in suggestion.actions
    )


def split(
    hold: str, topic: str, offered: Sequence[Suggestion]
) -> tuple[tuple[Suggestion, ...], tuple[Suggestion, ...]]:
    """(kept, held): `offered` divided by `survives`, each in its order."""
    kept = tuple(s for s in offered if survives(hold, topic, s))
    return kept, tuple(s for s in offered if s not in kept)


def step_held(rec: Recommendation, step: str, back: str = "") -> Recommendation:
    """`rec`, a card whose summary puts `step` first ("ask item 9" first, then consider TMS
    referral), without the one-clicks a step hold takes off, named in a line at the top of its
    detail so the clinician still sees what comes once the step is done; as it is when nothing
    is held. `back`: when the one-click comes back, where not once the step is on record."""
    kept, held = split(STEP, rec.topic, rec.suggestions)
    if not held:
        return rec
    # Each proposal once, by its label's head: the referral and the same referral sent alone
    # ("... (order only, summary not attached)") are one proposal to the reader (audit 17 M4).
    labels = "; ".join(dict.fromkeys(s.label.split(" (")[0] for s in held))
    line = (
        f'**Not one click yet:** {labels}; this card puts "{step}" first, and the one-click comes '
        f"back once {back or 'that is on record'}."
    )
    return screen.with_fields(
        rec,
        suggestions=kept,
        detail=cards.join_sections(line, rec.detail),
        wants_packet=keeps_packet(rec, held),
    )


def keeps_packet(rec: Recommendation, held: Sequence[Suggestion]) -> bool:
    """Whether `rec` still links the referral summary once `held` are off it: the summary a
    held referral attached (a DocumentReference it created) is what the card's criteria and the
    other cards' "Trials and scores" pointers cite, and reading it orders nothing."""
    return rec.wants_packet or any(
        a.type == "create" and (a.resource or {}).get("resourceType") == "DocumentReference"
        for s in held
        for a in s.actions
    )


# The card a critical safety card holds: the TMS referral, an escalation whose one-click sends
# the referral summary (trials and scores), which does not carry the safety card's finding. The
# optimise card's drugs each holding card holds itself, in its own words
# (rules/one_click_hold.py); a psychotherapy referral escalates no drug and sends no summary.
_HELD_BY_CRITICAL = "tms-referral"


def critical_card_held(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the TMS referral's one-clicks off while a critical card of the safety tier
    (data/topic_tiers.csv) is on the screen, not hidden: one rule for every such card, not one
    per card (review s26 RK4 finding 2: beside "Lithium 1.6 mmol/L ...: hold, assess toxicity
    now" the referral stayed one click and its summary would have gone out without the level,
    while the optimise card held its drugs). What stays is data/hold_survival.csv's
    critical-card rows. A line at the top of the detail names the open card; the referral comes
    back once that card is gone (the level repeated below it, the drug stopped). Why hold an
    evaluation referral (the safer choice): the critical card asks for action now on a drug
    running today, and a one-click referral sent beside it endorses escalation as the next act
    before the finding is settled; the cost is one referral ordered by hand."""
    critical = [
        r
        for r in recs
        if r.indicator is Indicator.CRITICAL
        and r.topic not in hidden
        and tables.topic(r.topic).tier == SAFETY_TIER
    ]
    if not critical:
        return list(recs)
    return [_critical_held(r, critical) if r.topic == _HELD_BY_CRITICAL else r for r in recs]


def _critical_held(rec: Recommendation, critical: Sequence[Recommendation]) -> Recommendation:
    kept, held = split(CRITICAL_CARD, rec.topic, rec.suggestions)
    if not held:
        return rec
    labels = "; ".join(dict.fromkeys(s.label.split(" (")[0] for s in held))
    # Named by its finding, the head of its summary ("Nortriptyline level 527 ng/mL on
    # 2026-11-20"), which the clinician sees above: the topic's name is the kind of card.
    named = critical[0].summary.split(": ", 1)[0]
    more = f" (and {len(critical) - 1} more critical card)" if len(critical) > 1 else ""
    line = (
        f'**Not one click yet:** {labels}; the critical card "{named}"{more} comes first '
        "(the referral summary does not carry its finding), and the one-click comes back once "
        "that card is closed."
    )
    return screen.with_fields(
        rec,
        suggestions=kept,
        detail=cards.join_sections(line, rec.detail),
        wants_packet=keeps_packet(rec, held),
    )
