"""TMS course management (issue 12): measure a course while it runs, and record how it went.

A course is read from the TMS sessions on record (services/tms_course.py). The card (info) shows:
- while a course runs, when a PHQ-9 is due: none within policy.tms_scale_interval_days (payer
  policy PSY301.015 asks for weekly rating scales during TMS, REFERENCE.md 3.3), or none before
  the first session to measure the course from;
- from week policy.tms_response_check_weeks of a running course, the response check: the PHQ-9
  change since the course began against the 50 % that makes a response (CANMAT 2023 para 180,
  and LCD L37086's retreatment criterion); by week policy.tms_course_weeks (L34998 covers "up to
  6 weeks" of daily TMS) without response, the course is reviewed and the options beyond it named;
- a course of this episode that ended with no PHQ-9 since: record the response, since a later
  retreatment is judged on it (L37086: retreatment only for patients who responded and relapsed);
- while a course runs, a TMS contraindication on record (a seizure disorder, metal or a stimulator
  near the head: the findings the TMS referral reads, LCD L34998/L37086), and a safety-screen item
  (stroke, brain tumour, pacemaker, ...) dated on or after the first session: review before the
  next session (recheck 18b W1). The card is then a warning, whatever else it says.
An earlier course without response blocks a new TMS referral (pathway.py); one with a response is
named on the TMS card. Nothing to do (scales up to date, before week 4, responding course
measured) means no card.
"""

from __future__ import annotations

from fhir_mapping.record import DataDomain, Finding, ProcedureKind, Score
from services import (
    cards,
    data_gaps,
    finding_words,
    open_course,
    pathway_options,
    suggestions,
    tms_course,
)
from services.card_format import plural, weeks_text
from services.pathway import finding_line, in_episode
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules.context import RuleContext
from services.rules.optimize import declined
from services.tms_course import TmsCourse

TOPIC = "tms-course"


def _latest_score(ctx: RuleContext) -> Score | None:
    return next((s for s in reversed(ctx.record.phq9()) if s.value is not None), None)


def _scale_due(ctx: RuleContext, course: TmsCourse) -> str | None:
    """Why a PHQ-9 is due during the course, or None."""
    latest = _latest_score(ctx)
    interval = ctx.policy.tms_scale_interval_days
    if latest is None:
        if ctx.record.incomplete(DataDomain.SCORES):
            return "no PHQ-9 total in the data that could be read"
        if data_gaps.unrecognised_phq9(ctx.record):  # PHQ-9s named but not read
            return "no PHQ-9 total that could be read"
        return "no PHQ-9 total on record"
    days = (ctx.record.as_of - latest.date).days
    if days > interval:
        return f"no PHQ-9 total in {plural(days, 'day')} (during a course: at least every {plural(interval, 'day')})"
    return None


def _response_lines(ctx: RuleContext, course: TmsCourse) -> tuple[list[str], str | None]:
    """(detail lines, summary phrase) of the response check; nothing before its week."""
    weeks = course.weeks(ctx.record.as_of)
    policy = ctx.policy
    if weeks < policy.tms_response_check_weeks:
        return [], None
    week = cards.fmt_weeks(round(weeks, 1))
    response = course.response
    if response is None:
        return (
            [
                f"**Response check (week {week}):** {course.outcome()}: the response cannot be "
                "judged; a PHQ-9 now and one from before the course are needed (response = a "
                ">= 50 % drop, CANMAT 2023 para 180)."
            ],
            "response not measurable",
        )
    if response:
        state = (
            f"response (>= 50 %, CANMAT 2023 para 180); remission below "
            f"{policy.remission_below} (CMS159)"
        )
        return (
            [
                f"**Response check (week {week}):** {course.outcome()}: {state}. A response on "
                "record is what a later retreatment needs (LCD L37086)."
            ],
            f"responding ({course.percent()} better)",
        )
    lines = [
        f"**Response check (week {week}):** {course.outcome()}: no response yet (response = a "
        ">= 50 % drop, CANMAT 2023 para 180)."
    ]
    if weeks >= policy.tms_course_weeks:
        lines.append(
            f"**Week {week} without response:** LCD L34998 covers up to "
            f"{weeks_text(policy.tms_course_weeks)} of daily TMS: review the course "
            "with the TMS service. A course without response also rules out a retreatment "
            "(LCD L37086)."
        )
        # An ECT course in this episode is named with its PHQ-9s, not offered as untried
        # (review 6 finding 7), as on the optimise card.
        ect = pathway_options.ect_history(ctx.record, ctx.policy, ctx.facts.episode_start)
        options = pathway_options.beyond_medication(
            len(ctx.facts.failed_trials),
            ctx.record.patient.age,
            ctx.policy,
            exclude=ect.exclude,
            frailty=ctx.record.context.frailty,
            # A declined ECT is said here too, as on the optimise card (review 16 W6)
            notes=declined.option_notes(ctx),
        )
        lines.extend(line for line in (options, ect.line) if line)
        return lines, f"no response by week {week}: review the course"
    return lines, f"no response yet ({course.percent()} better)"


