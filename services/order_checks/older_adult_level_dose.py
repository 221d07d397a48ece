"""A drafted dose above the label's older-adult range of a drug dosed by level (s26 item 3):
data/older_adult_level_doses.csv (nortriptyline: "Elderly Patients 30 to 50 mg/day", optimal
responses at plasma levels of 50-150 ng/mL; Pamelor label).

At patient-view the optimise card says it (older_adult_levels.py, older_adult_level_reading.py):
a raise waits for a level, and a level on record says whether the dose is enough. A NEW
nortriptyline 75 mg/day draft for a patient aged 70 said nothing of it at order-select or
order-sign: nortriptyline has no older-adult maximum (the label's range lies below the adequate
75 mg/day, so it cannot be one: older_adult_levels.py), so no dose or age card spoke, only the
Beers anticholinergic card.

Now a draft above the top of the label's older-adult range, for a patient at or above the row's
age, gets a warning carrying that line:
- a drug not running now (a new start): the label's range and levels, and to start within the
  range and go above it only by a level (and an ECG); a level on record measured another course
  and is not used;
- a change of a running course: judged by the level on the current dose as at patient-view
  (older_adult_level_reading.for_trial: below the range a raise may be considered with an ECG;
  within it no raise is needed; above it, lower the dose; none, a level first).

A warning, never critical: the label says "clinical findings should predominate over plasma
concentrations", and the prescriber may have one the record does not show. A draft within or
below the label's range, a dose not read, or a dose per session is left alone (nothing above the
range to say). Not snoozable: a check of one order.
"""

from __future__ import annotations

from fhir_mapping.record import DoseBasis, DraftOrder
from services import cards, older_adult_level_reading, older_adult_levels
from services.order_checks.model import OrderCheck
from services.order_doses import draft_dose
from services.rules.context import RuleContext

TOPIC = "order-older-adult-level-dose"


def level_dose_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """The warning of a draft above the label's older-adult range of a level-dosed drug, or
    None (module docstring)."""
    mg = draft.mg_per_day_upper  # a ranged draft at its upper end: the patient may take that much
    age = ctx.record.patient.age
    row = older_adult_levels.for_patient(draft.ingredient, age)
    if row is None or age is None or draft.dose_basis is not DoseBasis.DAILY or mg is None:
        return None
    if mg <= row.label_high:
        return None
    name, shown, label = draft.ingredient.capitalize(), draft_dose(draft), row.label_range()
    words = row.label_words(age)
    lead = f"{name} {shown} at age {age}: above the label's older-adult {label}"
    running = [t for t in ctx.facts.ongoing_trials if t.ingredient == draft.ingredient]
    if not running:
        detail = (
            f"{name} {shown} starts a drug the patient is not taking now, and {words}. Consider "
            f"starting within {label}: {row.check_words(at_order=True)} At this age the level, "
            "not the mg/day, says whether the dose is enough."
        )
        summary = cards.fit_summary(
            f"{lead}: dosed by level ({row.level_range()})",
            f"{lead}: dosed by level",
            lead,
        )
        return OrderCheck(TOPIC, draft, summary, detail, basis=(row.cite,))
    trial = max(running, key=lambda t: t.start)
    levelled = older_adult_level_reading.for_trial(ctx.record, ctx.policy, trial)
    assert levelled is not None  # the same row applies: for_patient above
    detail = (
        f"{name} {shown} for a patient aged {age}: {words}: {levelled.check_words(at_order=True)}"
    )
    step = levelled.step()
    summary = cards.fit_summary(f"{lead}; {step}", f"{name} {shown} at age {age}: {step}", lead)
    return OrderCheck(TOPIC, draft, summary, detail, basis=(row.cite,))
