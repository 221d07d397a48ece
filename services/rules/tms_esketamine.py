"""Esketamine running beside a TMS referral, named on the TMS card (review s21 RF finding 6).

Sixteen Spravato sessions on the MAR or as HCPCS G2083, the last a week ago, and the TMS card read
"consider TMS referral" with no word of them: the TMS service and the payer would learn of the
overlap only later (some payers require no concurrent ketamine or esketamine: Ambetter CP.BH.200,
REFERENCE.md 3.3; the default rule set, LCD L37086, has no such criterion). Past its judging window
the card is not held by it: whether the course stops, or TMS waits, is for the prescriber, the TMS
service and the payer; inside it the referral waits (tms_course_judging.py, fix tms48). It
names the course: its sessions and the last one's date, read by the one rule that says whether a
clinic-given drug runs (services/clinic_courses.py), or the order's start when no session is on
record.
"""

from __future__ import annotations

from services import clinic_courses
from services.rules.context import RuleContext


def esketamine_line(ctx: RuleContext) -> str:
    """The running esketamine course as the TMS card's line, or "" when none runs."""
    lines = []
    for ingredient in clinic_courses.INGREDIENTS:
        course = clinic_courses.course(ctx.record, ctx.policy, ingredient)
        if course is None or not course.running:
            continue
        given = course.text()
        if not given:  # an open order, no session on record yet
            order = next(
                (t for t in ctx.record.trials if t.ingredient == ingredient and t.ongoing), None
            )
            since = f" since {order.start.isoformat()}" if order is not None else ""
            given = f"{ingredient} ordered{since}, no session on record"
        lines.append(given)
    if not lines:
        return ""
    return (
        f"**Esketamine running:** {'; '.join(lines)}. TMS would overlap it: tell the TMS service, "
        "and check the payer's rule on concurrent ketamine or esketamine (some require it "
        "stopped during TMS, e.g. Ambetter CP.BH.200)."
    )
