"""A recent low sodium since normalised, said where SSRIs or SNRIs are proposed (review 10 R13).

The switch list names a sodium below data/lab_safety.csv's line (sodium-low) while it is the
latest result (lab_safety.switch_lines), and the low-sodium card (rules/running_sodium.py) while
an SSRI or SNRI runs. Once a later sodium is back above the line both fall silent, which is right
for a card that asks for a repeat, but a switch list that then proposes an SNRI after a sertraline
that took the sodium to 127 a few weeks ago no longer says it: the recent drug-associated
hyponatraemia is exactly what the prescriber weighs before choosing another drug of those classes.

One line, only when the switch list offers a drug of the row's classes: the latest low sodium
within policy.lab_recent_days (the window the other sodium lines use) that a later comparable
result has since put back above the line, with the SSRI or SNRI running when it was taken, if
any, and the result since. Facts and the row's own warning only ("can lower it again"): no advice
beyond what the row says.

A documented low-sodium reaction (a stop reason, allergy or adverse event naming
hyponatraemia or SIADH, fhir_mapping.intolerance.says_low_sodium) is said too, whatever its date:
the lab window is for a result's currency, but a drug-associated hyponatraemia is a risk factor
for the next drug of those classes however long ago it was (`reaction_line`).
"""

from __future__ import annotations

from fhir_mapping.intolerance import says_low_sodium
from fhir_mapping.record import LabResult, PatientRecord
from services import lab_safety
from services.card_format import record_cite
from services.lab_safety import LabRule
from services.policy import Policy

_CHECK = "sodium-low"
_TEST = "sodium"


def _low_then_normal(
    record: PatientRecord, policy: Policy, rule: LabRule
) -> tuple[LabResult, LabResult] | None:
    """(the latest recent low sodium, the latest comparable sodium, above the line since)."""
    latest = lab_safety.latest_readable(record, _TEST)
    if latest is None or lab_safety.below(rule, latest) or lab_safety.value(latest) is None:
        # Still low (the switch list's own line says it), or the latest is read only by its
        # flag: "since normal" would rest on a value this service did not compare.
        return None
    lows = [
        lab
        for lab in record.context.labs
        if lab.test == _TEST
        and lab.date < latest.date
        and lab_safety.is_recent(record, policy, lab)
        and lab_safety.below(rule, lab)
    ]
    if not lows:  # nearly every chart
        return None
    return max(lows, key=lambda lab: lab.date), latest


def recovered_line(record: PatientRecord, policy: Policy, options: list[str]) -> str | None:
    """The line for a switch list whose `options` ("SNRI: venlafaxine, duloxetine") offer an SSRI
    or SNRI, or None: "Sodium 127 mmol/L on 2025-03-10 on sertraline, 137 mmol/L on 2025-05-19
    since: SSRIs and SNRIs can lower it again." """
    rule = next((r for r in lab_safety.rules() if r.check == _CHECK), None)
    if rule is None or not any(option.startswith(rule.classes) for option in options):
        return None
    found = _low_then_normal(record, policy, rule)
    if found is None:
        return None
    low, since = found
    # The drugs of the row's classes running the day the low sodium was taken.
    on = sorted(
        {
            t.ingredient
            for t in record.trials
            if t.start <= low.date <= t.end and rule.applies_to(t.ingredient, t.drug_class)
        }
    )
    taken_on = f" on {' and '.join(on)}" if on else ""
    classes = " and ".join(f"{c}s" for c in rule.classes)
    return (
        f"Sodium {lab_safety.text(low)}{taken_on} (below {rule.bounds()}), back to "
        f"{lab_safety.text(since)}: {classes} can lower it again."
    )


def reaction_line(record: PatientRecord, options: list[str]) -> str | None:
    """The line for a switch list whose `options` offer an SSRI or SNRI when a low sodium is on
    record as a reaction to a drug, or None: "Low sodium on record as a reaction: sertraline
    (Hyponatremia, 2022-03-20; MedicationRequest/mr-ser): SSRIs and SNRIs can lower it again." """
    rule = next((r for r in lab_safety.rules() if r.check == _CHECK), None)
    if rule is None or not any(option.startswith(rule.classes) for option in options):
        return None
    # Allergies and adverse events (record.intolerances) and stop reasons (each course's own).
    documented = {
        (i.ingredient, i.source): i
        for i in (*record.intolerances, *(t.intolerance for t in record.trials if t.intolerance))
    }
    found = [i for i in documented.values() if says_low_sodium(i)]
    if not found:  # nearly every chart
        return None
    said = "; ".join(
        f"{i.ingredient} ({i.reason}, {i.date.isoformat() if i.date else 'undated'}"
        f"{record_cite(i.source, i.date is not None, '; {}')})"
        for i in sorted(found, key=lambda i: (i.date is None, i.date))
    )
    classes = " and ".join(f"{c}s" for c in rule.classes)
    return f"Low sodium on record as a reaction: {said}: {classes} can lower it again."
