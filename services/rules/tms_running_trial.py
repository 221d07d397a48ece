"""A course still running short of a fair test, named on the TMS card (review K30c finding 2).

Venlafaxine stopped and bupropion 300 mg/day started three weeks before: the optimise card stays
quiet while a current trial has not run long enough to be judged (optimize_switch_augment:
no switch or adjunct on a course before its fair test), and the TMS card, the only card left,
offered the referral without naming the trial running. A psychiatrist deciding on TMS needs to
know a third antidepressant is under way and when it can be judged: >= 6 weeks at an adequate
dose (REFERENCE.md 0 item 2, policy mapping.min_adequate_weeks). The line informs; it does not
hold the referral (two adequate trials have failed, and the referral is an evaluation).
"""

from __future__ import annotations

from fhir_mapping.record import Role
from services.card_format import plural, weeks_text
from services.rules.context import RuleContext
from services.rules.optimize.courses import not_yet_judged
from services.rules.optimize.tapered_and_prn import tapering
from services.rules.optimize.wording import dose_since_text
from services.trial_dates import weeks_at_present_dose


def running_line(ctx: RuleContext) -> str:
    """ "**Trial running, not judged yet:** bupropion 300 mg/day since 2026-11-08 (3 weeks):
    judge it once 6 weeks at an adequate dose are reached (...)", or "" with none."""
    tapered = tapering(ctx)
    # Antidepressant courses only: an adjunct (esketamine sessions, lithium) is no trial the
    # referral counts, and the TMS card names a running esketamine course itself.
    waiting = [t for t in not_yet_judged(ctx) if t.role is Role.ANTIDEPRESSANT and t not in tapered]
    if not waiting:
        return ""
    needed = weeks_text(ctx.policy.mapping.min_adequate_weeks)
    said = "; ".join(
        f"{dose_since_text(t)} ({plural(weeks_at_present_dose(t)[0], 'week')})" for t in waiting
    )
    them = "it" if len(waiting) == 1 else "each"
    return (
        f"**Trial running, not judged yet:** {said}: judge {them} once {needed} at an adequate "
        "dose are reached (this service's adequate trial); the optimise card proposes no switch "
        "or adjunct before then."
    )
