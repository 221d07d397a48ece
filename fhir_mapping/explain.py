"""A plain-text account of a PatientRecord, for `trd-cds evaluate --explain`.

It shows what the mapping built and why: per trial the ingredient, class, mg/day segments with
dates, weeks at an adequate dose, adherence (measured and documented), documented intolerance,
PHQ-9 before and on treatment, verdict and reasons;
then scores, findings, labs, procedures, referrals and the episode start. It prints patient data:
meant for a developer's terminal, never for logs.

A drug dosed per session (esketamine) or per injection (long-acting injectables) is shown by its
dose per administration, never as mg/day: its segments hold a time average for supply arithmetic
only (dose_basis.py, issue 11 item 5b), so they are listed by date without a dose.
"""

from __future__ import annotations

from collections.abc import Callable

from fhir_mapping import dose_basis
from fhir_mapping.course_length import duration_to_confirm, length_not_recorded
from fhir_mapping.episode import remission_on
from fhir_mapping.gaps import describe, is_record_status
from fhir_mapping.partial_response import response_words
from fhir_mapping.record import (
    DoseBasis,
    DraftOrder,
    InadequacyReason,
    PatientRecord,
    Role,
    Score,
    Trial,
    Verdict,
)

# How a dose that is not mg/day is named when data/dose_basis.csv has no row for the drug.
_PER_ADMINISTRATION = {DoseBasis.SESSION: "per session", DoseBasis.INTERVAL: "per injection"}


def _mg(value: float | None, high: float | None = None) -> str:
    """ "150 mg/day"; a ranged dose as its two ends (DoseSegment: the lower end is the dose the
    adequacy verdict reads, the upper end the one the "too high" checks read)."""
    if high is not None:
        low = "dose unknown" if value is None else f"{value:g}"
        return f"{low} to {high:g} mg/day (range)"
    return "dose unknown" if value is None else f"{value:g} mg/day"


def _per(ingredient: str, basis: DoseBasis) -> str:
    """ "per session" / "per injection", as data/dose_basis.csv words it for this drug."""
    rule = dose_basis.rules().get(ingredient.lower())
    return rule.shown_as if rule is not None and rule.shown_as else _PER_ADMINISTRATION[basis]


def _administered(ingredient: str, basis: DoseBasis, mg: float | None) -> str:
    """ "84 mg per session"; "dose per session not recorded" when unknown."""
    per = _per(ingredient, basis)
    return f"dose {per} not recorded" if mg is None else f"{mg:g} mg {per}"


def _draft_dose(draft: DraftOrder) -> str:
    if draft.dose_basis is DoseBasis.DAILY:
        return _mg(draft.mg_per_day, draft.mg_per_day_high)
    return _administered(draft.ingredient, draft.dose_basis, draft.mg_per_administration)


def _score(score: Score | None) -> str:
    if score is None:
        return "none"
    value = "?" if score.value is None else str(score.value)
    item9 = "" if score.item9 is None else f", item 9 = {score.item9}"
    # A total summed from the nine answers (review 17 M4) says so.
    summed = " (summed from its items)" if score.total_computed and score.value is not None else ""
    return f"{value}{summed} on {score.date.isoformat()}{item9}"


# Why a course is not counted as a trial, by its reason (record.InadequacyReason).
_NOT_A_TRIAL_REASONS = {
    InadequacyReason.NOT_SHOWN_TAKEN: (
        # span73: span70's reason too (feed_unfilled.closed_unfilled: never filled on the feed).
        "ordered or planned only (intent plan, status unknown, on hold and never filled, or "
        "never filled on the chart's fill feed), no fill or statement on record"
    ),
    InadequacyReason.LOW_DOSE_OTHER_INDICATION: "below the antidepressant dose range: a low-dose use",
    # Stated on the orders, or a condition on record the drug treats (condition_indications.py).
    InadequacyReason.OTHER_INDICATION: "for another indication",
    # An antipsychotic given only as needed or as one-time injections (agitation_doses.py).
    InadequacyReason.AS_NEEDED_OR_ONE_TIME: (
        "given only as needed or as one-time injections (e.g. for agitation): no augmentation course"
    ),
}


