"""The failed trials as every card counts them, in one set of words (audit 13 WRONG 4, 8, 9, 12).

The optimise, TMS, psychotherapy and TSH cards each wrote their own count: the optimise card said
"1 adequate trial failed (mirtazapine), 1 stopped unmeasured (citalopram)" while the three others
said "2 adequate trials failed", and a course ordered for PMDD, taken beside carbamazepine or
only reported by the patient was marked "to confirm" on the TMS criterion alone. Here, once:

- a failure read only from the course having stopped (Trial.outcome_inferred) is "stopped
  unmeasured", never an adequate trial that failed (review 10 finding 16);
- a course only the patient reports is "self-reported" (card_format.reported_note);
- a counted course the record leaves open is "to confirm": its stated reason names no depression
  (trial_indication.to_confirm_text), an inducer ran beside it (inducers.note), or another
  validated scale shows response where the PHQ-9 does not (`disagreeing_text`), or a newer PHQ-9
  whose total and answers disagree reads as no failure on one reading (`form_text`). The reason is
  said in full by `confirm_lines`; a summary names the drug only.
- a course judged by a PHQ-9 taken while another antidepressant also ran is named with it,
  "sertraline + escitalopram together" (`taken_with`; recheck 17-2 W4).

The counts themselves (which trials failed, one per drug) stay PathwayFacts.failed_trials.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import timedelta

from fhir_mapping.partial_response import partial_response
from fhir_mapping.phq9_conflict_readings import conflicted_text
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, Role, Trial, Verdict
from fhir_mapping.scale_outcomes import remission_below
from services import inducers, trial_indication
from services.card_format import names, reported_note
from services.last_answer import kept

# A failure read only from the stop (Trial.outcome_inferred), as the counts, the staging line
# and the TMS trial criterion all say it (review K30c finding 2: three counts, one trial).
STOPPED_UNMEASURED = "stopped unmeasured"


def confirm_reasons(trial: Trial, record: PatientRecord) -> tuple[str, ...]:
    """What is left to confirm of a counted trial, in the words the TMS criterion uses: its
    stated reason ("ordered for PMDD (F32.81): confirm it was a trial for the depression"),
    an inducer beside it ("taken with carbamazepine ...: the dose may not have been adequate").
    Empty for nearly every trial."""
    found = [
        trial_indication.to_confirm_text(trial),
        inducers.note(trial, record),
        disagreeing_text(trial),
        unconfirmed_text(trial),
        form_text(trial),
    ]
    return tuple([text for text in found if text is not None])


def unconfirmed_text(trial: Trial) -> str | None:
    """ "listed as active, not confirmed since 2025-05-05: to confirm": a course the record
    lists as taken with nothing since to show it is (Trial.unconfirmed_since: a statement or an
    order never renewed or filled). The adherence card asks to reconcile it "before counting it
    as a trial" (rules/adherence_lapses.py); a card that counts it says the same (review s24 RN
    finding 3: "2 adequate trials failed" beside that request), the safer reading before a
    switch or a TMS referral rests on it. None: nothing to reconcile."""
    since = trial.unconfirmed_since
    if since is None:
        return None
    what = "order never renewed" if trial.unconfirmed_order else "listed as active"
    return f"{what}, not confirmed since {since.isoformat()}: to confirm"


def form_text(trial: Trial) -> str | None:
    """ "PHQ-9 12 on 2025-06-10, total filed 3, items sum to 12: one reading is no failure:
    to confirm": a failed course whose newer PHQ-9 was set aside because its
    readings differ on the failure (Trial.conflicted, fhir_mapping/phq9_conflict_readings.py),
    the failure read from an earlier score. Recheck K5 s28 finding 10: "2 adequate trials
    failed" beside a form one reading of which is a remission; the optimise card already holds
    its step until the form is checked (services/phq9_disagreements.py), and the count says so.
    None: no such score (nearly every trial), or the course not counted failed."""
    if not trial.conflicted or not trial.failed:
        return None
    return f"{conflicted_text(trial.conflicted)}: one reading is no failure: to confirm"


def disagreeing_text(trial: Trial) -> str | None:
    """ "HAM-D17 28 -> 12 (response) disagrees: to confirm": another validated scale, in the
    same windows, shows response or remission where the PHQ-9 does not (Trial.disagreeing).
    The PHQ-9 still decides the count; a second scale saying response
    makes the failure uncertain, so it is to confirm (the safer reading before a switch or a
    TMS referral rests on it). None: no such scale."""
    pair = trial.disagreeing
    if len(pair) != 2:
        return None
    before, after = pair
    below = remission_below(after.instrument)
    said = (
        "remission"
        if below is not None and after.value is not None and after.value < below
        else "response"
    )
    return f"{after.instrument} {before.value} -> {after.value} ({said}) disagrees: to confirm"


def confirm_note(trials: Sequence[Trial], record: PatientRecord) -> str:
    """Said after the names of trials a card counts, as reported_note is: ", to confirm" when
    every one has something to confirm, ", sertraline to confirm" when some do, "" when none."""
    marked = list(dict.fromkeys([t.ingredient for t in trials if confirm_reasons(t, record)]))
    if not marked:
        return ""
    if len(marked) == len(dict.fromkeys([t.ingredient for t in trials])):
        # Naming what is to confirm (audit 16 minor, a07): a bare ", to confirm" before a
        # summary's ": augment ..." read as "to confirm: augment".
        return {1: f", {marked[0]} to confirm", 2: ", both to confirm"}.get(
            len(marked), ", all to confirm"
        )
    return f", {', '.join(marked)} to confirm"


def confirm_lines(trials: Sequence[Trial], record: PatientRecord) -> list[str]:
    """One line per counted trial with something to confirm: "sertraline: ordered for ...:
    confirm it was a trial for the depression"; for a card's detail."""
    # Trials with the same reasons share one line ("sertraline, venlafaxine: ordered for ...
    # (F19.94): ..."): a 90-character diagnosis said once per drug buried the point (audit 16
    # minor, a07).
    grouped: dict[tuple[str, ...], list[str]] = {}
    for t in trials:
        reasons = confirm_reasons(t, record)
        if reasons:
            grouped.setdefault(tuple(reasons), []).append(t.ingredient)
    lines = []
    for reasons, drugs in grouped.items():
        said = "; ".join(reasons)
        if len(drugs) > 1:
            said = said.replace("confirm it was", "confirm each was")
        lines.append(f"{', '.join(dict.fromkeys(drugs))}: {said}")
    return lines


