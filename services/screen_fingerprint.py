"""The snooze fingerprints of one screen's cards (services/screen.py gives each snoozable card
one): the pathway's evidence (`evidence_key`) and a card's own pairs (`pairs_key`). Apart from
screen.py because they are what a snooze is matched on, not how the screen is laid out.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from fhir_mapping.record import Finding, Trial
from services import tables
from services.pathway import PathwayFacts


def evidence_key(facts: PathwayFacts) -> str:
    """The fingerprint of the evidence a pathway card rests on: the failed and not tolerated
    trials of this episode (drug and start), every other trial of the episode the cards' trials
    table shows (drug and start; a running one with its daily dose) and the latest PHQ-9 band.
    Hashed: the store keeps it beside a topic, never patient data in the clear.

    The other trials and the running doses are in it since review 18b (W2: a new poorly filled
    trial stayed hidden under a snooze of the card that would name it): a trial started, or a
    running dose changed, after a snooze is a statement the snoozed card did not make."""
    trials = sorted(
        f"{t.ingredient}@{t.start.isoformat()}"
        for t in facts.failed_trials + facts.intolerant_trials
    )
    others = sorted(
        f"trial {t.ingredient}@{t.start.isoformat()}"
        + (f" now {running_mg(t)}" if t.ongoing else "")
        for t in facts.episode_trials
    )
    latest = facts.latest_phq9
    band = (
        tables.phq9_band(latest.value).band
        if latest is not None and latest.value is not None
        else "none"
    )
    material = ";".join(trials) + "|" + band + "|" + ";".join(others)
    # The episode's adjuncts and the TMS safety findings (recheck 18b M1, W1): lithium added, or
    # epilepsy coded while a TMS course runs, is a statement the snoozed card did not make ("Adjuncts
    # already used in this episode: lithium"; "Why no TMS referral: contraindication: Epilepsy").
    # Appended only when there are any, so a chart with neither keeps the fingerprint it had.
    extra = sorted({f"adjunct {t.ingredient}@{t.start.isoformat()}" for t in facts.augmentations})
    extra += sorted({_finding_item(f) for f in facts.tms_contraindications + facts.tms_cautions})
    if extra:
        material += "|" + ";".join(extra)
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def _finding_item(f: Finding) -> str:
    """A TMS safety finding as a fingerprint item: its kind, code (or words) and onset."""
    onset = f.onset.isoformat() if f.onset else "?"
    return f"tms {f.kind.value} {f.system or ''}|{f.code or f.display or ''}@{onset}"


def running_mg(trial: Trial) -> str:
    """A running trial's daily dose as a fingerprint item ("40", "20-40", "?" when unread): a
    changed dose is new evidence (review 18b U3)."""
    low, high = trial.current_mg_per_day, trial.current_mg_per_day_high
    if low is None:
        return "?"
    return f"{low:g}" if high is None or high == low else f"{low:g}-{high:g}"


def pairs_key(items: Iterable[str]) -> str:
    """The fingerprint of a card that rests on pairs (a running drug and a finding; two running
    drugs): a hash of its items, in any order, each once. Hashed, as `evidence_key`."""
    material = "\n".join(sorted(set(items)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:16]


def stating_key(own: str | None, facts: PathwayFacts, statements: Iterable[str]) -> str:
    """The fingerprint of a card that says, beside the evidence its key rests on (`own`, else
    the pathway's), a statement about one datum ("phq9:2025-06-16:Observation/..." for "PHQ-9
    item 9 not recorded, ask it first" on the optimise card): a snooze given before that
    statement was on the card does not hide it (review s21 RE W1: a PHQ-9 total in the same band
    left the optimise card's fingerprint as it was, so its snooze hid the item-9 line it now
    carried). Each statement names the datum it is about, so the same statement keeps the key."""
    base = f"own {own}" if own is not None else f"pathway {evidence_key(facts)}"
    return pairs_key([base, *(f"says {s}" for s in statements)])
