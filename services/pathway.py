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

Here: PathwayFacts and `derive_facts`, which reads the record once for them. Elsewhere: the
current episode and which of its courses count, episode_trials.py; the TMS criteria in plain
words, tms_assessment.py; referrals under way, open_referrals.py; antimanic cover,
mood_stabilisers.py; the diagnosis reading (`qualifies_as_mdd`), mdd_diagnosis.py; the other
readings of findings (remission, drug cautions, a primary psychotic disorder), pathway_findings.py;
which pregnancy is current, pregnancy_now.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from fhir_mapping.ages import youngest
from fhir_mapping.episode import in_current_episode
from fhir_mapping.findings import DEPRESSION_DIAGNOSIS_KINDS
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.record import (
    Finding,
    FindingKind,
    PatientRecord,
    Referral,
    Score,
    Trial,
    Verdict,
)
from services import cardiac, data_gaps, intolerance_count, tables, tms_course, tms_severity
from services.acute_risk import (
    PuerperalPsychosis,
    past_puerperal,
    puerperal_psychosis,
    suicide_signal,
    without_past,
)
from services.acute_risk import SuicideSignal as SuicideSignal  # re-exported: rules read it here
from services.ect_run import running as running_ect

# The `name as name` imports are re-exports, so no importer changed with the split: the rules,
# order checks, payer criteria and tests import these from this module.
from services.episode_trials import (
    _failed_one_per_ingredient,
    _intolerant_one_per_ingredient,
    _responding,
    episode_augmentations,
)
from services.episode_trials import in_episode as in_episode
from services.mdd_diagnosis import depression_finding, not_mdd_diagnosis
from services.mdd_diagnosis import qualifies_as_mdd as qualifies_as_mdd
from services.mood_stabilisers import ongoing_mood_stabiliser as ongoing_mood_stabiliser
from services.mood_stabilisers import (
    stabilisers_below_antimanic_dose as stabilisers_below_antimanic_dose,
)
from services.open_referrals import OPEN_REQUEST_STATUSES as OPEN_REQUEST_STATUSES
from services.open_referrals import VOID_REQUEST_STATUSES as VOID_REQUEST_STATUSES
from services.open_referrals import _ect_open, _tms_open
from services.pathway_findings import (
    drug_cautions_on_record,
    group_findings,
    primary_psychotic,
    reads_as_remission,
    transaminase_cautions,
)
from services.policy import Policy
from services.pregnancy_now import PregnancyNow, current_by_kind
from services.psychiatric_discharge import recent_discharge
from services.tms_assessment import TmsAssessment as TmsAssessment
from services.tms_assessment import _tms_assessment, depression_in_words
from services.tms_assessment import finding_line as finding_line
from services.tms_assessment import text_only_line as text_only_line
from services.tms_gate import tms_exclusions
from services.tms_recent_injury import recent_concussion_only
from services.unidentified_screen import with_drug_questions
from services.withdrawal_now import current_withdrawal

TMS_CONTRAINDICATION_KINDS = (FindingKind.EPILEPSY, FindingKind.IMPLANTED_DEVICE)  # L37086, L34998

# Enum members compared per trial, as module constants: on Python 3.11 reading a member off its
# Enum class costs about ten times reading a global (issue 14).
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_INADEQUATE = Verdict.INADEQUATE
# Trials sorted by start, oldest first, several times per evaluation: a C-level key.
_START = attrgetter("start")
_DEPRESSION = FindingKind.DEPRESSION
_TRD = FindingKind.TRD
_BIPOLAR = FindingKind.BIPOLAR
_PSYCHOTIC = FindingKind.PSYCHOTIC
_PSYCHOTIC_DISORDER = FindingKind.PSYCHOTIC_DISORDER
_CATATONIA = FindingKind.CATATONIA
_TMS_CAUTION = FindingKind.TMS_CAUTION
# Diagnoses on record that name a condition other than a depressive disorder: with none of the
# depression kinds beside them, antidepressant courses treat that condition (other_disorder_only).
_OTHER_DISORDER_KINDS = (
    FindingKind.PSYCHIATRIC_OTHER,
    FindingKind.ANXIETY,
    FindingKind.PTSD,
    FindingKind.EATING_DISORDER,
    FindingKind.MOOD_SYMPTOM,
)
# A depression diagnosis of any kind on record: the mapping's one set (fhir_mapping/findings.py).
_ANY_DEPRESSION_KINDS = DEPRESSION_DIAGNOSIS_KINDS