def _during(f: Finding, course: TmsCourse) -> bool:
    return f.onset is not None and f.onset >= course.start


def _safety(ctx: RuleContext, course: TmsCourse) -> tuple[list[str], str | None]:
    """(detail lines, summary phrase) for the TMS safety findings on record while a course runs.

    A contraindication is named whatever its date: sessions go on while the chart says TMS is
    ruled out, which the TMS service must see (a finding dated before the course may have been
    weighed at its intake, but nothing on record says so). A safety-screen item is named only
    when dated on or after the first session: the screen before the course asked about the older
    ones (the TMS card names them on its "TMS safety screen required" line). A warning, not
    critical: the sessions are the TMS service's to stop, a decision for the next session rather
    than an emergency at this screen, and the card is the one that reaches the prescriber; the
    drafted-TMS-order card that names the same findings is a warning too."""
    contraindications = ctx.facts.tms_contraindications
    new_cautions = [f for f in ctx.facts.tms_cautions if _during(f, course)]
    if not contraindications and not new_cautions:
        return [], None
    lines = []
    for f in contraindications:
        when = "dated during the course" if _during(f, course) else "on record"
        held = finding_words.applied(f)  # a single seizure: held as a seizure disorder
        lines.append(
            f"**TMS contraindication {when}:** {finding_line(f)}"
            + (f", {held}" if held else "")
            + ". Seizure disorders and "
            "magnetic-sensitive metal or devices near the coil are TMS contraindications (LCD "
            "L34998/L37086 and payer policies): review with the TMS service before the next "
            "session."
        )
    if new_cautions:
        lines.append(
            "**New since the first session, for the TMS safety screen:** "
            + "; ".join(finding_line(f) for f in new_cautions)
            + " (seizure-risk or device items the screen asks about, LCD L37086 'certain "
            "neurological conditions'): review with the TMS service before the next session."
        )
    first = contraindications[0] if contraindications else new_cautions[0]
    # A single seizure is named as one (review 19 D1: "a seizure disorder dated ..." for R56.9).
    what = finding_words.kind_words(first, "a TMS safety-screen item")
    if contraindications and _during(first, course):
        phrase = f"{what} dated {first.onset_text} during the course: TMS contraindication"
    elif contraindications:
        phrase = f"{what} on record: TMS contraindication"
    else:
        phrase = f"{what} dated {first.onset_text} during the course"
    return lines, phrase


def _phq9_suggestion(ctx: RuleContext, text: str) -> Suggestion:
    resource = None
    if ctx.patient_id is not None:
        resource = suggestions.service_request(
            patient_id=ctx.patient_id, concept="phq9-panel", text=text
        )
    return suggestions.create("Ask for a PHQ-9", resource, recommended=True)


