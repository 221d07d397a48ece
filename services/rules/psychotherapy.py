"""Psychotherapy: after an adequate antidepressant failure with no psychotherapy on record.

CANMAT 2023 adds psychological treatment early in difficult-to-treat depression (paras 185-186);
CBT and IPT have the evidence (CBT more effective at 6-12 months, para 73). LCD L37086 and several
payers also want a psychotherapy trial before TMS. "On record" = a session of a kind that makes a
course of therapy (standalone or group psychotherapy: services/psychotherapy_sessions.py, policy
psychotherapy_course_kinds) charted as a Procedure or only as a visit (an Encounter whose type
carries the code or names it, review 14 M2, review s24 RQ finding 4), or a psychotherapy
referral still open, or a psychotherapy visit booked (fhir_mapping/encounters.py): therapy
running or arranged gets no card. Only when current, in this episode or within
policy.psychotherapy_current_days (services/psychotherapy_current.py, review s24 RQ findings
1-3): a course that ended before this episode is named with "consider resuming CBT or IPT"; a
referral closed as completed, or left open past the window, with no session after it is named as
lapsed, and a revoked one as revoked. A crisis session (CPT 90839/90840) or psychotherapy added to a medication visit
(90833/90836/90838) is not a trial of CBT or IPT: it keeps the card, which names it (review 6
finding 4).

Puerperal psychosis on record (review 11 finding 2): no card. It is a psychiatric emergency
(rules/postpartum_psychosis.py), and a CBT or IPT referral beside it would read as the next
outpatient step. Likewise with psychotic or catatonic features of this episode (recheck 11
finding 4): their first treatments are ECT, an antipsychotic combination or a benzodiazepine
(CANMAT 2023 Table 3.6, para 215), which the optimise card names, and a CBT/IPT referral beside
them would read as the next step for a patient who may not be able to take part; it returns when
the features are off the problem list. A past puerperal psychosis (an F53.1 dated before the
postnatal year, acute_risk.psychotic_now) is not a current psychotic feature: the card stays.
"""

from __future__ import annotations

from fhir_mapping.encounters import NOT_ATTENDED
from fhir_mapping.record import DataDomain, FindingKind, PatientRecord, SourceRef
from services import cards, suggestions, trial_count, young_age_treatments
from services.maybe_psychotherapy import maybe_psychotherapy, maybe_words
from services.not_done_psychotherapy import not_done_psychotherapy, not_done_words
from services.psychotherapy_current import (
    PsychotherapyStanding,
    lapsed_referrals_line,
    past_course_words,
    psychotherapy_standing,
    revoked_line,
)
from services.psychotherapy_sessions import (
    PsychotherapySessions,
    not_a_course_line,
    psychotherapy_sessions,
    sessions_line,
)
from services.recommendation import Recommendation
from services.rules import populations, psychotherapy_responding
from services.rules.context import RuleContext
from services.rules.optimize.courses import responding
from services.unread_psychotherapy import unread_psychotherapy, unread_words

TOPIC = "psychotherapy"
# What the summary proposes, longest form first; an inpatient stay in progress rewords it
# (services/rules/inpatient_hold.py), as the outpatient referral then waits for discharge.
CONSIDER = ("consider a CBT or IPT referral", "consider CBT or IPT")
# ... and after a course that ended before this episode (review s24 RQ finding 3).
CONSIDER_RESUMING = ("consider resuming CBT or IPT", "consider resuming CBT or IPT")
THERAPIES = (("cbt", "CBT"), ("ipt", "IPT"))  # concepts in data/order_codes.csv


def standing(ctx: RuleContext, found: PsychotherapySessions | None = None) -> PsychotherapyStanding:
    """The record's psychotherapy read against this episode (services/psychotherapy_current.py)."""
    if found is None:
        found = psychotherapy_sessions(ctx.record, ctx.policy)
    return psychotherapy_standing(ctx.record, ctx.policy, ctx.facts.episode_start, found)


def psychotherapy_on_record(ctx: RuleContext, found: PsychotherapySessions | None = None) -> bool:
    """A course of therapy running (a session of a course kind in this episode or the policy
    window), or an open referral for one written then."""
    return standing(ctx, found).current


def history_unavailable(ctx: RuleContext) -> bool:
    """True when the procedures, visits or referrals could not all be seen: an absence of
    psychotherapy is then not proven, and no card may say "none on record" (issue 10)."""
    record = ctx.record
    return (
        record.incomplete(DataDomain.PROCEDURES)
        or record.incomplete(DataDomain.VISITS)
        or record.incomplete(DataDomain.REFERRALS)
    )