_FROM_WEEK = MappingPolicy().on_treatment_from_week


def taken_with(trial: Trial, record: PatientRecord) -> tuple[Trial, ...]:
    """The other antidepressant courses (another ingredient, antidepressant role) that ran on the
    day of the PHQ-9 `trial` was judged by, earliest first; () for nearly every trial.

    Recheck 17-2 W4: sertraline since January and escitalopram since March, both running, read
    "1 adequate trial failed (escitalopram); sertraline not measured yet". The score windows give
    a score to the later course alone (fhir_mapping/score_windows.py: a course's window ends
    where the next one starts), which is right for a switch and is what every other reader of
    the windows (the timeline, the payer trials, the staging) expects, so the windows stay; what
    the record shows here is the outcome of the two taken together, and the words say so. A
    cross-taper whose old course stopped before the score is not "together".

    Answered again for the same trial of the same record (issue 14): the switch section, its
    candidates, the summary, the counts' words and the "not measured" check each ask it of every
    failed trial, and each answer walks every course of the chart."""
    global _answers
    answers = _answers  # read once: another thread may replace it, never mutate it in place
    if answers is None or answers[0] is not record:
        answers = _answers = (record, {})
    memo = answers[1]
    entry = memo.get(id(trial))
    if entry is not None and entry[0] is trial:
        return entry[1]
    found = _taken_with(trial, record)
    # Keyed by the trial's id, the trial held beside its answer: the id cannot pass to another
    # object while the entry lives, and `is` above rejects anything else.
    memo[id(trial)] = (trial, found)
    return found


# `taken_with`'s answers for the last record asked about (that very object, compared by `is`, as
# services/last_answer.py does), filled as they are asked. Safe to fill: each answer is a pure
# function of a frozen trial and this frozen record (and a policy constant), so an entry is right
# for as long as the record lives; another record gets a new dictionary, so nothing passes from
# one patient's chart to another's. Two threads on one record at most compute an answer twice.
_answers: tuple[PatientRecord, dict[int, tuple[Trial, tuple[Trial, ...]]]] | None = None


def _taken_with(trial: Trial, record: PatientRecord) -> tuple[Trial, ...]:
    score = trial.on_treatment
    if score is None or trial.outcome_inferred or not trial.start <= score.date <= trial.end:
        return ()
    day = score.date
    # The partner had run as long as a course's own on-treatment window waits before a score
    # counts (MappingPolicy.on_treatment_from_week): a switch's new drug started days before the
    # old one's last score is not what that score measured.
    since = day - timedelta(weeks=_FROM_WEEK)
    return tuple(
        sorted(
            (
                t
                for t in record.trials
                if t is not trial
                and t.role is Role.ANTIDEPRESSANT
                and t.ingredient != trial.ingredient
                and t.start <= since
                and day <= t.end
                and t.on_hold is None
                # A plan, status unknown, never filled (span70: feed_unfilled): measured nothing.
                and t.verdict is not Verdict.NOT_A_TRIAL
                and not t.feed_unfilled
                and _antidepressant_dose(t)
            ),
            key=lambda t: t.start,
        )
    )