def _running(ctx: RuleContext, course: TmsCourse) -> Recommendation | None:
    due = _scale_due(ctx, course)
    response, phrase = _response_lines(ctx, course)
    safety, safety_phrase = _safety(ctx, course)
    if due is None and not response and not safety:
        return None
    week = cards.fmt_weeks(round(course.weeks(ctx.record.as_of), 1))
    head = f"TMS course since {course.start.isoformat()} (week {week}, {course.sessions_text()})"
    # A course charted as one record still in progress ends on as-of: no session that day.
    latest = "still in progress" if course.ongoing else f"latest {course.end.isoformat()}"
    sections = [
        f"**TMS course:** first session {course.start.isoformat()}, {latest}, "
        f"{course.sessions_text()} on record (week {week})."
    ]
    sections.extend(safety)
    found: list[Suggestion] = []
    if due is not None:
        sections.append(
            f"**PHQ-9 due:** {due}. Rate the course weekly (payer policies ask for standardised "
            "rating scales during TMS, e.g. PSY301.015); its response, and any later "
            "retreatment, are judged on these scores."
        )
        found.append(_phq9_suggestion(ctx, "PHQ-9 during the TMS course"))
    if course.baseline is None:
        sections.append(
            "**No PHQ-9 before the first session** (within "
            f"{plural(ctx.policy.mapping.baseline_days_before, 'day')}): the course's response cannot be "
            "measured from its start."
        )
    sections.extend(response)
    sections.append(cards.guideline_links("canmat2023", "lcd-l34998", "lcd-l37086"))
    what = "PHQ-9 due" if due is not None else phrase or "response check"
    if due is not None and phrase:
        what = f"PHQ-9 due; {phrase}"
    if safety_phrase is not None:
        # The safety finding leads the summary: it is what the next session turns on.
        return cards.make(
            TOPIC,
            summary=cards.fit_summary(
                f"TMS course since {course.start.isoformat()}: {safety_phrase} (LCD "
                "L34998/L37086); review before the next session",
                f"TMS course: {safety_phrase}; review before the next session",
                f"TMS course: {safety_phrase}; review",
            ),
            detail=cards.join_sections(*sections),
            suggestions=found,
            indicator=Indicator.WARNING,
        )
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(f"{head}: {what}", f"TMS course week {week}: {what}"),
        detail=cards.join_sections(*sections),
        suggestions=found,
    )


def _ended_unmeasured(ctx: RuleContext) -> Recommendation | None:
    """A course of this episode that ended with no PHQ-9 since: record how it went."""
    ended = [
        c
        for c in tms_course.earlier_courses(ctx.record, ctx.policy)
        if in_episode(c.start, ctx.facts.episode_start)
    ]
    if not ended or ended[-1].latest is not None:
        return None
    course = ended[-1]
    if any(s.value is not None and s.date > course.end for s in ctx.record.phq9()):
        return None  # scored since, if late: the payer's retreatment criterion judges that

    detail = cards.join_sections(
        f"**TMS course ended:** {course.dates()}, {course.sessions_text()}; "
        f"{course.outcome()}. Record a PHQ-9: whether the course brought a response decides "
        "what comes next, and a later retreatment needs a documented response (LCD L37086: "
        "retreatment only for patients who responded, > 50 % improvement, and relapsed).",
        cards.guideline_links("lcd-l37086", "canmat2023"),
    )
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(
            f"TMS course {course.dates()} ended with no PHQ-9 since: record the response",
            "TMS course ended with no PHQ-9 since: record the response",
        ),
        detail=detail,
        suggestions=(_phq9_suggestion(ctx, "PHQ-9 after the TMS course"),),
    )


def _open_too_long(ctx: RuleContext) -> Recommendation | None:
    """A TMS record in progress long past a course's length (services/open_course.py): confirm
    it still runs; no PHQ-9 schedule or response check is read from it."""
    found = open_course.stale(ctx.record, ctx.policy, ProcedureKind.TMS)
    if found is None:
        return None
    said = open_course.confirm_text(found, ctx.record.as_of)
    return cards.make(
        TOPIC,
        summary=cards.fit_summary(f"TMS course {said}", "TMS course record open: confirm it"),
        detail=open_course.tms_line(ctx.record, ctx.policy),
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    course = tms_course.running_course(ctx.record, ctx.policy)
    if course is not None:
        return _running(ctx, course)
    return _ended_unmeasured(ctx) or _open_too_long(ctx)
