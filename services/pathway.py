"""Where the patient stands on the TRD pathway: the derived facts every rule shares.

Computed once per evaluation from the PatientRecord and the Policy, so every card counts trials,
remission and contraindications the same way:
- TRD: >= policy.trd_min_failed_trials adequate, failed antidepressant trials (distinct
  ingredients) in the current episode (CANMAT 2023 para 182).
- remission: latest PHQ-9 < policy.remission_below (CMS159), unless the score predates the current
  episode or a later depression diagnosis.
- TMS: the criteria of REFERENCE.md 3.2-3.4 (LCD L34998 / L37086, payer policies) with the clinic's
  thresholds; the reasons it is not suggested are kept so other cards can say why. Courses ended
  for documented intolerance count with the failed ones when policy.tms_count_intolerant_trials
  (payers' "failure or intolerance"); they never count toward TRD. A current trial that is
  responding (>= 50 % PHQ-9 drop) blocks TMS: it is continued, not switched (issue 11 item 2).
  Whether a payer would approve the referral is services/payer_criteria/'s (issue 12).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from operator import attrgetter

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    Referral,
    Role,
    Score,
    Trial,
    Verdict,
)
from services import data_gaps, intolerance_count, mood_cover, tables, tms_course
from services.acute_risk import SuicideSignal as SuicideSignal  # re-exported: rules read it here
from services.acute_risk import suicide_signal
from services.policy import Policy
from services.tms_gate import TmsExclusions, tms_exclusions

# FHIR RequestStatus values: a request in one of these is still open.
OPEN_REQUEST_STATUSES = frozenset({"draft", "active", "on-hold"})
# ... and one in these never happened, so it does not count as "already referred".
VOID_REQUEST_STATUSES = frozenset({"revoked", "entered-in-error"})

TMS_CONTRAINDICATION_KINDS = (FindingKind.EPILEPSY, FindingKind.IMPLANTED_DEVICE)  # L37086, L34998

# Enum members compared per trial or procedure, as module constants: on Python 3.11 reading a
# member off its Enum class costs about ten times reading a global (issue 14).
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_INADEQUATE = Verdict.INADEQUATE
_AUGMENTATION = Role.AUGMENTATION
_TMS = ProcedureKind.TMS
# Trials sorted by start, oldest first, several times per evaluation: a C-level key.
_START = attrgetter("start")
_DEPRESSION = FindingKind.DEPRESSION
_TRD = FindingKind.TRD
_MDD_IN_REMISSION = FindingKind.MDD_IN_REMISSION
_BIPOLAR = FindingKind.BIPOLAR
_PSYCHOTIC = FindingKind.PSYCHOTIC
_PSYCHOTIC_DISORDER = FindingKind.PSYCHOTIC_DISORDER
_CATATONIA = FindingKind.CATATONIA
_TMS_CAUTION = FindingKind.TMS_CAUTION
# Codes that may not stand as the diagnosis a TMS referral cites (qualifies_as_mdd).
_NOT_CITED = frozenset({FindingKind.MDD_IN_REMISSION, FindingKind.BIPOLAR})


def finding_line(f: Finding) -> str:
    """A finding as a TMS line names it: what the chart says, its code, date and resource, so
    the TMS service can find it ("Presence of cardiac pacemaker (Z95.0, since 2019-03-04,
    Condition/abc)"). Devices carry no implant date: say so rather than leave it out."""
    when = f"since {f.onset.isoformat()}" if f.onset else "date not recorded"
    parts = [p for p in (f.code, when, str(f.source) if f.source else "") if p]
    return f"{f.display or f.code} ({', '.join(parts)})"


@dataclass(frozen=True, slots=True)
class TmsAssessment:
    eligible: bool
    blockers: tuple[str, ...]  # why a TMS referral is not suggested, in plain words
    # The blockers that are about the patient rather than about the pathway's count thresholds
    # (contraindication, psychotic features, age, an ECT referral already open): the optimise card
    # names them, since there will be no TMS card to say why.
    clinical: tuple[str, ...] = ()
    # The acute-risk blockers (issue 11 item 8): TMS waits for an acute suicide-risk signal or
    # catatonia. When they are the only blockers, TMS would otherwise be the next step.
    acute: tuple[str, ...] = ()

    @property
    def only_acute(self) -> bool:
        """Blocked by acute risk alone: the TMS criteria are otherwise met."""
        return bool(self.acute) and set(self.blockers) <= set(self.acute)