def _antidepressant_dose(trial: Trial) -> bool:
    """At or above its minimum antidepressant dose, taken daily: trazodone 50 mg at bedtime for
    sleep is a hypnotic dose beside an antidepressant, not a second antidepressant the score
    measured."""
    last = trial.segments[-1] if trial.segments else None
    return (
        trial.min_adequate_mg is not None
        and trial.current_mg_per_day is not None
        and trial.current_mg_per_day >= trial.min_adequate_mg
        and not (last is not None and last.as_needed)
    )


def _names(trials: Sequence[Trial], record: PatientRecord) -> str:
    """names(trials), a course judged on a combination named with its partners: "sertraline +
    escitalopram together" (`taken_with`), never escitalopram alone."""
    said = []
    counted = {t.ingredient for t in trials}
    for t in trials:
        # A partner counted in its own right (judged by its own score) is named on its own.
        partners = [p for p in taken_with(t, record) if p.ingredient not in counted]
        said.append(
            " + ".join([*(p.ingredient for p in partners), t.ingredient]) + " together"
            if partners
            else t.ingredient
        )
    return ", ".join(dict.fromkeys(said))


def combined_partners(trials: Sequence[Trial], record: PatientRecord) -> frozenset[str]:
    """The ingredients whose outcome the record has only as part of a combination judged with a
    counted trial (`taken_with`): a course not to call "not measured yet" on its own."""
    return frozenset(p.ingredient for t in trials for p in taken_with(t, record))


def failed_words(trials: Sequence[Trial], record: PatientRecord) -> tuple[str, str]:
    """The failed trials (PathwayFacts.failed_trials) as every card counts them, with and without
    their names: "2 adequate trials failed (sertraline, venlafaxine), sertraline to confirm";
    "1 adequate trial failed (venlafaxine), 1 stopped unmeasured (sertraline)"; "1 trial stopped
    (sertraline, response not measured)". The short form keeps every mark (a summary
    that falls back to it must not drop one)."""
    if type(trials) is tuple:
        # PathwayFacts.failed_trials (a tuple): the optimise, TMS, psychotherapy and diagnosis
        # cards each count them for one evaluation (issue 14); a list is read afresh.
        return _kept_failed_words(trials, record)
    return _failed_words(trials, record)


@kept  # pure, immutable in and out: services/last_answer.py
def _kept_failed_words(trials: tuple[Trial, ...], record: PatientRecord) -> tuple[str, str]:
    return _failed_words(trials, record)


def failed_brief(trials: Sequence[Trial], record: PatientRecord) -> str:
    """`failed_words`' short form with its marks said as one count: "1 adequate trial failed,
    2 stopped unmeasured, 2 to confirm" for "..., sertraline self-reported (fluoxetine:
    medication list only)". For a summary whose action the marks would push past its 140
    characters (review s27 RQ2 finding 4: "...: augment (aripiprazole or…"): the action stays
    whole and no mark is lost silently; the card's detail or the TMS card names them."""
    marked = to_confirm(trials, record)
    short = failed_unmarked(trials, record)
    return f"{short}, {len(marked)} to confirm" if marked else short


def failed_unmarked(trials: Sequence[Trial], record: PatientRecord) -> str:
    """`failed_words`' short form without a mark: "1 adequate trial failed, 2 stopped
    unmeasured", for a caller that counts the marks itself (`failed_brief`)."""
    return _failed_words(trials, record, marks=False)[1]


def to_confirm(trials: Iterable[Trial], record: PatientRecord) -> frozenset[str]:
    """The ingredients of `trials` carrying any mark (self-reported, medication list only, a
    reason to confirm): the count `failed_brief` says, and the TMS card's brief count."""
    return frozenset(
        t.ingredient
        for t in trials
        if t.patient_reported or t.statement_only or confirm_reasons(t, record)
    )


def _named(head: str, inside: str, said: str) -> str:
    """ "head (inside)said", a mark that is itself a bracket (card_format.reported_note:
    " (fluoxetine: medication list only)") said inside the names' bracket, after a "; ", never
    as a second bracket beside it."""
    if said.startswith(" (") and ")" in said:
        mark, rest = said[2:].split(")", 1)
        return f"{head} ({inside}; {mark}){rest}"
    return f"{head} ({inside}){said}"


def _marks(trials: Sequence[Trial], record: PatientRecord, marks: bool) -> str:
    return reported_note(trials) + confirm_note(trials, record) if marks else ""


