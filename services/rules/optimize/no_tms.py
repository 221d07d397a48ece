"""Why the optimise card proposes no TMS referral once the failed trials would give one: the
blockers on record, or the missing depression diagnosis, and what to discuss instead.

"Discuss ECT or other options with psychiatry" is for adults. Below 18 what the guideline says of
ECT at the patient's age is said instead (data/young_age_treatments.csv: not for depression under
12, and from 12 only for very severe, life-threatening or intractable depression, NICE NG134;
review s25 RA finding 5: an 11-year-old was told to discuss ECT).
"""

from __future__ import annotations

from fhir_mapping.gaps import PREGNANCY_SUBJECTS, describe, subject
from fhir_mapping.record import DataDomain
from services import cards, tms_course, young_age_treatments
from services.rules import populations
from services.rules.context import RuleContext
from services.tms_assessment import depression_in_words, text_only_line
from services.tms_course import TmsCourse

_ADULT_NEXT = "Discuss ECT or other options with psychiatry."


def next_sentence(ctx: RuleContext) -> str:
    """What to discuss instead of TMS: ECT among the options for an adult, or what the guideline
    says of ECT at a minor's age (module docstring; the blocker line already says to decide with
    child and adolescent psychiatry)."""
    row = young_age_treatments.row_for("ect", populations.age(ctx))
    if row is None:
        return _ADULT_NEXT
    return f"{row.said()}."


def section(ctx: RuleContext, named: TmsCourse | None = None) -> str:
    """`named`: the episode's TMS course the card names in its own line (`tms_episode_line`):
    its "brought no response" blocker is not said twice."""
    facts = ctx.facts
    if facts.tms.eligible or len(facts.failed_trials) < ctx.policy.tms_min_failed_trials:
        return ""
    # A depressive disorder other than MDD: optimize/not_mdd.py's first line names it and why no
    # TMS (audit 16 W2); "no depression diagnosis" or "code it F32.x" would be false (W1).
    if facts.depression_finding is None and len(facts.tms.blockers) == 1 and not facts.not_mdd:
        return _no_diagnosis_line(ctx)
    blockers = facts.tms.clinical
    if named is not None and named.response is False:
        said = tms_course.blocker(ctx.record, ctx.policy)
        blockers = tuple(b for b in blockers if b != said)
    if facts.psychotic:
        # Psychotic features appear once (issue 12): the card's own psychotic section already
        # says that TMS policies exclude them and that ECT is preferred.
        blockers = tuple(b for b in blockers if not b.startswith("psychotic features on record"))
    if not blockers:
        return ""
    # Below every TMS clearance (under 15) the age alone is no payer policy's matter: no Medicare
    # LCD is cited for it (review s27 RC finding 7); any other blocker still cites them.
    uncleared = young_age_treatments.tms_uncleared(populations.age(ctx))
    payer = (
        ""
        if uncleared is not None and len(blockers) == 1 and blockers[0] == _age_blocker(ctx)
        else " (LCD L34998/L37086 and payer policies)"
    )
    text = "**Why no TMS referral:** " + "; ".join(blockers) + payer + "."
    # With psychotic features the card's own ECT line says it (optimize/young_ect.py).
    if not (facts.psychotic and populations.is_minor(ctx)):
        text += " " + next_sentence(ctx)
    if populations.is_minor(ctx):
        text += " " + cards.guideline_links("fda-k231926")
    return text


def _age_blocker(ctx: RuleContext) -> str | None:
    """The age blocker of the TMS assessment ("patient is 9: ..."), or None."""
    return next((b for b in ctx.facts.tms.clinical if b.startswith("patient is ")), None)


def _no_diagnosis_line(ctx: RuleContext) -> str:
    """Why no TMS card when the failed trials would give one and the only blocker is that no
    depression diagnosis was read (review 10 finding 9): one line, naming the Conditions left
    unread when there are any (a diagnosis may be among them), else saying none is on the problem
    list. Never "could be read" when every Condition was read."""
    gaps = [
        g
        for g in ctx.record.gaps_in(DataDomain.CONDITIONS)
        # Not the Observations carrying a pregnancy (gaps.PREGNANCY_SUBJECTS): no diagnosis
        # is among them (review s29 RL finding 6: a `labsSI` key not sent hid the text-only one).
        if (g.source is None and subject(g) not in PREGNANCY_SUBJECTS)
        or (g.source is not None and g.source.resource_type == "Condition")
    ]
    if gaps:
        return (
            "**No TMS card:** no depression diagnosis could be read; "
            + "; ".join(describe(gaps))
            + ". Check the problem list: a TMS referral cites the diagnosis (LCD L37086)."
        )
    written = depression_in_words(ctx.facts.findings_of)
    if written:
        # Depression in the problem's words only (review 16 W3, s23 RO finding 4): the problem
        # list is not silent, it lacks the code a referral cites.
        return f"**No TMS card:** {text_only_line(written[0])} (LCD L37086)."
    return (
        "**No TMS card:** no depression diagnosis on the problem list; a TMS referral cites one "
        "(LCD L37086): record it if this is depression."
    )