def _not_a_trial_reason(trial: Trial) -> str:
    """The reason a course is no trial, as --explain names it, with the reason code; a course
    judged so without one (a fixed course, a combination product) points to its note."""
    said = [
        f"{_NOT_A_TRIAL_REASONS[r]} ({r.value})" for r in trial.reasons if r in _NOT_A_TRIAL_REASONS
    ]
    if said:
        return "; ".join(said)
    return "not an antidepressant trial" + (" (see the note below)" if trial.notes else "")


# The top of a course's range as the caller's site reads it and what sets it, (45, " (the US
# label's maximum, ...)"), or None for the drug row's own; the mapping knows no site (its market
# is the services' policy), so `trd-cds evaluate --explain` hands it in (fix19l item 4).
SiteMaximum = Callable[[Trial], tuple[float, str] | None]


def _trial_lines(
    number: int,
    trial: Trial,
    scores: tuple[Score, ...] = (),
    site_maximum: SiteMaximum | None = None,
) -> list[str]:
    state = "ongoing" if trial.ongoing else "ended"
    end = trial.end
    if trial.ongoing and trial.on_hold is not None:
        # Review s27 RA finding 6: not taken after its hold, as the cards say; still read as
        # running (ongoing) by the safety checks.
        end, state = trial.on_hold, "on hold, kept ongoing for the safety checks"
    lines = [
        f"{number}. {trial.ingredient} ({trial.drug_class}, {trial.role.value}) "
        f"{trial.start.isoformat()} -> {end.isoformat()} ({state})",
    ]
    written = trial.written_dates
    if written is not None:  # review 10 finding 5: the dates above are the shortest reading
        lines.append(
            f"   dates as written: {written.start or '(start not written)'} -> "
            f"{written.end or ('ongoing' if trial.ongoing else '(end not partial)')} "
            f"({written.precision} only; the shortest reading is used)"
        )
    if trial.dose_basis is not DoseBasis.DAILY:
        # Per session / per injection: no mg/day range applies, and the segments' mg/day is an
        # average, not a dose: the dates are shown, the dose once, per administration.
        per = _per(trial.ingredient, trial.dose_basis)
        dose = _administered(trial.ingredient, trial.dose_basis, trial.mg_per_administration)
        lines.append(f"   dose: {dose} (latest; dosed {per}, no mg/day range applies)")
        for segment in trial.segments:
            days = (segment.end - segment.start).days
            lines.append(
                f"   {segment.start.isoformat()} -> {segment.end.isoformat()} ({days} days)"
            )
    else:
        minimum = "unknown" if trial.min_adequate_mg is None else f"{trial.min_adequate_mg:g}"
        maximum = "unknown" if trial.max_mg is None else f"{trial.max_mg:g}"
        at_site = site_maximum(trial) if site_maximum is not None else None
        why = ""
        if at_site is not None:
            maximum, why = f"{at_site[0]:g}", at_site[1]
        lines.append(f"   adequate range: {minimum}-{maximum} mg/day{why}")
        for segment in trial.segments:
            days = (segment.end - segment.start).days
            lines.append(
                f"   {segment.start.isoformat()} -> {segment.end.isoformat()}: "
                f"{_mg(segment.mg_per_day, segment.mg_per_day_high)} ({days} days)"
            )
    not_a_trial = trial.verdict is Verdict.NOT_A_TRIAL
    if not_a_trial:
        # Not counted as a trial (a plan order never filled, a low dose for sleep, a fixed
        # course): weeks at an adequate dose and an outcome would read as a trial judged (review
        # 14 W5), so the reason it is none is printed instead.
        lines.append(f"   not a trial: {_not_a_trial_reason(trial)}")
    else:
        # Counted up to a stop whose day was not recorded: a bound, not a measure.
        bound = "at most " if trial.end_not_recorded and not trial.ongoing else ""
        lines.append(f"   weeks at adequate dose: {bound}{trial.weeks_at_adequate_dose:.1f}")
    adherence = trial.adherence
    pdc = "" if adherence.pdc is None else f", PDC {adherence.pdc:.0%}"
    gaps = "".join(
        f"; refill gap {g.start.isoformat()} -> {g.end.isoformat()} ({g.days} days)"
        for g in adherence.refill_gaps
    )
    # A supply gap inside a documented hold is no gap and leaves the PDC's denominator
    # (adherence.py `held_gaps`): listed, so an integration engineer can check what was not
    # counted (audit 14 leftover).
    gaps += "".join(
        f"; no supply {g.start.isoformat()} -> {g.end.isoformat()} ({g.days} days): held, "
        "not counted"
        for g in adherence.held_gaps
    )
    documented = f"; {adherence.documented}" if adherence.documented else ""
    if adherence.not_verified:  # days only a statement covers (adherence.outside_tail)
        documented += f"; {adherence.not_verified}"
    lines.append(f"   adherence: {adherence.status.value}{pdc}{gaps}{documented}")
    if trial.intolerance is not None:
        intolerance = trial.intolerance
        when = f" on {intolerance.date.isoformat()}" if intolerance.date else ""
        lines.append(f"   intolerance: {intolerance.reason}{when} [{intolerance.source}]")
    # The pair's scale: the PHQ-9, or another scale's when no PHQ-9 was on treatment (W10).
    lines.append(
        f"   {trial.outcome_scale} baseline: {_score(trial.baseline)}; "
        f"on treatment: {_score(trial.on_treatment)}"
    )
    outcome = []
    on_treatment = trial.on_treatment
    # Review 11 finding 3: first and last score alone read months of remission on a course
    # still running as "no response, no remission"; the remission it held is said instead.
    held = (
        remission_on(trial, scores, before=on_treatment.date)
        if on_treatment is not None and trial.remission is False
        else ()
    )
    if held and on_treatment is not None:
        span = held[0].date.isoformat()
        if len(held) > 1:
            span += f" to {held[-1].date.isoformat()}"
        outcome.append(
            f"remission on it (PHQ-9 < {trial.remission_below} {span}), then PHQ-9 "
            f"{on_treatment.value} on {on_treatment.date.isoformat()}"
        )
    if trial.mild_residual and trial.episode_baseline is not None and not held:
        # Review 15 recheck m05: a mild course baseline left by a responding severe episode.
        peak = trial.episode_baseline
        outcome.append(
            f"response of the episode (episode baseline {peak.instrument} {peak.value} on "
            f"{peak.date.isoformat()})"
        )
    elif trial.mild_residual and not held:
        # Review 15 W1: from a mild baseline a 50 % drop is not judged; never a failure.
        outcome.append(
            f"response not judged (baseline below the moderate band's {trial.outcome_moderate_from})"
        )
    elif trial.response is not None and not held:
        # A 25-49 % drop is named (review 17 W4), though it counts as no response.
        outcome.append(response_words(trial))
    if trial.remission is not None and not held:
        outcome.append("remission" if trial.remission else "no remission")
    if trial.unsettled:  # claims its readings give differently (review s27 K3 finding 2)
        outcome.append(trial.unsettled_text)
    if outcome and not not_a_trial:
        lines.append(f"   outcome: {', '.join(outcome)}")
    why = f" ({', '.join(_reason_value(trial, r) for r in trial.reasons)})" if trial.reasons else ""
    lines.append(f"   verdict: {trial.verdict.value}{why}")
    lines.extend(f"   note: {note}" for note in trial.notes)
    if trial.sources:
        lines.append(f"   from: {', '.join(str(s) for s in trial.sources)}")
    return lines