def _failed_words(
    trials: Sequence[Trial], record: PatientRecord, marks: bool = True
) -> tuple[str, str]:
    measured = [t for t in trials if not t.outcome_inferred]
    inferred = [t for t in trials if t.outcome_inferred]
    n, m = len(measured), len(inferred)
    adequate = "1 adequate trial failed" if n == 1 else f"{n} adequate trials failed"
    stopped = "1 trial stopped" if m == 1 else f"{m} trials stopped"
    said = _marks(measured, record, marks)
    said_inferred = _marks(inferred, record, marks)
    partial = partial_words(measured, record, marks)
    if partial is not None:
        long_measured, short_measured = partial
    else:
        long_measured, short_measured = (
            _named(adequate, _names(measured, record), said),
            f"{adequate}{said}",
        )
    if not inferred:
        return long_measured, short_measured
    if not measured:
        return _named(stopped, f"{names(inferred)}, response not measured", said_inferred), (
            f"{stopped}, response not measured{said_inferred}"
        )
    if partial is None:
        # Review s27 K4 finding 9: "2 adequate trials failed, sertraline self-reported, 1 stopped
        # unmeasured, self-reported" said the mark twice, the second naming no trial. The mark
        # is said once, after both counts, naming the trials it applies to unless every one is.
        # `marks` False (failed_brief): no mark at all, the caller counts them (RQ2 finding 4).
        once = _marks_once(measured, inferred) if marks else ""
        confirm = confirm_note(measured, record) if marks else ""
        confirm_inferred = confirm_note(inferred, record) if marks else ""
        head = f"{adequate} ({_names(measured, record)}){confirm}"
        stops = f"{m} {STOPPED_UNMEASURED}"
        # A bracketed mark (" (fluoxetine: medication list only)") goes inside the stopped
        # trials' bracket, never as a second bracket beside it (_named).
        return (
            _named(f"{head}, {stops}", names(inferred), f"{confirm_inferred}{once}"),
            f"{adequate}{confirm}, {stops}{confirm_inferred}{once}",
        )
    return (
        _named(f"{long_measured}, {m} {STOPPED_UNMEASURED}", names(inferred), said_inferred),
        f"{short_measured}, {m} {STOPPED_UNMEASURED}{said_inferred}",
    )


def _marks_once(measured: Sequence[Trial], inferred: Sequence[Trial]) -> str:
    """The reported_note of the failed and the stopped trials together, said once after both
    counts: ", sertraline, fluoxetine self-reported"; ", both self-reported" ("all" for three or
    more) when the mark is on every stopped trial and on no failed one, right after their count
    (their names are in its parenthesis, and the summary keeps its own clauses: the TMS card's
    "payer criteria not yet met")."""
    stopped = reported_note(inferred)[2:]
    count = len(dict.fromkeys([t.ingredient for t in inferred]))
    if count > 1 and stopped in _UNNAMED_MARKS and not reported_note(measured):
        return f", {'both' if count == 2 else 'all'} {stopped}"
    return reported_note([*measured, *inferred])


# reported_note's marks when every trial it was given carries one: no names.
_UNNAMED_MARKS = frozenset({"self-reported", "medication list only"})


def partial_words(
    measured: Sequence[Trial], record: PatientRecord, marks: bool = True
) -> tuple[str, str] | None:
    """The measured failed trials when some ended in a partial response (a 25-50 % drop:
    fhir_mapping/partial_response.py), with and without their names: "1 adequate trial failed
    (sertraline), 1 partial response (venlafaxine, 40 %)"; None when none did.

    Review 17 W4 left "2 adequate trials failed (sertraline, venlafaxine)" on every card beside
    an optimise card that adds an adjunct to the venlafaxine first (CANMAT 2023 para 190): one
    screen told two stories (audit 17 W3). A partial response still counts toward treatment
    resistance (< 50 % is no response: REFERENCE.md rule 4), so the count of adequate trials
    without response is unchanged; only the words say which were partial."""
    partial = [t for t in measured if partial_response(t) is not None]
    if not partial:
        return None
    said_ids = {id(t) for t in partial}
    failed = [t for t in measured if id(t) not in said_ids]
    k = len(partial)
    drops = ", ".join(f"{t.ingredient}, {partial_response(t) or 0:.0f} %" for t in partial)
    said_partial = _marks(partial, record, marks)
    if not failed:
        head = "1 adequate trial" if k == 1 else f"{k} adequate trials"
        return (
            _named(f"{head} with partial response only", drops, said_partial),
            f"{head} with partial response only{said_partial}",
        )
    n = len(failed)
    adequate = "1 adequate trial failed" if n == 1 else f"{n} adequate trials failed"
    said = _marks(failed, record, marks)
    responses = "1 partial response" if k == 1 else f"{k} partial responses"
    return (
        _named(
            f"{_named(adequate, _names(failed, record), said)}, {responses}", drops, said_partial
        ),
        f"{adequate}{said}, {responses}{said_partial}",
    )