@dataclass(frozen=True, slots=True)
class PathwayFacts:
    as_of: date
    episode_start: date | None
    episode_trials: tuple[Trial, ...]  # antidepressant trials that started in the current episode
    failed_trials: tuple[Trial, ...]  # adequate and failed, one per ingredient, oldest first
    failed_classes: tuple[str, ...]  # their mechanism classes, distinct, in order of failure
    inadequate_trials: tuple[Trial, ...]
    ongoing_trials: tuple[Trial, ...]  # antidepressant trials running on the as-of date
    # adjunct trials in the current episode, and adjuncts running now whatever their start
    augmentations: tuple[Trial, ...]
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
    # bupropion with epilepsy: (ingredient, the row's note with what is on record).
    cautions: tuple[tuple[str, str], ...] = ()
    # A recent ALT or AST at or above the policy's multiple of its ULN (services/transaminases.py;
    # review 12 H10), for the drugs whose labels make it a liver caution (nefazodone, duloxetine):
    # (ingredient, why), so the switch and augment lists leave them out as they do for a coded
    # liver disease (H14). Empty when nothing is raised (nearly every chart).
    transaminase_cautions: tuple[tuple[str, str], ...] = ()
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
    # Puerperal psychosis on record (acute_risk.puerperal_psychosis: the emergency card; the
    # outpatient cards hold back), else None; and a past one (acute_risk.puerperal_history: an
    # F53.1 dated before the postnatal year, left out of `psychotic`). Read once here: the
    # emergency, optimise, psychotherapy, relapse and order cards all ask (review 11 wave 4).
    puerperal: PuerperalPsychosis | None = None
    puerperal_past: tuple[Finding, ...] = ()
    # A depressive disorder other than MDD is the diagnosis on record (`not_mdd_diagnosis`):
    # dysthymia, mixed anxiety-depression, depression due to a medical condition or a substance.
    not_mdd: tuple[Finding, ...] = ()
    # The Patient is recorded deceased (Patient.deceased[x], on or before as-of): no pathway card
    # (`active`); the safety checks still run (services/deceased.py says why).
    deceased: bool = False
    # Which pregnancy on record is current (services/pregnancy_now.py; review s21 RD 4, 5).
    pregnancy: PregnancyNow | None = None

    def findings_of(self, kind: FindingKind) -> tuple[Finding, ...]:
        """`record.context.of(kind)`, without reading every finding again."""
        return self.findings_by_kind.get(kind, ())

    def caution_for(self, ingredient: str) -> str | None:
        """Why this ingredient is contraindicated here, or None: a coded finding first, else a
        raised transaminase (nefazodone, duloxetine)."""
        for name, why in self.cautions:
            if name == ingredient.lower():
                return why
        for name, why in self.transaminase_cautions:
            if name == ingredient.lower():
                return why
        return None

    @property
    def failed_ingredients(self) -> tuple[str, ...]:
        return tuple([t.ingredient for t in self.failed_trials])

    @property
    def pathway_stage(self) -> bool:
        """Depressed and not in remission, whatever the Patient's status: the pathway cards
        would apply to a living patient."""
        return self.is_depressed and not self.in_remission

    @property
    def active(self) -> bool:
        """Depressed and not in remission, and not recorded deceased: the pathway cards apply.
        The one place a deceased patient's pathway cards are left out (review 19 E1: a TMS
        referral at an order on a patient recorded deceased), at every hook: the patient-view
        pathway rules, and the order hooks' TMS, repeat and below-range checks, all ask here;
        the safety checks never do."""
        return self.pathway_stage and not self.deceased

    @property
    def pmdd_only(self) -> bool:
        """Premenstrual dysphoric disorder coded (F32.81) and no depression diagnosis beside it.
        PMDD is not a major depressive episode: its symptoms are confined
        to the luteal phase, and an SSRI given for it (often in the luteal phase only) is not an
        antidepressant trial for depression. A high PHQ-9 there asks whether a major depressive
        episode is present, not for the next TRD step: the safer reading holds the switch,
        augmentation, TMS and psychotherapy-after-failure cards until one is diagnosed, and the
        diagnosis review says so (rules/diagnosis_review.py). A chart with no diagnosis at all
        keeps the pathway: nothing on it names another disorder."""
        return self.depression_finding is None and bool(self.findings_of(FindingKind.PMDD))

    @property
    def other_disorder(self) -> tuple[Finding, ...]:
        """The diagnoses on record that name another condition (OCD, an anxiety disorder, PTSD,
        an adjustment disorder, prolonged grief, an eating disorder, or only a symptom code such
        as R45.89) when no depression is recorded at all: no depression code of any kind (MDD,
        dysthymia, "depression, unspecified", TRD, in remission), no major depression in words,
        no PMDD (pmdd_only says that case), bipolar or primary psychotic disorder (their own
        lines hold the pathway). Empty otherwise.

        Antidepressants at adequate doses are first-line treatment of OCD, GAD, panic and PTSD;
        their courses are not failed depression trials, and the steps after them (augmentation
        with aripiprazole or brexpiprazole, CANMAT 2023 Table 7.2; TMS, LCD L37086; esketamine,
        ECT) are MDD treatments (review 16 W2). The safer reading holds the pathway's cards
        until a depressive disorder is diagnosed, as for PMDD; a chart with no diagnosis at all
        keeps the pathway (nothing on it names another condition)."""
        of = self.findings_by_kind
        if any(of.get(kind) for kind in _ANY_DEPRESSION_KINDS):
            return ()
        if of.get(FindingKind.PMDD) or self.bipolar or self.psychotic_disorder:
            return ()
        return tuple(f for kind in _OTHER_DISORDER_KINDS for f in of.get(kind, ()))

    @property
    def other_disorder_only(self) -> bool:
        """Another condition recorded and no depression (`other_disorder`): patient-view runs
        the diagnosis review alone, which asks for an assessment for a major depressive episode
        when the PHQ-9 is high (rules/diagnosis_psychiatric.py)."""
        return bool(self.other_disorder)


