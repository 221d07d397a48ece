"""What the optimise card says of one drug's orders by two prescribers (meds57).

- Two prescribers' open orders of the same running drug (fhir_mapping/same_drug_prescribers.py:
  a PCP's sertraline 100 mg/day beside a psychiatrist's 150 mg/day, review K61b s10b): the raise
  is held as text (room.py), the summary asks for the dose taken. If both are taken the dose is
  their sum (250 mg/day, above the 200 top), and a one-click raise would add to it; the dose basis
  stays the later order's (the course reading is unchanged), so the card says which dose it
  counted and asks which is taken.
- Another prescriber's open order a stop did not end (fhir_mapping/other_prescriber.py, meds55
  finding 2): the summary, not only the detail lines, says the drug is to confirm, since the
  summary is what a clinician reads first and its next step is planned as if the drug were not
  taken.
"""

from __future__ import annotations

import re

from fhir_mapping.record import Trial
from fhir_mapping.same_drug_prescribers import SAME_DRUG_DOSE_TO_CONFIRM
from services import cards, maybe_running
from services.rules.context import RuleContext

# The few words of the hold (Room.hold_short): the section and the summary read the raise as
# held by it (dose_first.section, dose_first.summary).
SHORT = "dose to confirm: two prescribers' orders"


def hold(ctx: RuleContext, trial: Trial) -> tuple[str, str] | None:
    """Why the course's raise is text only (the card's sentence, SHORT), or None."""
    said = [
        g.stated
        for g in ctx.record.gaps
        if g.reason == SAME_DRUG_DOSE_TO_CONFIRM and g.stated.startswith(f"{trial.ingredient} ")
    ]
    if not said:
        return None
    return (
        f"{'; '.join(said)}: confirm the dose taken before raising it (if both are taken the "
        "daily dose is their sum); not offered as a ready-to-accept order.",
        SHORT,
    )


def act(trial: Trial) -> str:
    """ "confirm the sertraline dose taken (two prescribers' orders)", the summary's act."""
    return f"confirm the {trial.ingredient} dose taken (two prescribers' orders)"


def confirm_summary(ctx: RuleContext, summary: str) -> str:
    """The card's summary with the drugs another prescriber's open order may keep running
    (maybe_running.STOP_COUNTED, meds55) named to confirm first; `summary` itself without one."""
    names = list(
        dict.fromkeys(
            m.ingredient
            for m in maybe_running.antidepressants(ctx.record)
            if m.counted == maybe_running.STOP_COUNTED
        )
    )
    if not names:
        return summary
    drugs = " and ".join(names)
    tail = f"; confirm {drugs} still taken first"
    # The summary's brackets left out from the last one (the agents of "augment (aripiprazole or
    # brexpiprazole)") before its clauses: the step and the drug to confirm are what must fit.
    shorter = [summary]
    while (cut := _LAST_BRACKET.sub("", shorter[-1], count=1)) != shorter[-1]:
        shorter.append(cut)
    return cards.fit_summary(*[s + tail for s in shorter], cards.fit_with_tail(summary, tail))


# The last bracket of a summary and the space before it.
_LAST_BRACKET = re.compile(r" \([^()]*\)(?=[^()]*$)")
