"""The rest of the pathway, named (issue 12): ECT, esketamine, ketamine, pharmacogenomic testing,
and the monitoring of the second-line adjuncts, as lines for the optimise card.

Facts are data (data/pathway_options.csv, data/augmentation_monitoring.csv, each row with its
source and status); this module only chooses which apply and words them:
- after two or more failed adequate trials (policy.trd_min_failed_trials: CANMAT 2023's TRD
  count), ECT, esketamine and ketamine are named as the options beyond medication, each with its
  line, level of evidence, label status and safety issue; ketamine is said to be off-label;
- for an older adult (policy.older_adult_age) ECT is named first: CANMAT 2023 para 215 finds it
  especially effective in older patients. Frailty coded on the chart (ICD-10-CM R54, SNOMED
  frailty findings: condition_codes.csv kind "frailty") is named beside it as part of the basis ("frailty
  coded (R54, 2024-03-01)"). By default age alone suffices (policy.older_adult_requires_frailty
  False, the safer reading: para 215 speaks of older patients, not frail ones, and a chart
  without a frailty code does not show that the patient is not frail); a clinic may require the
  code as well;
- the acute-risk, psychotic and catatonic cases keep their own gates (acute_risk.py, the
  psychotic-depression variant of the optimise card): there ECT comes first, and it is said there;
- ECT on record (review 6 finding 7, `ect_history`): a course in this episode is named with its
  dates, sessions and PHQ-9s ("discuss the next step with the ECT service") and ECT leaves the
  list, never offered again as if untried; an earlier course is one line, a response in it
  being a reason to prefer ECT (data/pathway_options.csv rows "ect-relapse",
  "ect-prior-response");
- esketamine and IV ketamine on record (review 7 finding 7, also `ect_history`): a course in this
  episode (the drug's orders, statements or dispenses: a Trial; esketamine sessions: HCPCS
  G2082/G2083, ProcedureKind.ESKETAMINE) is named with its dates, sessions and PHQ-9s and the
  option leaves the list, as for ECT; an earlier course is one line;
- pharmacogenomic testing is one info line after a poor response (CANMAT 2023 para 184), no more;
- lithium and liothyronine (T3) with their target level or dose and monitoring, and the
  metabolic and movement monitoring of an antipsychotic adjunct.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import resources

from fhir_mapping.record import (
    DataDomain,
    Finding,
    GapCause,
    PatientRecord,
    PgxResult,
    ProcedureKind,
    Score,
)
from services import ect_phases, pgx_doses, tms_course
from services.policy import Policy
from services.tms_course import TmsCourse

_ECT = ProcedureKind.ECT
_ESKETAMINE_SESSION = ProcedureKind.ESKETAMINE
_SESSIONS = DataDomain.SESSIONS
_PROCEDURES = DataDomain.PROCEDURES
# Options beyond medication that are a drug course (data/pathway_options.csv `option`), keyed by
# the drug table's ingredient of that course, with the name the card gives a course of it.
_DRUG_COURSES = {"esketamine": "Esketamine", "ketamine": "IV ketamine"}


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(f"data/{name}").read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@dataclass(frozen=True, slots=True)
class PathwayOption:
    option: str  # "ect" | "esketamine" | "ketamine" | "pgx"
    label: str
    when: frozenset[str]  # situations that name it: trd, older-adult, poor-response
    line: str  # its guideline line, e.g. "CANMAT 2023 second line"
    level: str  # CANMAT level of evidence, "" when not read
    card: str  # what the card says: what it offers, its label status, its safety issue
    source: str
    status: str


@cache
def options() -> dict[str, PathwayOption]:
    return {
        r["option"]: PathwayOption(
            option=r["option"],
            label=r["label"],
            when=frozenset(w for w in r["when"].split(";") if w),
            line=r["line"],
            level=r["level"],
            card=r["card"],
            source=r["source"],
            status=r["status"],
        )
        for r in _rows("pathway_options.csv")
    }


@dataclass(frozen=True, slots=True)
class Monitoring:
    agent: str  # an ingredient, or "" for a drug-table group row
    group: str  # "antipsychotic" for the class row (data/drug_class_groups.csv), else ""
    target: str  # the target level or dose, e.g. "serum 0.5-0.8 mmol/L"
    monitoring: str
    source: str
    status: str


@cache
def monitoring_rows() -> tuple[Monitoring, ...]:
    return tuple(
        Monitoring(
            agent=r["agent"].lower(),
            group=r["group"],
            target=r["target"],
            monitoring=r["monitoring"],
            source=r["source"],
            status=r["status"],
        )
        for r in _rows("augmentation_monitoring.csv")
    )


@cache
def _by_agent() -> dict[str, Monitoring]:
    """Agent -> its first monitoring row: the cards ask for each adjunct they name."""
    found: dict[str, Monitoring] = {}
    for m in monitoring_rows():
        if m.agent:
            found.setdefault(m.agent, m)
    return found


def monitoring_for(agent: str) -> Monitoring | None:
    return _by_agent().get(agent.lower())


def group_monitoring(group: str) -> Monitoring | None:
    return next((m for m in monitoring_rows() if m.group == group), None)


def unverified_mark(status: str) -> str:
    """ " (UNVERIFIED)" after a row whose status says so, as every card writes it; else ""."""
    return " (UNVERIFIED)" if status == "UNVERIFIED" else ""


def latest_frailty(frailty: tuple[Finding, ...]) -> Finding | None:
    """The most recently dated frailty entry (an undated one only when none is dated)."""
    return max(frailty, key=lambda f: f.onset or date.min, default=None)


def older_adult(age: int | None, frailty: tuple[Finding, ...], policy: Policy) -> bool:
    """The older adult for whom ECT comes first: policy.older_adult_age reached and, when
    policy.older_adult_requires_frailty, frailty coded (record.context.frailty)."""
    if age is None or age < policy.older_adult_age:
        return False
    return bool(frailty) or not policy.older_adult_requires_frailty


def _frailty_basis(frailty: tuple[Finding, ...]) -> str:
    """ "; frailty coded (R54, 2024-03-01)": the code and date of the latest entry, if any."""
    entry = latest_frailty(frailty)
    if entry is None:
        return ""
    when = entry.onset.isoformat() if entry.onset is not None else "undated"
    return f"; frailty coded ({entry.code}, {when})"


def beyond_medication(
    failed: int,
    age: int | None,
    policy: Policy,
    *,
    exclude: frozenset[str] = frozenset(),
    frailty: tuple[Finding, ...] = (),
) -> str:
    """The options beyond medication once `failed` adequate trials have failed (CANMAT 2023's TRD
    count, policy.trd_min_failed_trials), ECT first for an older adult (`older_adult`), naming
    coded frailty (`frailty`: record.context.frailty) as part of that basis; "" before that.
    `exclude`: options the card already names."""
    if failed < policy.trd_min_failed_trials:
        return ""
    if not older_adult(age, frailty, policy):
        return _beyond_for_adults(exclude)
    return _beyond(exclude, older=True, age=age, frailty=frailty)


@lru_cache(maxsize=16)
def _beyond_for_adults(exclude: frozenset[str]) -> str:
    # Not an older adult, the lines are the data file's alone (no age, no frailty): built once
    # per set of options the card already names, a handful (issue 14).
    return _beyond(exclude, older=False, age=None, frailty=())


def _beyond(
    exclude: frozenset[str], *, older: bool, age: int | None, frailty: tuple[Finding, ...]
) -> str:
    chosen = [o for o in options().values() if "trd" in o.when and o.option not in exclude]
    if older:
        chosen.sort(key=lambda o: "older-adult" not in o.when)
    if not chosen:
        return ""
    shared = {(o.line, o.level) for o in chosen}
    items = []
    for o in chosen:
        grade = "" if len(shared) == 1 else f"{o.line}, {o.level}; ".replace(", ;", ";")
        first = (
            f"; first choice at age {age} (CANMAT 2023 para 215){_frailty_basis(frailty)}"
            if older and "older-adult" in o.when
            else ""
        )
        items.append(f"{o.label} ({grade}{o.card}{first}){unverified_mark(o.status)}")
    head = ""
    if len(shared) == 1:
        line, level = next(iter(shared))
        head = f" ({line}, {level})" if level else f" ({line})"
    return f"**Beyond medication**{head}: " + "; ".join(items) + "."


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
                    f"no PHQ-9 in the {window} days before it or within {after_days} days after "
                    f"it{later}"
                )
            return "no PHQ-9 around it on record"
        if course.running or after.date > course.end:
            return (
                f"PHQ-9 {after.value} on {after.date.isoformat()} (none in the {window} days "
                f"before it){later}"
            )
        # A score after the stop kept out of the outcome (tms_course.outcome_score: the course
        # had remitted) is `later`: "none within 30 days after it" is then said only when true.
        within = course.later is not None and course.later.date <= course.end + timedelta(
            days=after_days
        )
        none_after = "" if within else f", none within {after_days} days after it"
        return (
            f"PHQ-9 {after.value} on {after.date.isoformat()}, during it (none in the {window} "
            f"days before it{none_after}){later}"
        )
    if after is None or after.value is None:
        if course.later is not None:
            return (
                f"PHQ-9 {before.value} on {before.date.isoformat()} before it, none within "
                f"{after_days} days after it{later}"
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
            f"no PHQ-9 within {policy.mapping.baseline_days_before} days before it or "
            f"{after_days} days after it"
        )
    else:
        measured = f"{_ect_scores(course, policy, latest=False)}{_ect_state(course)}"
    horizon = min(record.as_of, later[-1] + timedelta(days=after_days))
    on_later = [s for s in record.phq9() if s.value is not None and later[0] < s.date <= horizon]
    wording = ect_phases.schedule().wording
    spacing = phases.spacing()
    n = len(later)
    sessions = f"{n} {wording} session{'' if n == 1 else 's'}{f' {spacing}' if spacing else ''}"
    span = later[0].isoformat() if n == 1 else f"{later[0].isoformat()} to {later[-1].isoformat()}"
    head = (
        f"**ECT in this episode:** acute course, {len(acute)} sessions, "
        f"{acute[0].isoformat()} to {acute[-1].isoformat()} "
        f"({measured}); then {sessions}, "
        f"{span}"
    )
    if not on_later:
        return (
            f"{head}; no PHQ-9 on them or within {after_days} days after the last: ask the ECT "
            "service how the patient is doing and what comes next."
        )
    scores = ", ".join(f"{s.value} ({s.date.isoformat()})" for s in on_later[-3:])
    latest = on_later[-1].value
    assert latest is not None
    if latest < policy.remission_below:
        return f"{head}; PHQ-9 {scores}: in remission (PHQ-9 < {policy.remission_below}, CMS159)."
    if course.response is True:
        state = f"relapse on {wording} ECT after a response to the acute course"
    else:
        measured = "" if course.response is False else " (acute response not measured)"
        state = f"not in remission on {wording} ECT{measured}"
    return (
        f"{head}; PHQ-9 {scores}: {state}. The ECT service decides the next step, including "
        "whether TMS has a place."
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
    wording = ect_phases.schedule().wording
    return (
        f"**ECT in this episode:** acute course {acute[0].isoformat()} to "
        f"{acute[-1].isoformat()}, then {len(later)} {wording} "
        f"session{'' if len(later) == 1 else 's'} to {later[-1].isoformat()}: the ECT service "
        "decides whether TMS comes next; agree it with them before referring."
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


def ect_history(record: PatientRecord, policy: Policy, episode_start: date | None) -> EctHistory:
    """The lines on ECT, esketamine and IV ketamine courses on record beside the options beyond
    medication, and the options they take off the list (`_ect_history`, `_drug_history`;
    reviews 6 finding 7 and 7 finding 7): none of them is offered again as if untried after a
    course in this episode."""
    found = [_ect_history(record, policy, episode_start)]
    if any(t.ingredient in _DRUG_COURSES for t in record.trials) or any(
        p.kind is _ESKETAMINE_SESSION for p in record.procedures
    ):
        found.extend(
            _drug_history(ingredient, record, policy, episode_start) for ingredient in _DRUG_COURSES
        )
    else:
        return found[0]  # most charts
    lines = [h.line for h in found if h.line]
    return EctHistory("\n\n".join(lines), frozenset().union(*(h.exclude for h in found)))


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
    latest = tms_course.outcome_score(after, end, running, baseline, policy.remission_below)
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


def _drug_history(
    ingredient: str, record: PatientRecord, policy: Policy, episode_start: date | None
) -> EctHistory:
    """An esketamine or IV ketamine course on record (review 7 finding 7): its orders,
    statements or dispenses (a Trial of `ingredient`) and, for esketamine, its supervised
    sessions (HCPCS G2082/G2083). A course that ran or ended in this episode is named with its
    dates, sessions and PHQ-9s and the option leaves the list; else the latest earlier course is
    one line. Ketamine has no session code of its own (an IV infusion code says nothing of the
    drug), so its infusions are not counted."""
    label = _DRUG_COURSES[ingredient]
    spans: list[tuple[date, date, bool]] = [
        (t.start, t.end, t.ongoing) for t in record.trials if t.ingredient == ingredient
    ]
    session_days: list[date] = []
    if ingredient == "esketamine":
        for course in tms_course.courses(record, policy, _ESKETAMINE_SESSION):
            spans.append((course.start, course.end, course.running))
        # One session a day (fhir_mapping/administrations.py merges the MAR's doses so).
        session_days = sorted(
            {
                p.date
                for p in record.procedures
                if p.kind is _ESKETAMINE_SESSION and p.date is not None and p.date <= record.as_of
            }
        )
    if not spans:
        return _NO_ECT
    current = [s for s in spans if episode_start is None or s[1] >= episode_start]
    chosen = current or [max(spans, key=lambda s: s[1])]
    start = min(s[0] for s in chosen)
    end = max(s[1] for s in chosen)
    running = any(s[2] for s in chosen)
    sessions = sum(1 for day in session_days if start <= day <= end)
    course = _measured(record, policy, start, end, running, sessions)
    if sessions:
        counted = course.sessions_text()
    elif ingredient == "esketamine":
        counted = _sessions_absent(record)
    else:
        counted = "infusions not counted: no ketamine session code"
    if not current:
        return EctHistory(
            f"**Earlier course of {ingredient}:** {start.year} ({counted}); "
            f"{_ect_scores(course, policy, latest=False)}{_ect_state(course)}."
        )
    if running:
        line = (
            f"**{label} in this episode:** running since {start.isoformat()} ({counted} so "
            "far): review the course with its prescriber."
        )
    else:
        line = (
            f"**{label} in this episode:** {start.isoformat()} to {end.isoformat()} "
            f"({counted}); {_ect_scores(course, policy)}{_ect_state(course)}: not offered "
            "again as untried; discuss the next step with psychiatry."
        )
    return EctHistory(line, frozenset({ingredient}))


def _sessions_absent(record: PatientRecord) -> str:
    """Why an esketamine course has no sessions counted: "not on record" only when the MAR and
    the Procedures could all be read (review 10 finding 10: sessions charted as
    MedicationAdministrations that were never fetched are not absent)."""
    unread = [
        what
        for domain, what in ((_SESSIONS, "administrations"), (_PROCEDURES, "procedures"))
        if record.incomplete(domain)
    ]
    if not unread:
        return "sessions not on record"
    partly = all(
        g.cause is GapCause.PARTIAL
        for g in record.gaps_in(_SESSIONS, _PROCEDURES)
        if g.cause is not GapCause.LEFT_OUT
    )
    verb = "were fetched only in part" if partly else "are not fetched"
    return f"sessions not read ({' and '.join(unread)} {verb})"


def pgx_line(failed: int, results: Sequence[PgxResult] = ()) -> str:
    """One info line on pharmacogenomic testing after a poor response (>= 1 adequate failure:
    CANMAT 2023 para 184 lists it among the steps of assessing poor response), no more. With a
    CYP2C19 or CYP2D6 result on record the test is not suggested again (review 13 M7): a result
    a dose limit speaks to (a poor metabolizer), or one not interpreted, names itself instead,
    whatever the failures (it bears on any dose or switch the card proposes); another (a normal
    metabolizer) names nothing."""
    if results:
        return pgx_doses.record_line(results)
    option = options()["pgx"]
    if failed < 1 or "poor-response" not in option.when:
        return ""
    return (
        f"{option.label} {option.card} after a poor response ({option.line})"
        f"{unverified_mark(option.status)}."
    )


def second_line_target(agent: str) -> str | None:
    """ "lithium (serum 0.5-0.8 mmol/L)" for an adjunct with a monitoring row, else None."""
    row = monitoring_for(agent)
    if row is None or not row.target:
        return None
    return f"{agent} ({row.target})"


def adjunct_line(agent: str, dose: str) -> str:
    """An adjunct with its target level or dose and its monitoring when the monitoring table has
    it ("lithium (serum 0.5-0.8 mmol/L; monitor level, electrolytes, ...)"), else its range."""
    row = monitoring_for(agent)
    if row is None:
        return f"{agent} {dose}".strip()
    return f"{agent} ({row.target}; monitor {row.monitoring}){unverified_mark(row.status)}"


@cache
def antipsychotic_monitoring() -> str:
    """ "monitor weight, blood pressure, ...": for an antipsychotic adjunct (data only, so read
    once)."""
    row = group_monitoring("antipsychotic")
    if row is None:
        return ""
    return f"monitor {row.monitoring}{unverified_mark(row.status)}"