quick_frozen_init(PathwayFacts)


def _distinct(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def derive_facts(record: PatientRecord, policy: Policy) -> PathwayFacts:
    episode_start = record.episode_start
    # An acute MI counts only while recent (policy.recent_mi_days; services/cardiac.py): the
    # switch lists and the running-drug card read these facts (review 12 finding 2).
    by_kind = cardiac.recent_by_kind(group_findings(record), record.as_of, policy)
    by_kind, pregnancy = current_by_kind(
        by_kind, record.as_of, policy, record.patient, tuple(record.gaps)
    )
    # An old visit's withdrawal asks, not bars; withdrawal in words is screened for TMS.
    by_kind = current_withdrawal(by_kind, record.as_of, policy)
    # An antiseizure drug with no seizure disorder coded, or a running drug not identified.
    by_kind = with_drug_questions(by_kind, record)
    # A concussion is screened for TMS only while recent (policy.tms_recent_concussion_days).
    by_kind = recent_concussion_only(by_kind, record.as_of, policy)
    antidepressant = record.antidepressant_trials()
    # A course dated only to the year or month stays in the episode it may have run in
    # (review 10 finding 5: fhir_mapping/episode.py).
    episode_trials = tuple([t for t in antidepressant if in_current_episode(t, episode_start)])
    failed = _failed_one_per_ingredient(episode_trials)
    failed_classes = _distinct([t.drug_class for t in failed])
    intolerant = _intolerant_one_per_ingredient(episode_trials, failed)
    # TMS counts as payers count (policy.tms_count_intolerant_trials), an intolerance only when
    # the course was a trial of the drug (services/intolerance_count.py, review 6 finding 5); TRD
    # stays CANMAT's "inadequate response to adequate trials" (failed only).
    intolerant_counted, intolerant_unconfirmed = intolerance_count.split(
        intolerant, policy.tms_intolerant_min_days
    )
    # With no intolerance counted the TMS count is the failed trials themselves, the same tuple
    # (`failed` is oldest first already: sorting it again gives its own order), so the cards
    # that word both counts (trial_count.failed_words, kept per tuple) word them once (issue 14).
    tms_trials = (
        tuple(sorted(failed + intolerant_counted, key=_START))
        if policy.tms_count_intolerant_trials and intolerant_counted
        else failed
    )
    latest = record.latest_phq9()
    meets_trd = len(failed) >= policy.trd_min_failed_trials
    depression = depression_finding(record, by_kind)
    score_says_depressed = (
        latest is not None
        and latest.value is not None
        and tables.phq9_band(latest.value).indicates_depression
    )
    is_depressed = depression is not None or score_says_depressed or meets_trd
    bipolar = by_kind.get(_BIPOLAR, ())
    # A past puerperal psychosis (F53.1 dated before the postnatal year) is no psychotic feature
    # of this episode (recheck 11 finding 6; acute_risk.psychotic_now): its own warning says so.
    # Both read once per evaluation (no psychotic finding: nearly every chart, neither is read).
    raw_psychotic = by_kind.get(_PSYCHOTIC, ())
    puerperal = puerperal_psychosis(record, policy) if raw_psychotic else None
    puerperal_past = past_puerperal(record, puerperal) if raw_psychotic else ()
    psychotic = without_past(raw_psychotic, puerperal_past)
    psychotic_disorder = primary_psychotic(by_kind.get(_PSYCHOTIC_DISORDER, ()), psychotic)
    contraindications = tuple(
        [f for kind in TMS_CONTRAINDICATION_KINDS for f in by_kind.get(kind, ())]
    )
    tms_open = _tms_open(record, episode_start, policy)
    suicide = suicide_signal(record, policy)
    ect_open = _ect_open(record, policy)
    not_mdd = not_mdd_diagnosis(by_kind)
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
        augmentations=episode_augmentations(record, episode_start),
        latest_phq9=latest,
        meets_trd=meets_trd,
        is_depressed=is_depressed,
        in_remission=reads_as_remission(record, policy, episode_start, latest, by_kind),
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
            # No PHQ-9: another validated scale documents severity.
            latest=tms_severity.severity_score(record, latest),
            contraindications=contraindications,
            tms_open=tms_open,
            # The adult criterion is a rule below an age: a birth year only reads its youngest
            # (review 19 D4).
            age=youngest(record.patient.age),
            ect_open=ect_open,
            ect_running=running_ect(record, policy),
            acute=tms_exclusions(
                suicide, by_kind.get(_CATATONIA, ()), recent_discharge(record, policy)
            ),
            responding=_responding(episode_trials, record, episode_start),
            earlier_course=tms_course.blocker(record, policy),
            no_phq9=data_gaps.no_phq9_words(record),
            unconfirmed=intolerant_unconfirmed if policy.tms_count_intolerant_trials else (),
            psychotic_disorder=psychotic_disorder,
            puerperal_past=puerperal_past,
            depression_text=depression_in_words(lambda k: by_kind.get(k, ())),
            not_mdd=not_mdd,
        ),
        suicide=suicide,
        cautions=drug_cautions_on_record(record, by_kind),
        transaminase_cautions=transaminase_cautions(record, policy),
        ect_open=ect_open,
        tms_cautions=by_kind.get(_TMS_CAUTION, ()),
        intolerant_trials=intolerant,
        tms_intolerant_trials=intolerant_counted,
        unconfirmed_intolerance=intolerant_unconfirmed,
        tms_trials=tms_trials,
        findings_by_kind=by_kind,
        psychotic_disorder=psychotic_disorder,
        puerperal=puerperal,
        puerperal_past=puerperal_past,
        not_mdd=not_mdd,
        deceased=record.patient.deceased,
        pregnancy=pregnancy,
    )
