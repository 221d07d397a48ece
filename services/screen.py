"""One screen a clinician can read (issue 12): the cards of one hook call, taken together.

Each rule builds a card that is complete on its own (and tested so). Shown together, the trials
table, the scores and the Maudsley staging would repeat on every card that rests on them. This
post-pass, run once per hook call on the ordered recommendations, keeps each evidence section
(recommendation.Evidence) on one card, the one where the decision is made: the first card, in the
order of DECIDES, that carries it. Another card's copy becomes one line naming where it is
("**Trials and scores:** on the TMS referral card; the treatment timeline has every dose and
date."). A copy is left out only when the kept one covers everything it shows (the same trials
and scores or more): no fact is lost from the screen, and each card's timeline link still opens
the whole history.

It also gives every snoozable card its evidence fingerprint (`Recommendation.evidence_key`): the
failed and not tolerated trials of this episode and the band of the latest PHQ-9. A snooze is
stored with the fingerprint of the card it was given on (cds_hooks/store.py), so it ends early
when a new trial fails or a PHQ-9 crosses into another band (Kroenke 2001: the bands are where the
pathway's thresholds sit, PHQ-9 10 for TMS, 20 for a "severe" payer criterion).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Sequence

from services import tables
from services.pathway import PathwayFacts
from services.recommendation import Evidence, Recommendation

# Where the decision is made, first: the card that keeps the evidence. The TMS referral is the
# step the pathway ends on (its criteria rest on the trials and scores), then the card that
# changes the medication, then the reviews. A topic not listed ranks after these, in screen order.
DECIDES = (
    "tms-referral",
    "optimize-switch-augment",
    "adherence-review",
    "psychotherapy",
    "measurement-based-care",
    "diagnosis-review",
)

_NAMES = {"trials": "trials", "scores": "scores", "staging": "staging"}


def _rank(rec: Recommendation, position: int) -> tuple[int, int]:
    try:
        return (DECIDES.index(rec.topic), position)
    except ValueError:
        return (len(DECIDES), position)


def _owners(recs: Sequence[Recommendation]) -> dict[str, int]:
    """Evidence key -> index of the card that keeps it."""
    owners: dict[str, int] = {}
    order = sorted(range(len(recs)), key=lambda i: _rank(recs[i], i))
    for i in order:
        for evidence in recs[i].evidence:
            owners.setdefault(evidence.key, i)
    return owners


def _pointer(keys: list[str], owner: Recommendation) -> str:
    what = " and ".join(_NAMES.get(k, k) for k in keys)
    where = tables.topic(owner.topic).display
    return (
        f"**{what[0].upper()}{what[1:]}:** on the {where} card; the treatment timeline has every "
        "dose, date and score."
    )


def _drop(detail: str, block: str) -> str:
    """The detail without one section (sections are joined by a blank line)."""
    for candidate in ("\n\n" + block, block + "\n\n", block):
        if candidate in detail:
            return detail.replace(candidate, "", 1)
    return detail


def _without(rec: Recommendation, moved: list[tuple[Evidence, Recommendation]]) -> Recommendation:
    """The card with the moved sections replaced by one pointer line per owning card, where its
    first moved section stood."""
    detail = rec.detail
    keys: dict[str, list[str]] = {}
    owners: dict[str, Recommendation] = {}
    for evidence, owner in moved:
        mark = f"\x00{owner.topic}\x00"
        if owner.topic in keys:
            detail = _drop(detail, evidence.text)
        else:
            detail = detail.replace(evidence.text, mark, 1)
        keys.setdefault(owner.topic, []).append(evidence.key)
        owners[owner.topic] = owner
    for topic, found in keys.items():
        detail = detail.replace(f"\x00{topic}\x00", _pointer(found, owners[topic]), 1)
    kept = tuple(e for e in rec.evidence if all(e is not m for m, _ in moved))
    return dataclasses.replace(rec, detail=detail, evidence=kept)


def share_evidence(recs: Sequence[Recommendation]) -> tuple[Recommendation, ...]:
    """Each evidence section once per screen (see the module docstring); order unchanged."""
    owners = _owners(recs)
    out = []
    for i, rec in enumerate(recs):
        moved: list[tuple[Evidence, Recommendation]] = []
        for evidence in rec.evidence:
            j = owners.get(evidence.key, i)
            if j == i:
                continue
            kept = next(e for e in recs[j].evidence if e.key == evidence.key)
            if evidence.covers <= kept.covers:
                moved.append((evidence, recs[j]))
        out.append(_without(rec, moved) if moved else rec)
    return tuple(out)


def evidence_key(facts: PathwayFacts) -> str:
    """The fingerprint of the evidence a pathway card rests on: the failed and not tolerated
    trials of this episode (drug and start) and the latest PHQ-9 band. Hashed: the store keeps
    it beside a topic, never patient data in the clear."""
    trials = sorted(
        f"{t.ingredient}@{t.start.isoformat()}"
        for t in facts.failed_trials + facts.intolerant_trials
    )
    latest = facts.latest_phq9
    band = (
        tables.phq9_band(latest.value).band
        if latest is not None and latest.value is not None
        else "none"
    )
    material = ";".join(trials) + "|" + band
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def fingerprint(
    recs: Sequence[Recommendation], facts: PathwayFacts
) -> tuple[Recommendation, ...]:
    """Every snoozable card with the evidence fingerprint its snooze is stored with."""
    key = evidence_key(facts)
    return tuple(dataclasses.replace(r, evidence_key=key) if r.snoozable else r for r in recs)


def compose(recs: Sequence[Recommendation], facts: PathwayFacts) -> tuple[Recommendation, ...]:
    """One hook call's recommendations as one screen: evidence once, fingerprints set."""
    return fingerprint(share_evidence(recs), facts)