@dataclass(frozen=True, slots=True)
class PathwayFacts:
    as_of: date
    episode_start: date | None
    episode_trials: tuple[Trial, ...]  # antidepressant trials that started in the current episode
    failed_trials: tuple[Trial, ...]  # adequate and failed, one per ingredient, oldest first
    failed_classes: tuple[str, ...]  # their mechanism classes, distinct, in order of failure
    inadequate_trials: tuple[Trial, ...]
    ongoing_trials: tuple[Trial, ...]  # antidepressant trials running on the as-of date
    augmentations: tuple[Trial, ...]  # adjunct trials in the current episode
    latest_phq9: Score | None
    meets_trd: bool
    is_depressed: bool
    in_remission: bool
    depression_finding: Finding | None  # the Condition a referral cites as its reason
    bipolar: tuple[Finding, ...]
    psychotic: tuple[Finding, ...]
    tms_contraindications: tuple[Finding, ...]
    ect_pointers: tuple[Finding, ...]  # psychotic features: ECT / antipsychotic (CANMAT 2023 3.6)
    tms_open: bool  # a TMS referral or course in this episode already
    tms: TmsAssessment
    suicide: SuicideSignal | None
    # Drug-condition contraindications present on this record (data/drug_cautions.csv), e.g.
    # bupropion with epilepsy: (ingredient, note, finding display).
    cautions: tuple[tuple[str, str, str], ...] = ()
    ect_open: Referral | None = None  # an open ECT referral (no second one is proposed)
    # TMS safety screen items (issue 11 item 6: pacemaker, shunt, stroke, brain tumour, ...):
    # they keep the TMS card, which names each one on its "TMS safety screen required" line.
    tms_cautions: tuple[Finding, ...] = ()
    # Ended courses with documented intolerance in this episode, one per drug, not already in
    # failed_trials (issue 10). With policy.tms_count_intolerant_trials they count toward TMS.
    intolerant_trials: tuple[Trial, ...] = ()
    # Of intolerant_trials, those that count toward TMS (services/intolerance_count.py: the
    # minimum adequate dose reached, or policy.tms_intolerant_min_days run), and the others with
    # why not ("25 mg/day, below the 50 mg/day minimum, for 4 days"): "to confirm", not counted.
    tms_intolerant_trials: tuple[Trial, ...] = ()
    unconfirmed_intolerance: tuple[tuple[Trial, str], ...] = ()
    # The trials the TMS criteria counted: failed_trials, plus tms_intolerant_trials when the
    # policy counts intolerance (payers: "failure or intolerance"), oldest first.
    tms_trials: tuple[Trial, ...] = ()
    # The record's findings by kind, each kind's in record order (as ClinicalContext.of gives
    # them), grouped once for the rules that ask about a dozen kinds (findings_of). Left out of
    # comparison and hashing: the record's findings are compared where they matter.
    findings_by_kind: Mapping[FindingKind, tuple[Finding, ...]] = field(
        default_factory=dict, compare=False, hash=False
    )
    # A primary psychotic disorder on record (schizophrenia, schizoaffective, delusional disorder:
    # review 7 finding 9). Its findings are in `psychotic` too (everything that excludes psychotic
    # features still excludes it), but it is not psychotic depression: like bipolar disorder, the
    # unipolar TRD pathway does not apply and no psychotic-depression regimen is proposed.
    psychotic_disorder: tuple[Finding, ...] = ()

    def findings_of(self, kind: FindingKind) -> tuple[Finding, ...]:
        """`record.context.of(kind)`, without reading every finding again."""
        return self.findings_by_kind.get(kind, ())

    def caution_for(self, ingredient: str) -> str | None:
        """Why this ingredient is contraindicated here, or None."""
        for name, note, display in self.cautions:
            if name == ingredient.lower():
                return f"{note} ({display} on record)"
        return None

    @property
    def failed_ingredients(self) -> tuple[str, ...]:
        return tuple([t.ingredient for t in self.failed_trials])

    @property
    def active(self) -> bool:
        """Depressed and not in remission: the pathway cards apply."""
        return self.is_depressed and not self.in_remission