def not_attended_line(record: PatientRecord) -> str | None:
    """The psychotherapy visits planned or booked for a day now past that were never recorded
    as attended (fhir_mapping/encounters.py, review 15 recheck p05), with their dates: therapy
    was arranged once, so the prescriber asks what happened before referring again. None: none."""
    lapsed = [r for r in record.referrals if r.kind == NOT_ATTENDED and r.authored is not None]
    if not lapsed:
        return None
    dates = ", ".join(sorted({r.authored.isoformat() for r in lapsed if r.authored is not None}))
    if len(lapsed) == 1:
        return (
            f"1 psychotherapy visit booked for {dates} was not recorded as attended: ask "
            "whether it took place elsewhere or why it lapsed before referring again."
        )
    return (
        f"{len(lapsed)} psychotherapy visits booked for {dates} were not recorded as attended: "
        "ask whether they took place elsewhere or why they lapsed before referring again."
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    facts = ctx.facts
    # Bipolar disorder on record: the unipolar pathway this card belongs to (counted antidepressant
    # failures, LCD L37086's trial before TMS) does not apply, and the diagnosis-review card says
    # so; its "N adequate trials failed" beside that card would contradict it (review finding).
    # A primary psychotic disorder likewise (review 7 finding 9).
    if facts.bipolar or facts.psychotic_disorder or not facts.failed_trials:
        return None
    if facts.puerperal is not None:
        return None  # an emergency first (module docstring)
    # facts.psychotic is read without a past puerperal psychosis (acute_risk.psychotic_now).
    if facts.findings_of(FindingKind.CATATONIA) or facts.psychotic:
        return None  # ECT, an antipsychotic or a benzodiazepine first (module docstring)
    sessions = psychotherapy_sessions(ctx.record, ctx.policy)
    found_now = standing(ctx, sessions)
    if found_now.current:
        return None
    # A course responding now: the failures are history, not the state the card leads with
    # (rules/psychotherapy_responding.py says what the card does then, and why).
    good = responding(ctx)
    if good and psychotherapy_responding.in_remission(good):
        return None
    # Counted in the words every card uses (services/trial_count.py, audit 13 WRONG 4).
    failed, failed_short = trial_count.failed_words(facts.failed_trials, ctx.record)
    unseen = history_unavailable(ctx)
    lapsed = not_attended_line(ctx.record)
    episode_start = facts.episode_start
    lapsed_referrals = lapsed_referrals_line(found_now, episode_start, ctx.policy)
    revoked = revoked_line(found_now)
    unread = unread_words(unread_psychotherapy(ctx.record))
    maybe = maybe_words(maybe_psychotherapy(ctx.record))
    not_done = not_done_words(not_done_psychotherapy(ctx.record))  # care65
    consider = CONSIDER
    past = found_now.past_course
    if unseen:
        absence = "psychotherapy history not available"
    elif past:
        # A course on record, none of it current (review s24 RQ finding 3): said with its last
        # day, so the card is not read as missing it, and resuming is what it proposes.
        absence, past_why = past_course_words(found_now, episode_start, ctx.policy)
        consider = CONSIDER_RESUMING
    elif unread:  # never "none on record" beside them (services/unread_psychotherapy.py)
        absence = unread
        consider = ("confirm, or consider a CBT or IPT referral", "confirm, or consider CBT or IPT")
    elif sessions.other:
        absence = "no course of psychotherapy on record"
    elif maybe:  # never "none on record" beside them (services/maybe_psychotherapy.py)
        absence = maybe
        consider = ("confirm, or consider a CBT or IPT referral", "confirm, or consider CBT or IPT")
    elif lapsed_referrals is not None:
        absence = "psychotherapy referred but no session on record"
    elif lapsed is not None:
        absence = "psychotherapy booked but not attended"
    elif revoked is not None:
        absence = "psychotherapy referral revoked, no session on record"
    elif not_done:  # intended, not given: never "none on record" beside it (care65)
        absence = not_done
        consider = ("ask why, or consider a CBT or IPT referral", "ask why, or consider CBT or IPT")
    else:
        # What this card reads, named (review 14 M2): psychotherapy Procedures, visits (an
        # Encounter whose type carries a psychotherapy code: fhir_mapping/encounters.py) and
        # referrals (ServiceRequests, booked visits). A visit under another code (a 90791
        # evaluation, a clinic's own visit type) is not read as therapy.
        absence = "no psychotherapy procedure, visit or referral on record"
    if good:
        summary = psychotherapy_responding.summary(good, absence, consider)
    else:
        summary = cards.fit_summary(
            f"{failed} and {absence}: {consider[0]}",
            f"{failed_short}; {absence}: {consider[1]}",
            # The marks as one count before the count gives way (review s27 RQ2 finding 4).
            f"{trial_count.failed_brief(facts.failed_trials, ctx.record)}; {absence}: "
            f"{consider[1]}",
        )
    reasons: list[SourceRef] = []
    depression = facts.depression_finding
    if depression is not None and depression.source is not None:
        reasons.append(depression.source)
    found = []
    reason = (
        psychotherapy_responding.request_reason()
        if good
        else "depression not responding to antidepressants"
    )
    for concept, label in THERAPIES:
        resource = None
        if ctx.patient_id is not None:
            resource = suggestions.service_request(
                patient_id=ctx.patient_id,
                concept=concept,
                text=f"Referral for {label} ({reason})",
                reasons=reasons,
            )
        found.append(suggestions.create(f"Refer for {label}", resource))
    if unseen:
        seen = (
            "The psychotherapy history could not be read (procedures, visits or referrals not "
            "available: see below); check whether CBT or IPT has been tried."
        )
    elif past:
        seen = f"Psychotherapy on record: {sessions_line(past)}; {past_why}."
        if sessions.other:
            seen += f" Also on record: {not_a_course_line(sessions)}."
    elif unread:
        seen = (
            f"{unread[0].upper()}{unread[1:]}: confirm whether they were sessions given (their "
            "dates are under Data not read) before referring."
        )
    elif sessions.other:
        # Said as what it is, so the card is not read as missing the therapy on record.
        seen = f"On record: {not_a_course_line(sessions)}."
        if set(sessions.other_kinds) - {"family", "substance-use", "counseling-other", "insomnia"}:
            seen += (
                " A crisis session or psychotherapy added to a medication visit is not a course of "
                "CBT or IPT."
            )
        if "substance-use" in sessions.other_kinds:
            # H0004 with only a substance-use diagnosis read (fhir_mapping/session_kinds.py).
            seen += " Counseling for a substance-use disorder is not a course of CBT or IPT."
        if "counseling-other" in sessions.other_kinds:
            # H0004 with no depressive diagnosis read (review s25 RK4 finding 12).
            seen += " Counseling with no depressive diagnosis is not therapy for depression."
        if "insomnia" in sessions.other_kinds:
            # Named in words as CBT for insomnia (review s29 RK finding 2).
            seen += " CBT for insomnia treats the insomnia, not the depression."
        if "family" in sessions.other_kinds:
            # Family psychotherapy (CPT 90846/90847) is not counted by default (policy
            # psychotherapy_course_kinds): the safer reading keeps the card, saying why.
            seen += " Family psychotherapy is not a course of CBT or IPT for the patient."
    elif maybe:
        seen = (
            f"{maybe[0].upper()}{maybe[1:]} (named as counseling, therapy or behavioral health, "
            "words that may also name other care): confirm whether they were psychotherapy "
            "before referring."
        )
    elif lapsed_referrals is not None:
        seen = "No psychotherapy session is on record."
    elif lapsed is not None or revoked is not None:
        seen = "No psychotherapy session or open psychotherapy referral is on record."
    elif not_done:
        seen = f"No psychotherapy session is on record; {not_done}: ask why before referring."
    else:
        seen = (
            "No psychotherapy procedure, visit (an encounter coded as psychotherapy) or referral "
            "is on record."
        )
    # What lapsed or was revoked is named whatever the branch: the clinician asks about it
    # before referring again.
    for line in (lapsed_referrals, lapsed, revoked):
        if line is not None:
            seen += f" {line}"
    if maybe and maybe not in seen and not unseen:
        # Named whatever else the card says of the record (care69), so it is never left out.
        seen += f" Also on record: {maybe}: confirm."
    if not_done and not_done not in seen and not unseen:
        seen += f" Also on record: {not_done}."
    # Below 18 the basis is NICE NG134's (an antidepressant only alongside a psychological
    # therapy), at the row's indicator, and no adult payer's TMS criterion follows (review s25
    # RA finding 7: CANMAT and Medicare LCD L37086 were named for a 13-year-old).
    # A course responding now keeps its own basis (rules/psychotherapy_responding.py).
    young = None if good else young_age_treatments.row_for("psychotherapy", populations.age(ctx))
    if good:
        basis = psychotherapy_responding.basis(good, seen, failed, ctx.policy.remission_below)
    elif young is not None:
        basis = f"{seen} {young.said()}."
    else:
        basis = (
            f"{seen} CANMAT 2023 recommends adding a psychological treatment (CBT, IPT) early "
            "when antidepressants have not worked."
        )
    # The payer's psychotherapy criterion only once TMS is in view (the trials TMS counts reach
    # the clinic's threshold): after one failure the reason for a referral is CANMAT's, and an
    # LCD named then reads as a TMS step nobody proposes (review 19 I8).
    # Not while a course responds: the TMS criteria hold it (episode_trials._responding).
    # Nor beside a course before this episode: the payer reads therapy at any time, and the TMS
    # card says whether that course meets it (review s24 RQ finding 3).
    tms_in_view = (
        young is None
        and not good
        and not past
        and len(facts.tms_trials) >= ctx.policy.tms_min_failed_trials
    )
    if tms_in_view and not facts.psychotic:
        basis += " Medicare LCD L37086 also expects a psychotherapy trial before TMS."
    evidence = (
        cards.trials_evidence(facts.episode_trials, ctx.policy.mapping, ctx.record),
        cards.scores_evidence(ctx.record),
    )
    detail = cards.join_sections(
        basis,
        *cards.evidence_sections(*evidence),
        cards.guideline_links(
            "canmat2023" if young is None else "nice-ng134",
            *(("lcd-l37086",) if tms_in_view else ()),
        ),
    )
    return cards.make(
        TOPIC,
        summary=summary,
        detail=detail,
        suggestions=found,
        evidence=evidence,
        indicator=young.indicator if young is not None else None,
        source=cards.guideline_source(TOPIC, "nice-ng134") if young is not None else None,
    )
