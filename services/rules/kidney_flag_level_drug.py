"""patient-view: a creatinine the lab flags high while a drug dosed by its level runs, and no eGFR
to place a renal band (labs31 item 5: lithium running, creatinine 250 umol/L flagged H, no eGFR:
no card, as the renal card reads the eGFR, a coded CKD stage or dialysis only).

Which drugs: those the level table monitors (data/level_monitoring.csv: lithium) that the renal
table says to avoid in a band (data/renal_doses.csv action avoid, warning: lithium "not
recommended in severe renal impairment"). Which creatinine: the latest recent one
(policy.lab_recent_days) flagged high by the lab, by its interpretation code, a flag written
after a text value, or above the high end of its own referenceRange (fhir_mapping/labs.py reads
all three into the flag); the value itself is never compared with a number of this service
(data/lab_ranges.csv creatinine: never compared). An eGFR drawn before that creatinine, or older
than lab_recent_days, is no current reading and does not stop the card (review s29 K19b finding
3), unless the renal card speaks on it. The card asks for a clearance estimate before
the drug goes on; it is the renal card's topic and never shows beside it (that card needs a
kidney reading, this one its absence).
"""

from __future__ import annotations

from fhir_mapping.record import LabResult, Trial
from services import cards, lab_safety, level_monitoring, renal_doses, renal_table, screen
from services.egfr_reading import Egfr
from services.recommendation import Indicator, Recommendation
from services.rules import running_renal
from services.rules.context import RuleContext

TOPIC = "running-drug-renal"
_TEST = "creatinine"


def _watched(trial: Trial) -> bool:
    name = trial.ingredient
    return level_monitoring.interval_for(name) is not None and any(
        row.ingredient == name and row.action == "avoid" and row.indicator is Indicator.WARNING
        for row in renal_table.rows()
    )


def _stale_egfr(ctx: RuleContext, creatinine: LabResult) -> Egfr | None:
    """The eGFR the renal check reads, when it is not a current reading beside this creatinine:
    drawn before it, or older than policy.lab_recent_days (review s29 K19b finding 3: a normal
    eGFR of 2025 hid a creatinine flagged high in 2026). None when the reading is current or is
    not an eGFR, or when the renal card already speaks on it (one card of the topic)."""
    found = renal_doses.reading(ctx.record, ctx.policy)
    if not isinstance(found, Egfr) or (found.recent and found.lab.date >= creatinine.date):
        return None
    return None if running_renal.rule(ctx) is not None else found


def _no_egfr(old: Egfr | None) -> str:
    if old is None:
        return "no eGFR on record to place a renal band"
    return (
        f"the latest eGFR ({lab_safety.text(old.lab)}) is older than this creatinine, so it "
        "does not place a current renal band"
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    record = ctx.record
    running = [t for t in record.trials if t.ongoing and t.on_hold is None and _watched(t)]
    if not running:
        return None
    lab = lab_safety.latest(record, _TEST)
    if lab is None or lab.flag != "high" or not lab_safety.is_recent(record, ctx.policy, lab):
        return None
    old = _stale_egfr(ctx, lab)
    if renal_doses.reading(record, ctx.policy) is not None and old is None:
        return None
    drugs = sorted({t.ingredient for t in running})
    names = " and ".join(drugs)
    said = lab_safety.text(lab)
    flagged = "flagged critical high" if lab.critical else "flagged high"
    summary = cards.fit_summary(
        f"Kidney function abnormal (creatinine {said.split(' on ')[0]} {flagged}) with {names} "
        f"running: estimate clearance before continuing {names}",
        f"Kidney function abnormal (creatinine {flagged}): estimate clearance before "
        f"continuing {names}",
    )
    rows = [r for r in renal_table.rows() if r.ingredient in drugs and r.action == "avoid"]
    labels = "; ".join(f"{r.ingredient}: {r.says} ({r.cite})" for r in rows)
    detail = (
        f"**Creatinine {said}**, {flagged} by the lab, while {names} runs, and {_no_egfr(old)}. "
        f"{labels}. Estimate creatinine clearance (or ask for an eGFR) "
        f"and check the {names} level before continuing it; the value is the lab's call, not "
        "compared with a line here."
    )
    card = cards.make(TOPIC, summary=summary, detail=detail, indicator=Indicator.WARNING)
    key = screen.pairs_key([f"creatinine|{lab.date.isoformat()}|{lab.value}|{lab.flag}", names])
    return screen.with_fields(card, evidence_key=key)