def in_episode(day: date | None, episode_start: date | None) -> bool:
    """Undated facts and facts on or after the episode start belong to the current episode."""
    return day is None or episode_start is None or day >= episode_start


def _failed_one_per_ingredient(trials: tuple[Trial, ...]) -> tuple[Trial, ...]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=_START):
        if trial.failed:
            latest[trial.ingredient] = trial  # a re-tried drug counts once: keep its latest trial
    return tuple(sorted(latest.values(), key=_START))


def _intolerant_one_per_ingredient(
    trials: tuple[Trial, ...], failed: tuple[Trial, ...]
) -> tuple[Trial, ...]:
    """Ended courses with documented intolerance (issue 10), one per drug, leaving out drugs
    already counted as failed. A drug still taken despite a recorded reaction is not counted:
    the course has not ended for intolerance."""
    counted = {t.ingredient for t in failed}
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=_START):
        if (
            trial.intolerance is not None
            and not trial.ongoing
            and trial.verdict is not _NOT_A_TRIAL
            and trial.ingredient not in counted
        ):
            latest[trial.ingredient] = trial
    return tuple(sorted(latest.values(), key=_START))


def _distinct(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def qualifies_as_mdd(finding: Finding) -> bool:
    """A depression code that may stand as the diagnosis a TMS referral cites: not an "in
    remission" code (F32.4/F32.5, F33.4x: issue 12) and not a bipolar-depression code (F31.3-F31.5
    sit in the VSAC depression value set too, so they also read as DEPRESSION)."""
    return not any(
        row.kind in _NOT_CITED for row in condition_matches(finding.system, finding.code)
    )


def _by_kind(record: PatientRecord) -> dict[FindingKind, tuple[Finding, ...]]:
    """The record's findings by kind, each kind's in record order (as ClinicalContext.of gives
    them): one pass over the findings for the dozen kinds the facts ask about."""
    grouped: dict[FindingKind, list[Finding]] = {}
    for finding in record.context.findings:
        grouped.setdefault(finding.kind, []).append(finding)
    return {kind: tuple(found) for kind, found in grouped.items()}


def _depression_finding(
    record: PatientRecord, by_kind: dict[FindingKind, tuple[Finding, ...]] | None = None
) -> Finding | None:
    of = _by_kind(record) if by_kind is None else by_kind
    candidates = of.get(_TRD, ()) + of.get(_DEPRESSION, ())
    if not candidates:
        return None
    # An active, non-remission code wins (a referral must not cite "MDD, in full remission" as
    # its reason: issue 12); then a finding with a resource to cite; then the most recent onset.
    return max(
        candidates,
        key=lambda f: (qualifies_as_mdd(f), f.source is not None, f.onset or date.min),
    )


def _in_remission(
    record: PatientRecord,
    policy: Policy,
    episode_start: date | None,
    latest: Score | None,
    by_kind: dict[FindingKind, tuple[Finding, ...]],
) -> bool:
    """`latest`: the record's latest PHQ-9 total; `by_kind`: its findings by kind (_by_kind)."""
    if latest is None or latest.value is None:
        # No score: only a coded "MDD in remission" without an active depression code says so.
        return _MDD_IN_REMISSION in by_kind and _DEPRESSION not in by_kind and _TRD not in by_kind
    if latest.value >= policy.remission_below:
        return False
    # A low score older than the current episode or than a later depression diagnosis no longer
    # describes the patient: do not let it silence the pathway (the safer reading).
    onsets = [
        f.onset for f in by_kind.get(_DEPRESSION, ()) + by_kind.get(_TRD, ()) if f.onset is not None
    ]
    newer = [d for d in onsets if d > latest.date]
    if episode_start is not None and latest.date < episode_start:
        return False
    return not newer


def _tms_open(record: PatientRecord, episode_start: date | None) -> bool:
    referred = any(
        r.kind == "tms"
        and r.status not in VOID_REQUEST_STATUSES
        and (r.status in OPEN_REQUEST_STATUSES or in_episode(r.authored, episode_start))
        for r in record.referrals
    )
    # The procedures (many on a chart in therapy) are read only when no referral says it already.
    return referred or any(
        p.kind is _TMS and in_episode(p.date, episode_start) for p in record.procedures
    )


def _tms_assessment(
    policy: Policy,
    *,
    depression: Finding | None,
    bipolar: tuple[Finding, ...],
    psychotic: tuple[Finding, ...],
    failed: tuple[Trial, ...],
    failed_classes: tuple[str, ...],
    latest: Score | None,
    contraindications: tuple[Finding, ...],
    tms_open: bool,
    age: int | None = None,
    ect_open: Referral | None = None,
    acute: TmsExclusions | None = None,
    responding: tuple[Trial, ...] = (),
    earlier_course: str | None = None,
    unconfirmed: tuple[tuple[Trial, str], ...] = (),
    no_phq9: str = "no PHQ-9 on record",
    psychotic_disorder: tuple[Finding, ...] = (),
) -> TmsAssessment:
    # Acute risk first (issue 11 item 8): an acute suicide-risk signal or catatonia, each naming
    # what comes instead of TMS (tms_gate.tms_exclusions). The suicide line is said on the
    # suicide-risk card; catatonia, with no card of its own, is a clinical blocker.
    acute = acute or TmsExclusions()
    blockers: list[str] = [acute.suicide] if acute.suicide else []
    clinical: list[str] = [acute.catatonia] if acute.catatonia else []
    if bipolar:
        blockers.append(f"bipolar disorder on record ({bipolar[0].display})")
    if psychotic_disorder:
        # As bipolar disorder: outside the unipolar pathway, and a coverage exclusion (REFERENCE.md
        # exclusions table: schizophrenia and schizoaffective diagnoses, Ambetter CP.BH.200).
        blockers.append(f"psychotic disorder on record ({psychotic_disorder[0].display})")
    elif psychotic:
        clinical.append(f"psychotic features on record ({psychotic[0].display}): ECT preferred")
    if age is not None and age < policy.adult_age:
        # Safer: no adult pathway card for a minor; the adolescent clearance is adjunct-only.
        clinical.append(
            f"patient is {age}: the TMS criteria here are for adults (policy: {policy.adult_age}+"
            "); the adolescent clearance found (NeuroStar, ages 15-21) is as an adjunct only: "
            "decide with child and adolescent psychiatry"
        )
    blockers.extend(clinical)
    if depression is None:
        blockers.append("no depression diagnosis on the problem list")
    if len(failed) < policy.tms_min_failed_trials:
        counted = (
            "adequate failed or not tolerated trial(s)"
            if any(t.intolerance is not None and not t.failed for t in failed)
            else "adequate failed trial(s)"
        )
        blockers.append(
            f"{len(failed)} {counted} in this episode; policy needs {policy.tms_min_failed_trials}"
            # A short course stopped for intolerance is named, not silently dropped (review 6
            # finding 5): the clinician can confirm it.
            + (
                f" (not counted: {intolerance_count.to_confirm_text(unconfirmed)})"
                if unconfirmed
                else ""
            )
        )
    if (
        policy.tms_require_distinct_classes
        and len(failed_classes) < policy.tms_min_distinct_classes
    ):
        blockers.append(
            f"failed trials span {len(failed_classes)} class(es); "
            f"policy needs {policy.tms_min_distinct_classes}"
        )
    if responding:
        # A current trial with a >= 50 % PHQ-9 drop is continued, not switched or escalated
        # (CANMAT 2023 para 180; issue 11 item 2): no TMS card while it responds (issue 12).
        blockers.append(
            "the current trial is responding ("
            + ", ".join(
                f"{t.ingredient}: PHQ-9 {t.baseline.value} -> {t.on_treatment.value}"
                for t in responding
                if t.baseline is not None and t.on_treatment is not None
            )
            + ", a >= 50 % drop): it is continued, not switched"
        )
    if latest is None or latest.value is None:
        blockers.append(f"{no_phq9} to document severity")  # data_gaps.no_phq9_words
    elif latest.value < policy.tms_min_phq9:
        blockers.append(f"latest PHQ-9 {latest.value} is below {policy.tms_min_phq9}")
    after: list[str] = [f"contraindication: {f.display}" for f in contraindications]
    if ect_open is not None:
        when = f" on {ect_open.authored.isoformat()}" if ect_open.authored else ""
        after.append(f"an ECT referral is already open ({ect_open.status}{when})")
    if earlier_course is not None:
        # A measured earlier course without response (issue 12; services/tms_course.py): no
        # retreatment on this pathway (L37086), and the optimise card says why.
        after.append(earlier_course)
    blockers.extend(after)
    clinical.extend(after)
    if tms_open:
        blockers.append("a TMS referral or course is already on record in this episode")
    return TmsAssessment(
        eligible=not blockers,
        blockers=tuple(blockers),
        clinical=tuple(clinical),
        acute=acute.lines,
    )


def _responding(
    episode_trials: tuple[Trial, ...], record: PatientRecord, episode_start: date | None
) -> tuple[Trial, ...]:
    """Courses of this episode running on the as-of date with a >= 50 % PHQ-9 drop from their
    baseline (Trial.response), antidepressants and adjuncts alike."""
    adjuncts = tuple(
        [t for t in record.trials if t.role is _AUGMENTATION and in_episode(t.start, episode_start)]
    )
    return tuple(
        [
            t
            for t in episode_trials + adjuncts
            if t.ongoing and t.verdict is not _NOT_A_TRIAL and t.response is True
        ]
    )


def ongoing_mood_stabiliser(record: PatientRecord) -> str | None:
    """An antimanic mood stabiliser or antipsychotic running on the as-of date at an antimanic
    dose (data/mood_stabilisers.csv: the `antimanic` rows, from `min_antimanic_mg_day` when the
    row has one; order-hook review finding 2)."""
    stabilisers = tables.mood_stabilisers()
    return next(
        (
            t.ingredient
            for t in record.trials
            if t.ongoing
            and t.ingredient.lower() in stabilisers
            and not _below_antimanic_dose(t, record)
        ),
        None,
    )


def stabilisers_below_antimanic_dose(record: PatientRecord) -> tuple[Trial, ...]:
    """Antimanic agents running below their antimanic dose (or at a dose not read), which
    `ongoing_mood_stabiliser` does not count: the cards name them and their dose."""
    stabilisers = tables.mood_stabilisers()
    return tuple(
        t
        for t in record.trials
        if t.ongoing and t.ingredient.lower() in stabilisers and _below_antimanic_dose(t, record)
    )


def _below_antimanic_dose(trial: Trial, record: PatientRecord) -> bool:
    return mood_cover.antimanic_dose_short(
        trial.ingredient, trial.current_mg_per_day, trial.dose_basis
    ) and not mood_cover.in_labelled_combination(trial, record)


def _ect_open(record: PatientRecord) -> Referral | None:
    """An ECT referral still open: neuromodulation is already being arranged."""
    return next(
        (r for r in record.referrals if r.kind == "ect" and r.status in OPEN_REQUEST_STATUSES),
        None,
    )


# A drug_cautions.csv value as its FindingKind: a handful of values, read for every evaluation
# (calling the Enum class costs a Python-level lookup each time).
_finding_kind = lru_cache(maxsize=64)(FindingKind)


def _cautions(
    record: PatientRecord, by_kind: dict[FindingKind, tuple[Finding, ...]] | None = None
) -> tuple[tuple[str, str, str], ...]:
    of = _by_kind(record) if by_kind is None else by_kind
    found = []
    for caution in tables.drug_cautions():
        findings = of.get(_finding_kind(caution.finding), ())
        if findings:
            found.append((caution.ingredient, caution.note, findings[0].display))
    return tuple(found)


def derive_facts(record: PatientRecord, policy: Policy) -> PathwayFacts:
    episode_start = record.episode_start
    by_kind = _by_kind(record)
    antidepressant = record.antidepressant_trials()
    episode_trials = tuple([t for t in antidepressant if in_episode(t.start, episode_start)])
    failed = _failed_one_per_ingredient(episode_trials)
    failed_classes = _distinct([t.drug_class for t in failed])
    intolerant = _intolerant_one_per_ingredient(episode_trials, failed)
    # TMS counts as payers count (policy.tms_count_intolerant_trials), an intolerance only when
    # the course was a trial of the drug (services/intolerance_count.py, review 6 finding 5); TRD
    # stays CANMAT's "inadequate response to adequate trials" (failed only).
    intolerant_counted, intolerant_unconfirmed = intolerance_count.split(
        intolerant, policy.tms_intolerant_min_days
    )
    tms_trials = (
        tuple(sorted(failed + intolerant_counted, key=_START))
        if policy.tms_count_intolerant_trials
        else failed
    )
    latest = record.latest_phq9()
    meets_trd = len(failed) >= policy.trd_min_failed_trials
    depression = _depression_finding(record, by_kind)
    score_says_depressed = (
        latest is not None
        and latest.value is not None
        and tables.phq9_band(latest.value).indicates_depression
    )
    is_depressed = depression is not None or score_says_depressed or meets_trd
    bipolar = by_kind.get(_BIPOLAR, ())
    psychotic = by_kind.get(_PSYCHOTIC, ())
    contraindications = tuple(
        [f for kind in TMS_CONTRAINDICATION_KINDS for f in by_kind.get(kind, ())]
    )
    tms_open = _tms_open(record, episode_start)
    suicide = suicide_signal(record, policy)
    ect_open = _ect_open(record)
    return PathwayFacts(
        as_of=record.as_of,
        episode_start=episode_start,
        episode_trials=episode_trials,
        failed_trials=failed,
        failed_classes=failed_classes,
        inadequate_trials=tuple([t for t in episode_trials if t.verdict is _INADEQUATE]),
        ongoing_trials=tuple(
            [t for t in episode_trials if t.ongoing and t.verdict is not _NOT_A_TRIAL]
        ),
        augmentations=tuple(
            [
                t
                for t in record.trials
                if t.role is _AUGMENTATION
                and t.verdict is not _NOT_A_TRIAL
                and in_episode(t.start, episode_start)
            ]
        ),
        latest_phq9=latest,
        meets_trd=meets_trd,
        is_depressed=is_depressed,
        in_remission=_in_remission(record, policy, episode_start, latest, by_kind),
        depression_finding=depression,
        bipolar=bipolar,
        psychotic=psychotic,
        tms_contraindications=contraindications,
        ect_pointers=psychotic,
        tms_open=tms_open,
        tms=_tms_assessment(
            policy,
            depression=depression,
            bipolar=bipolar,
            psychotic=psychotic,
            failed=tms_trials,
            failed_classes=_distinct([t.drug_class for t in tms_trials]),
            latest=latest,
            contraindications=contraindications,
            tms_open=tms_open,
            age=record.patient.age,
            ect_open=ect_open,
            acute=tms_exclusions(suicide, by_kind.get(_CATATONIA, ())),
            responding=_responding(episode_trials, record, episode_start),
            earlier_course=tms_course.blocker(record, policy),
            no_phq9=data_gaps.no_phq9_words(record),
            unconfirmed=intolerant_unconfirmed if policy.tms_count_intolerant_trials else (),
            psychotic_disorder=by_kind.get(_PSYCHOTIC_DISORDER, ()),
        ),
        suicide=suicide,
        cautions=_cautions(record, by_kind),
        ect_open=ect_open,
        tms_cautions=by_kind.get(_TMS_CAUTION, ()),
        intolerant_trials=intolerant,
        tms_intolerant_trials=intolerant_counted,
        unconfirmed_intolerance=intolerant_unconfirmed,
        tms_trials=tms_trials,
        findings_by_kind=by_kind,
        psychotic_disorder=by_kind.get(_PSYCHOTIC_DISORDER, ()),
    )
