"""The switch list's line for an antidepressant running for another stated reason (duloxetine for
fibromyalgia: not a trial; review 12 recheck part 2 #2): named beside the options, never used to
drop one.

Apart from switch.py because it reads a course the depression pathway does not count, apart from
which options the list holds.
"""

from __future__ import annotations

from fhir_mapping.record import InadequacyReason, Role, Trial, Verdict
from services import trial_dates, trial_indication
from services.order_doses import trial_dose
from services.rules.context import RuleContext


def other_use_lines(ctx: RuleContext) -> list[str]:
    """An antidepressant running for another stated reason (duloxetine for fibromyalgia: not a
    trial, so not in facts.ongoing_trials) is named on the switch list (review 12 recheck part 2
    #2: "SNRI: venlafaxine, ..." was offered beside a running duloxetine 60 mg/day with no word):
    "Duloxetine 60 mg/day running since 2023-01-09, ordered for Fibromyalgia (M79.7): not counted
    as a depression trial; an SNRI (duloxetine) is already running at an antidepressant dose:
    another SNRI would be a second one beside it." Said, not used to drop options: which drug to
    keep is the prescribers' decision (the pain or the depression prescriber)."""
    lines = []
    for t in _running_for_other_use(ctx):
        why = trial_indication.other_use_text(t) or "not counted as a depression trial"
        low, mg = t.min_adequate_mg, t.current_mg_per_day
        at = (
            " at an antidepressant dose" if low is not None and mg is not None and mg >= low else ""
        )
        named, since = trial_dates.dose_since(t, trial_dose(t))
        running = f"{named} running {since}"
        lines.append(
            f"{running[:1].upper()}{running[1:]}, {why}; {_a(t.drug_class)} is already "
            f"running{at}: another {t.drug_class} would be a second one beside it."
        )
    return lines


def _a(drug_class: str) -> str:
    """ "an SNRI", "a TCA", "a NaSSA", "a serotonin modulator": an acronym read letter by letter
    takes "an" before a letter said with a vowel sound."""
    vowel = drug_class[:1] in "AEFHILMNORSX" if drug_class.isupper() else drug_class[:1] in "aeiou"
    return f"{'an' if vowel else 'a'} {drug_class}"


def _running_for_other_use(ctx: RuleContext) -> list[Trial]:
    return [
        t
        for t in ctx.record.trials
        if t.ongoing
        and t.role is Role.ANTIDEPRESSANT
        and t.verdict is Verdict.NOT_A_TRIAL
        and InadequacyReason.OTHER_INDICATION in t.reasons
    ]
