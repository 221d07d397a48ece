"""ECT on record, as the lines beside the options beyond medication (review 6 finding 7): a
course in this episode is named with its dates, sessions and PHQ-9s ("discuss the next step with
the ECT service") and ECT leaves the list, never offered again as if untried; an earlier course
is one line, a response in it being a reason to prefer ECT (data/pathway_options.csv rows
"ect-relapse", "ect-prior-response"). An acute course followed by continuation/maintenance
sessions is named as both (review 11 finding 9), and the TMS card says the ECT service decides
(`ect_service_line`).

Apart from pathway_options.py (which options apply) because reading a course's sessions and
scores is its own work; `_measured` and the score wording are shared with the esketamine and
ketamine courses (drug_course_lines.py). pathway_options.py re-exports `EctHistory` and
`ect_service_line`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.device_course_outcome import outcome_score
from fhir_mapping.record import PatientRecord, ProcedureKind, Score
from services import ect_phases, tms_course
from services.card_format import plural
from services.pathway_option_table import options, unverified_mark
from services.policy import Policy
from services.tms_course import TmsCourse

_ECT = ProcedureKind.ECT


@dataclass(frozen=True, slots=True)
class EctHistory:
    """What the record says about ECT, for the options beyond medication (review 6 finding 7).
    `line`: one line on the course (this episode's, else an earlier one), "" when none is on
    record; `exclude`: {"ect"} when a course ended or runs in this episode, so ECT is not offered
    as if untried."""

    line: str = ""
    exclude: frozenset[str] = frozenset()


_NO_ECT = EctHistory()
_ECT_TRIED = frozenset({"ect"})


def _later(course: TmsCourse) -> str:
    """ "; latest PHQ-9 21 on 2025-05-19": a score after the outcome window, else ""."""
    later = course.later
    if later is None or later.value is None:
        return ""
    return f"; latest PHQ-9 {later.value} on {later.date.isoformat()}"


def _ect_scores(course: TmsCourse, policy: Policy, *, latest: bool = True) -> str:
    """ "PHQ-9 24 (2025-01-02) -> 9 (2025-02-03), 63 % better" or the score(s) on record, each
    dated, and what is missing: no response is judged without both. The windows are named as
    the windows they are (review 10 finding 12): a score after the outcome window is "latest",
    never hidden behind "none since", and a score during the course is not called its outcome.
    `latest` False for a course of an earlier episode: a score years on says nothing of it."""
    before, after = course.baseline, course.latest
    window = policy.mapping.baseline_days_before
    after_days = policy.mapping.on_treatment_days_after_end
    later = _later(course) if latest else ""
    if before is None or before.value is None:
        if after is None or after.value is None:
            if later:
                return (
                    f"no PHQ-9 in the {plural(window, 'day')} before it or within {plural(after_days, 'day')} after "
                    f"it{later}"
                )
            return "no PHQ-9 around it on record"
        if course.running or after.date > course.end:
            return (
                f"PHQ-9 {after.value} on {after.date.isoformat()} (none in the {plural(window, 'day')} "
                f"before it){later}"
            )
        # A score after the stop kept out of the outcome (device_course_outcome.outcome_score: the course
        # had remitted) is `later`: "none within 30 days after it" is then said only when true.
        within = course.later is not None and course.later.date <= course.end + timedelta(
            days=after_days
        )
        none_after = "" if within else f", none within {plural(after_days, 'day')} after it"
        return (
            f"PHQ-9 {after.value} on {after.date.isoformat()}, during it (none in the {window} "
            f"days before it{none_after}){later}"
        )
    if after is None or after.value is None:
        if course.later is not None:
            return (
                f"PHQ-9 {before.value} on {before.date.isoformat()} before it, none within "
                f"{plural(after_days, 'day')} after it{later}"
            )
        return f"PHQ-9 {before.value} on {before.date.isoformat()} before it, none since"
    return course.outcome()


def _ect_state(course: TmsCourse) -> str:
    if course.response is True:
        return ", responded"
    if course.response is False:
        return ", no response"
    return ""


def _this_episode_ect(course: TmsCourse, policy: Policy) -> str:
    if course.unconfirmed:  # open long past a course's length: services/open_course.py
        return (
            f"**ECT in this episode:** charted as one record, {course.weeks_open_text()}; "
            "nothing here waits on it until it is (ask the ECT service)."
        )
    if course.running:
        return (
            f"**ECT in this episode:** running since {course.start.isoformat()} "
            f"({course.sessions_text()} so far): review the course with the ECT service."
        )
    head = (
        f"**ECT in this episode:** {course.sessions_text()}, {course.start.isoformat()} to "
        f"{course.end.isoformat()}; {_ect_scores(course, policy)}{_ect_state(course)}"
    )
    if course.response is True:
        # Responded: relapse after ECT is common, and its answer is continuation or maintenance
        # ECT (CANMAT 2023 para 220), a decision for the ECT service.
        relapse = options()["ect-relapse"]
        since = _since_response(course, policy)
        if since is not None and _relapsed(course, policy):
            # Depressed again after the response (recheck 2 item 13: "responded" alone hid a
            # PHQ-9 of 21 six weeks on): say what the scores show.
            return (
                f"{head}; {since}: relapse after the response ({relapse.line})"
                f"{unverified_mark(relapse.status)}. The ECT "
                "service decides the next step, including whether TMS has a place."
            )
        return (
            f"{head}{f'; {since}' if since else ''}; {relapse.card} ({relapse.line})"
            f"{unverified_mark(relapse.status)}: discuss with the ECT service."
        )
    return f"{head}: discuss the next step with the ECT service."


def _since_response(course: TmsCourse, policy: Policy) -> str | None:
    """ "then PHQ-9 21 on 2025-05-19" (with "in remission" or "not in remission" below the
    relapse cut-off): the latest score after the course's outcome window, or None."""
    later = course.later
    if later is None or later.value is None:
        return None
    text = f"then PHQ-9 {later.value} on {later.date.isoformat()}"
    if later.value < policy.remission_below:
        return f"{text}, in remission"
    if later.value < policy.mapping.relapse_phq9_at_least:
        return f"{text}, not in remission"
    return text


def _relapsed(course: TmsCourse, policy: Policy) -> bool:
    """A course that responded, with a later PHQ-9 at the relapse cut-off
    (policy.mapping.relapse_phq9_at_least, the episode rule's sign of depression)."""
    later = course.later
    return (
        course.response is True
        and later is not None
        and later.value is not None
        and later.value >= policy.mapping.relapse_phq9_at_least
    )


def _phases(record: PatientRecord, current: list[TmsCourse]) -> ect_phases.EctPhases | None:
    """This episode's ECT sessions as an acute course and continuation/maintenance sessions
    (review 11 finding 9), or None: sessions documented as a period are not counted, so not
    split."""
    if not all(c.sessions_counted for c in current):
        return None
    first = current[0].start
    return ect_phases.split(
        [
            p.date
            for p in record.procedures
            if p.kind is _ECT and p.date is not None and first <= p.date <= record.as_of
        ]
    )


def _phased_ect(phases: ect_phases.EctPhases, record: PatientRecord, policy: Policy) -> str:
    """ "acute course, 9 sessions, 2024-11-04 to 2024-11-28 (...); then 5 continuation/
    maintenance sessions about every 4 weeks to 2025-04-28; PHQ-9 ...": both named, the acute
    course's response measured as any course's, the PHQ-9s on the later sessions listed. A
    relapse is said only when the acute course responded on record; otherwise the card says
    what it sees (not in remission on maintenance) and that the ECT service decides."""
    acute, later = phases.acute, phases.later
    course = _measured(record, policy, acute[0], acute[-1], False, len(acute))
    after_days = policy.mapping.on_treatment_days_after_end
    if course.baseline is None and course.latest is None:
        # Not "none on record": PHQ-9s before and after it may be there, outside its windows.
        measured = (
            f"no PHQ-9 within {plural(policy.mapping.baseline_days_before, 'day')} before it or "
            f"{plural(after_days, 'day')} after it"
        )
    else:
        measured = f"{_ect_scores(course, policy, latest=False)}{_ect_state(course)}"
    horizon = min(record.as_of, later[-1] + timedelta(days=after_days))
    on_later = [s for s in record.phq9() if s.value is not None and later[0] < s.date <= horizon]
    # Maintenance only after an acute response on record (s25 FB item 3).
    phase = ect_phases.later_phase(course.response)
    wording = phase.wording
    spacing = phases.spacing()
    n = len(later)
    sessions = f"{n} {wording} session{'' if n == 1 else 's'}{f' {spacing}' if spacing else ''}"
    if course.response is False:
        sessions = f"{sessions} ({phase.means})"
    span = later[0].isoformat() if n == 1 else f"{later[0].isoformat()} to {later[-1].isoformat()}"
    head = (
        f"**ECT in this episode:** acute course, {len(acute)} sessions, "
        f"{acute[0].isoformat()} to {acute[-1].isoformat()} "
        f"({measured}); then {sessions}, "
        f"{span}"
    )
    if not on_later:
        return (
            f"{head}; no PHQ-9 on them or within {plural(after_days, 'day')} after the last: ask the ECT "
            "service how the patient is doing and what comes next."
        )
    scores = ", ".join(f"{s.value} ({s.date.isoformat()})" for s in on_later[-3:])
    latest = on_later[-1].value
    assert latest is not None
    if latest < policy.remission_below:
        return f"{head}; PHQ-9 {scores}: in remission (PHQ-9 < {policy.remission_below}, CMS159)."
    if course.response is True:
        state = _after_response(on_later, wording, policy)
    elif course.response is False:
        state = "not in remission, no response to the acute course or since"
    else:
        state = f"not in remission on {wording} ECT (acute response not measured)"
    return (
        f"{head}; PHQ-9 {scores}: {state}. The ECT service decides the next step, including "
        "whether TMS has a place."
    )


def _after_response(on_later: list[Score], wording: str, policy: Policy) -> str:
    """Where the patient stands on the later sessions after an acute response, the latest PHQ-9
    not in remission: a relapse only while the latest is at the relapse cut-off
    (policy.mapping.relapse_phq9_at_least, as services/rules/relapse.py reads one); a relapse
    that came and went (PHQ-9 20, then 7) is said as past (s25 RK1 finding 11: "relapse on
    continuation/maintenance ECT" beside a latest PHQ-9 of 7); mild scores throughout are no
    relapse at all."""
    cut = policy.mapping.relapse_phq9_at_least
    latest = on_later[-1]
    if latest.value is not None and latest.value >= cut:
        return f"relapse on {wording} ECT after a response to the acute course"
    past = [s for s in on_later[:-1] if s.value is not None and s.value >= cut]
    if past:
        peak = max(past, key=lambda s: s.value or 0)
        return (
            f"a past relapse on {wording} ECT after a response to the acute course (PHQ-9 "
            f"{peak.value} on {peak.date.isoformat()}); better since, not in remission (PHQ-9 < "
            f"{policy.remission_below}, CMS159)"
        )
    return (
        f"response kept on {wording} ECT, not in remission (PHQ-9 < {policy.remission_below}, "
        "CMS159)"
    )


def ect_service_line(record: PatientRecord, policy: Policy, episode_start: date | None) -> str:
    """The TMS card's line when this episode's ECT went on from an acute course to
    continuation/maintenance sessions (review 11 finding 9): the patient is under the ECT
    service, which decides whether TMS comes next, so the card does not read as a plain TMS
    referral. "" otherwise (most charts; an acute course alone is on the optimise card)."""
    if not any(p.kind is _ECT for p in record.procedures):
        return ""
    found = tms_course.ect_courses(record, policy)
    current = [c for c in found if episode_start is None or c.end >= episode_start]
    phases = _phases(record, current) if current else None
    if phases is None:
        if current and not current[-1].running and _relapsed(current[-1], policy):
            # A relapse after an acute course's response (recheck 2 item 13): ECT again is a
            # choice beside TMS, and the ECT service's to weigh.
            course = current[-1]
            score = course.later
            assert score is not None  # _relapsed
            return (
                f"**ECT in this episode:** responded ({course.start.isoformat()} to "
                f"{course.end.isoformat()}), then PHQ-9 {score.value} on "
                f"{score.date.isoformat()}: the ECT service decides whether ECT again or TMS "
                "comes next; agree it with them before referring."
            )
        return ""
    acute, later = phases.acute, phases.later
    course = _measured(record, policy, acute[0], acute[-1], False, len(acute))
    phase = ect_phases.later_phase(course.response)  # s25 FB item 3
    means = f" ({phase.means})" if course.response is False else ""
    return (
        f"**ECT in this episode:** acute course {acute[0].isoformat()} to "
        f"{acute[-1].isoformat()}, then {len(later)} {phase.wording} "
        f"session{'' if len(later) == 1 else 's'} to {later[-1].isoformat()}{means}: the ECT "
        "service decides whether TMS comes next; agree it with them before referring."
    )


def _earlier_ect(course: TmsCourse, policy: Policy) -> str:
    year = course.start.year
    if course.response is True:
        prior = options()["ect-prior-response"]
        return (
            f"**Earlier ECT:** responded in {year} ({course.sessions_text()}, "
            f"{_ect_scores(course, policy, latest=False)}): {prior.card} ({prior.line})"
            f"{unverified_mark(prior.status)}."
        )
    state = "no response" if course.response is False else "response unknown"
    return (
        f"**Earlier ECT:** {course.sessions_text()} in {year}; "
        f"{_ect_scores(course, policy, latest=False)}: "
        f"{state}."
    )


def _ect_history(record: PatientRecord, policy: Policy, episode_start: date | None) -> EctHistory:
    """The ECT line beside the options beyond medication (review 6 finding 7): a course that ran
    or ended in this episode (from `episode_start`; all of them when it is unknown) is named
    with its dates, sessions and PHQ-9s, and ECT is not offered again as if untried; else the
    latest earlier course, a response in it being a reason to prefer ECT. ECT sessions without
    a date cannot be placed in an episode: they are named, and ECT stays on the list."""
    if not any(p.kind is _ECT for p in record.procedures):
        return _NO_ECT  # most charts
    found = tms_course.ect_courses(record, policy)
    current = [c for c in found if episode_start is None or c.end >= episode_start]
    if current:
        phases = _phases(record, current)
        if phases is not None:
            return EctHistory(_phased_ect(phases, record, policy), _ECT_TRIED)
        return EctHistory(_this_episode_ect(current[-1], policy), _ECT_TRIED)
    if found:
        return EctHistory(_earlier_ect(found[-1], policy))
    undated = sum(1 for p in record.procedures if p.kind is _ECT and p.date is None)
    if not undated:
        return _NO_ECT  # only sessions after as-of
    sessions = "1 ECT session" if undated == 1 else f"{undated} ECT sessions"
    return EctHistory(
        f"**ECT on record:** {sessions} without a date: confirm when, and the response, with "
        "the ECT service."
    )


def _measured(
    record: PatientRecord, policy: Policy, start: date, end: date, running: bool, sessions: int
) -> TmsCourse:
    """A drug course measured as a TMS or ECT course is (services/tms_course.py): the latest
    PHQ-9 total in the baseline window before its start, the latest from its start to
    on_treatment_days_after_end after its end (to as-of while it runs)."""
    mapping = policy.mapping
    first = start - timedelta(days=mapping.baseline_days_before)
    last = record.as_of if running else end + timedelta(days=mapping.on_treatment_days_after_end)
    scores: list[Score] = [s for s in record.phq9() if s.value is not None]
    before = [s for s in scores if first <= s.date <= start]
    after = [s for s in scores if start < s.date <= last]
    baseline = before[-1] if before else None
    latest = outcome_score(after, end, running, baseline, policy.remission_below)
    return TmsCourse(
        start=start,
        end=end,
        sessions=sessions,
        running=running,
        baseline=baseline,
        latest=latest,
        later=tms_course.later_score(
            scores, tms_course.later_from(after, latest, end, last), record.as_of
        ),
        after_days=mapping.on_treatment_days_after_end,
    )
