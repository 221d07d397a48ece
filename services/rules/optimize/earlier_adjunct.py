"""An earlier course of the adjunct proposed, named beside it (review K73a finding 9, fix adj76).

A stopped aripiprazole order of 2023-02-01 (a four-week course, ended, not failed) was not named
when aripiprazole was proposed again: a failed course is named as the same mechanism
(orders.same_mechanism_note), an ended one that was no fair test was not. As earlier_course.py
names an earlier response to an antidepressant, the prescriber sees when the drug was taken,
at what dose and whether it was a fair test ("aripiprazole 5 mg/day 2023-02 to 2023-03, 4 weeks:
not an adequate trial (too short)"), and may ask why it stopped before choosing it again."""

from __future__ import annotations

from fhir_mapping.record import Trial
from fhir_mapping.trial_parts import Verdict
from services.card_format import fmt_weeks, plural
from services.rules.context import RuleContext
from services.rules.optimize.wording import dose_text


def _verdict(trial: Trial) -> str:
    """How the course was judged, in the words the trial table uses."""
    if trial.verdict is Verdict.INADEQUATE:
        why = ", ".join(str(r).replace("-", " ") for r in trial.reasons)
        return "not an adequate trial" + (f" ({why})" if why else "")
    if trial.verdict is Verdict.ADEQUATE:
        outcome = (
            "" if trial.response is None else (", responded" if trial.response else ", no response")
        )
        return "an adequate trial" + outcome
    return "not counted as a trial"


def note(ctx: RuleContext, ingredient: str) -> str:
    """ "earlier course: aripiprazole 5 mg/day 2023-02 to 2023-03, 4 weeks: not an adequate
    trial (too short)" for the latest ended course of `ingredient`; "" without one (nearly every
    chart)."""
    ended = [t for t in ctx.record.trials if t.ingredient == ingredient and not t.ongoing]
    if not ended:
        return ""
    t = max(ended, key=lambda t: t.end)
    weeks = plural(fmt_weeks(round((t.end - t.start).days / 7)), "week")
    return (
        f"earlier course: {dose_text(t)} {t.start.isoformat()[:7]} to {t.end.isoformat()[:7]}, "
        f"{weeks}: {_verdict(t)}"
    )