_INTERACTING = Role.INTERACTING


def _interacting_lines(trial: Trial) -> list[str]:
    """A course of a drug read only for the interaction checks: what it is, its dates and doses
    and where it was read, never an adequacy range or a verdict."""
    state = "ongoing" if trial.ongoing else "ended"
    lines = [
        f"   {trial.ingredient} ({trial.drug_class}) {trial.start.isoformat()} -> "
        f"{trial.end.isoformat()} ({state})"
    ]
    for segment in trial.segments:
        days = (segment.end - segment.start).days
        lines.append(
            f"      {segment.start.isoformat()} -> {segment.end.isoformat()}: "
            f"{_mg(segment.mg_per_day, segment.mg_per_day_high)} ({days} days)"
        )
    if trial.sources:
        lines.append(f"      from: {', '.join(str(s) for s in trial.sources)}")
    return lines


def explain(record: PatientRecord, site_maximum: SiteMaximum | None = None) -> str:
    """The account; `site_maximum`: the top of each course's range at the site, as the cards
    state it (the market's label below CANMAT's range), else the drug row's maximum."""
    patient = record.patient
    lines = [
        f"Record as of {record.as_of.isoformat()}: age {patient.age if patient.age is not None else '?'}, "
        f"sex {patient.sex or '?'}; {record.resources_read} resources read, "
        f"{record.resources_skipped} skipped",
        f"Current episode start: {record.episode_start.isoformat() if record.episode_start else 'unknown'}",
        "",
    ]
    # A drug read only because it interacts with antidepressants (methadone, tramadol, linezolid:
    # Role.INTERACTING) is never an antidepressant trial: listed apart, with its dates and dose
    # and none of a trial's adequacy, scores or verdict (review 12 finding 3).
    trials = [t for t in record.trials if t.role is not _INTERACTING]
    others = [t for t in record.trials if t.role is _INTERACTING]
    lines.append(f"Trials ({len(trials)}):")
    for number, trial in enumerate(trials, 1):
        lines.extend(_trial_lines(number, trial, record.scores, site_maximum))
    if not trials:
        lines.append("   none")
    if others:
        lines += ["", f"Other drugs read for interaction checks, not trials ({len(others)}):"]
        for trial in others:
            lines.extend(_interacting_lines(trial))
    lines += ["", f"Scores ({len(record.scores)}):"]
    for score in record.scores:
        lines.append(
            f"   {score.instrument}: {_score(score)}"
            + (f" [{score.source}]" if score.source else "")
        )
    if record.unfinished_scores:
        # Preliminary and cancelled results (result_statuses.py, review 14 U1): a positive item 9
        # raises the suicide-risk card; the rest is named here only, never judges a trial.
        lines += ["", f"Scores not final ({len(record.unfinished_scores)}):"]
        for score in record.unfinished_scores:
            lines.append(
                f"   {score.instrument} ({score.status}): {_score(score)}"
                + (f" [{score.source}]" if score.source else "")
            )
    lines += ["", f"Findings ({len(record.context.findings)}):"]
    for finding in record.context.findings:
        onset = finding.onset_text or "date unknown"  # "2024 (year only)": review 10 recheck R7
        severity = f", {finding.severity}" if finding.severity else ""
        lines.append(
            f"   {finding.kind.value}: {finding.code} {finding.display} ({onset}{severity})"
            + (f" [{finding.source}]" if finding.source else "")
        )
    lines += ["", f"Labs ({len(record.context.labs)}):"]
    for lab in record.context.labs:
        value = "?" if lab.value is None else f"{lab.value:g}"
        lines.append(
            f"   {lab.test}: {value} {lab.unit or ''} on {lab.date.isoformat()} ({lab.flag or 'no flag'})"
        )
    lines += ["", f"Procedures ({len(record.procedures)}):"]
    for proc in record.procedures:
        when = proc.date.isoformat() if proc.date else "date unknown"
        lines.append(f"   {proc.kind.value}: {proc.code} on {when}")
    lines += ["", f"Referrals ({len(record.referrals)}):"]
    for ref in record.referrals:
        when = ref.authored.isoformat() if ref.authored else "date unknown"
        lines.append(f"   {ref.kind}: {ref.status}, authored {when}")
    if record.draft_orders:
        lines += ["", f"Draft orders ({len(record.draft_orders)}):"]
        for draft in record.draft_orders:
            lines.append(f"   {draft.ingredient}: {_draft_dose(draft)} ({draft.role.value})")
    # The Patient record's own status (merged, inactive) is no resource left unread (fix 19a):
    # said on its own line, never counted under "Not read".
    status = [g for g in record.gaps if is_record_status(g)]
    if status:
        lines += ["", "Patient record status:"]
        lines.extend(f"   {line}" for line in describe(status))
    unread = [g for g in record.gaps if not is_record_status(g)]
    lines += ["", f"Not read ({len(unread)}):"]
    lines.extend(f"   {line}" for line in describe(unread, limit=50))
    if not unread:
        lines.append("   nothing: every relevant resource was read")
    return "\n".join(lines) + "\n"


def _reason_value(trial: Trial, reason: InadequacyReason) -> str:
    """A reason by its code ("too-short"), or what the cards say in its place when the record
    states no length of the course ("duration not recorded": course_length.length_not_recorded,
    review s20 W2 item 1): a length not on record is not known to be short."""
    if reason is InadequacyReason.TOO_SHORT:
        unknown = length_not_recorded(trial)
        if unknown is not None and duration_to_confirm(trial):
            return f"adequacy to confirm: {unknown}"  # session 21 F3 item 1
        if unknown is not None:
            return unknown
    return reason.value
