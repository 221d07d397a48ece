"""The trials table a card shows: each trial's dose path, adherence, PHQ-9 pair and verdict in
words, and the markdown table of them, oldest first.

Apart from cards.py because this is where a Trial (fhir_mapping/record.py) becomes the words a
clinician checks its verdict by: why a course was not adequate, what the refill data show, what
was not recorded. cards.py assembles a card; the other cards' rules quote these texts one by one.

The texts are in three modules, one per column family: the dose (trial_dose_text.py), the
adherence (trial_adherence_text.py) and the verdict (trial_verdict_text.py). Here: the table
itself, with the PHQ-9 pair and the notes its verdict cell adds from the record (a preliminary
PHQ-9, an inducer, PHQ-9s named but not read); every text stays importable from here, where callers import it.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    PatientRecord,
    Score,
    Trial,
    Verdict,
)
from services import (
    clinic_courses,
    inducers,
    no_phq9_words,
    preliminary_phq9,
    trial_cells,
    trial_dates,
)
from services.card_format import fmt_weeks, table
from services.phq9_disagreements import pair_words
from services.score_correction_words import trial_words
from services.trial_adherence_text import (
    adherence_text,
    first_fill_text,
    held_text,
    pdc_text,
)
from services.trial_dose_text import (
    PER_ADMINISTRATION,
    adequate_only_as_needed,
    below_minimum,
    below_only_as_needed,
    dose_path,
    dose_unknown_text,
    taken_only_as_needed,
    top_dose_text,
    unknown_dose_weeks,
    weeks_not_applicable,
)
from services.trial_verdict_text import (
    fixed_course_text,
    intolerance_text,
    possibly_adequate,
    reason_text,
    verdict_text,
)

# The names other modules and tests use, kept importable from here (the dose, adherence and
# verdict texts among them).
__all__ = [
    "PER_ADMINISTRATION",
    "adequate_only_as_needed",
    "adherence_text",
    "below_minimum",
    "below_only_as_needed",
    "dose_path",
    "dose_unknown_text",
    "first_fill_text",
    "fixed_course_text",
    "held_text",
    "intolerance_text",
    "pdc_text",
    "possibly_adequate",
    "reason_text",
    "taken_only_as_needed",
    "top_dose_text",
    "trial_table",
    "unknown_dose_weeks",
    "verdict_text",
]

# Enum members compared per trial, as module constants, as in trial_verdict_text.py (issue 14).
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_START = operator.attrgetter("start")  # oldest first: a C-level sort key


def _score_value(score: Score | None, unsettled: tuple[str, ...]) -> str:
    if score is None or score.value is None:
        return "–"
    # Names a total that disagrees with its items (s27 RB 1) and a claim its readings give
    # differently (s27 K3 finding 2).
    return pair_words(score, unsettled)


def _phq9_pair(trial: Trial, record: PatientRecord | None) -> str:
    unsettled = trial.unsettled
    # A score a correction gave, where it changes this trial's judgement (fix score54).
    before = _score_value(trial.baseline, unsettled) + trial_words(record, trial, trial.baseline)
    after = _score_value(trial.on_treatment, unsettled) + trial_words(
        record, trial, trial.on_treatment
    )
    pair = f"{before} → {after}"
    # Another scale's pair (no PHQ-9 on treatment; review 13 W10) is named: "MADRS 34 → 8".
    scale = trial.outcome_scale
    return pair if scale == "PHQ-9" else f"{scale} {pair}"


def trial_table(
    trials: Sequence[Trial], policy: MappingPolicy, record: PatientRecord | None = None
) -> str:
    """The trials as a markdown table, oldest first. With the `record`, a trial taken beside a
    drug that lowers its levels says so in its verdict, "to confirm" (services/inducers.py,
    review 12 finding 11).

    A course that is not an antidepressant trial (e.g. trazodone 50 mg at night for sleep) shows
    no adherence or PHQ-9 columns: an as-needed hypnotic's refill rate and the depression scores
    around it say nothing about it, and "poor adherence" on it would mislead.
    """
    rows = []
    for t in sorted(trials, key=_START):
        not_a_trial = t.verdict is _NOT_A_TRIAL
        if record is None:
            dose, verdict = dose_path(t), verdict_text(t, policy)
            adherence = "–" if not_a_trial else adherence_text(t)
        else:
            # Worded once for the record: the referral summary's table words them again
            # (services/trial_cells.py says why that is safe).
            dose, verdict = (
                trial_cells.dose(t, record, policy),
                trial_cells.verdict(t, record, policy),
            )
            adherence = "–" if not_a_trial else trial_cells.adherence(t, record, policy)
        rows.append(
            (
                f"{t.ingredient} ({t.drug_class})",
                dose,
                trial_dates.dates_text(t),  # as written when partial; a stop dated today
                _weeks(t, record),
                adherence,
                "–" if not_a_trial else _phq9_pair(t, record),
                _with_unread(
                    _with_preliminary(_with_inducer(verdict, t, record), t, record, policy),
                    t,
                    record,
                ),
            )
        )
    return table(
        (
            "Drug",
            "mg/day",
            "Dates",
            "Weeks at adequate dose",
            "Adherence",
            "PHQ-9 before → after",
            "Verdict",
        ),
        rows,
    )


def _weeks(trial: Trial, record: PatientRecord | None) -> str:
    """The weeks cell: weeks at an adequate dose (at least those of the shortest reading of
    partial dates), or for a drug dosed per session what applies instead (review s20 item 3)."""
    sessions = None if record is None else clinic_courses.sessions_in(record, trial)
    instead = weeks_not_applicable(trial, sessions)
    if instead is not None:
        return instead
    if trial_dates.listed_undated(trial):  # review s23 RT finding 2: not measured weeks
        return f"not known ({fmt_weeks(trial.weeks_at_adequate_dose)} since listed)"
    weeks = trial_dates.partial_weeks(trial) or fmt_weeks(trial.weeks_at_adequate_dose)
    if trial.alone_from is not None:  # counted from the day it went on alone (role 49)
        weeks = f"{weeks} (alone since {trial.alone_from.isoformat()})"
    return weeks


def _with_preliminary(
    verdict: str, trial: Trial, record: PatientRecord | None, policy: MappingPolicy
) -> str:
    """The verdict of a trial whose outcome is not measured, with the preliminary PHQ-9 on
    treatment named (services/preliminary_phq9.py): "no PHQ-9 on treatment" beside a card that
    names one filed last week would contradict it (review 14 U1). It still judges nothing: the
    verdict stands, and the missing PHQ-9 is said as a missing reviewed one."""
    if record is None or not record.unfinished_scores:
        return verdict
    score = preliminary_phq9.on_treatment(trial, record, policy)
    if score is None:
        return verdict
    unmeasured = trial.unmeasured_text
    reviewed = unmeasured.replace("no PHQ-9", "no reviewed PHQ-9", 1)
    verdict = verdict.replace(unmeasured, reviewed, 1)
    if score == preliminary_phq9.newer_than_reviewed(record):
        # Named once (audit 14 leftover): every card whose table reads the record names this
        # total beside it, in the scores section ("Newer: preliminary PHQ-9 ...", kept in the
        # basis when the section goes behind a link) or in the measurement card's own section.
        return verdict
    return f"{verdict}; {preliminary_phq9.row_text(score)}"


def _with_unread(verdict: str, trial: Trial, record: PatientRecord | None) -> str:
    """The verdict of a running course with no PHQ-9 on treatment, "outcome not read (3 PHQ-9
    results under an unmapped site code)" instead of "not measured yet" while results named
    PHQ-9 dated since it started (or undated) could not be read (review 19 I6): the record may
    well hold its outcome, which the card must not call unmeasured."""
    if record is None or not record.gaps or not trial.ongoing or not trial.outcome_unmeasured:
        return verdict
    unread = no_phq9_words.unread_since(record, trial.start)
    if not unread:
        return verdict
    said = f"outcome not measured yet ({trial.unmeasured_text})"
    read = f"outcome not read ({no_phq9_words.unread_phq9_words(unread)})"
    return verdict.replace(said, read, 1)


def _with_inducer(verdict: str, trial: Trial, record: PatientRecord | None) -> str:
    """The verdict, and "to confirm: taken with carbamazepine ..." when an inducer that lowers the
    drug's levels ran beside it (review 12 finding 11)."""
    if record is None:
        return verdict
    note = inducers.note(trial, record)
    return f"{verdict}; to confirm: {note}" if note else verdict
