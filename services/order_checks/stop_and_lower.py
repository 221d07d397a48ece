"""A stop and a lower dose of one drug on one order (session 28 leftover 3 of the s27 drafts).

Sertraline 150 mg/day running, one draft stopping it (status stopped, cancelled or on hold:
PatientRecord.draft_stops) and another ordering it at 100 mg/day: the cards read the pair as the
old order ended and the new dose ordered, the drug running on at the lower dose
(draft_tapers.stops_running leaves the stop out beside another draft of its drug; draft_changes.
continues_running reads the lower draft as the course re-ordered). That is one reading of two
drafts that say different things: a prescriber who meant sertraline to end (the stop) and wrote
the lower dose as a first taper step, or who meant a lower dose and stopped the old order, signs
the same order. Nothing said so. The order now carries a data-quality line naming both drafts,
the reading the cards took, and what to do if the other was meant, as the drafted-drug-to-confirm
line of order_checks/doses.carry_not_checked names a draft the checks could not settle (a warning,
the data-quality topic's: the washout and cross-taper cards rest on the reading). A stop beside
the same dose ordered again is a renewal, read so without a line (review s27 K1 finding 1, p18).
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder
from services import cards, draft_tapers, drug_names
from services.order_checks.model import NOT_CHECKED, OrderCheck
from services.order_doses import draft_dose, trial_dose
from services.rules.context import RuleContext
from services.trial_dates import dose_since


def stop_beside_lowering(ctx: RuleContext, selected: Sequence[DraftOrder]) -> list[OrderCheck]:
    """One data-quality finding per selected draft that lowers a running course
    (draft_tapers.lowers_running) while another draft of the order halts the same drug."""
    record = ctx.record
    found = []
    for draft in selected:
        trial = draft_tapers.lowers_running(record, draft)
        stop = next((s for s in record.draft_stops if s.ingredient == draft.ingredient), None)
        if trial is None or stop is None:
            continue
        name = drug_names.shown(draft.ingredient)
        dose = draft_dose(draft)
        # "stopped", "on hold" (DraftTiming.steps_text of a halt), as the draft's status says.
        halt = stop.timing.steps_text() or "stopped"
        verb = "put on hold" if halt == "on hold" else "stopped"
        named, since = dose_since(trial, trial_dose(trial))
        stop_dose = draft_dose(stop) if stop.mg_per_day is not None else ""
        stop_named = f"{name} {stop_dose}".strip()
        summary = cards.fit_summary(
            f"{name.capitalize()} {verb} and lowered to {dose} on one order: read as lowered, "
            "running on; confirm which is meant",
            f"{name.capitalize()} {verb} and lowered to {dose} on one order: confirm which is meant",
            f"{name.capitalize()}: a stop and a lower dose on one order; confirm which is meant",
        )
        detail = (
            f"**A stop and a lower dose of {name} on one order:** one draft has {stop_named} "
            f"{halt}, another orders {name} {dose} ({named}, running {since}). The cards read the "
            f"two as {name} lowered to {dose} and running on, not as a stop (a washout, a "
            f"cross-taper or an interaction counts {name} as still taken). If {name} is to end, "
            f"remove the {name} {dose} draft or write it as a taper to a stop; if the lower dose "
            f"is meant, the {halt} draft only ends the old order."
        )
        found.append(OrderCheck(NOT_CHECKED, draft, summary, detail))
    return found
