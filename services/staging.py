"""Maudsley Staging Method (Fekadu et al. 2009; standardised in BMC Psychiatry 2018;18:100).

Five dimensions (duration, severity, failed antidepressants, augmentation, ECT) add up to 3-15,
banded mild 3-6, moderate 7-10, severe 11-15. Points come from data/maudsley.csv. Severity uses the
latest PHQ-9 band (psychotic features score 5): a design choice, not a published equivalence
(REFERENCE.md 2.1), so the card shows each dimension's basis for the clinician to check. With no
PHQ-9, the latest total of another depression scale (HAM-D17, MADRS, QIDS-SR16, BDI-II: never the
GAD-7, an anxiety scale) is banded by payer_criteria/scale_bands.csv and the band read as an MSM
category (data/maudsley_scale_severity.csv, recheck 13-2); with none, the coded diagnosis.

The MSM psychosis item is a depressive episode with psychotic features. A primary psychotic
disorder (schizoaffective disorder, schizophrenia: review 7 finding 9) is not: its psychotic
symptoms are not scored as "severe with psychosis", and the severity line says why.

This module adds the five dimensions up (`maudsley_stage`, MaudsleyStage) and scores the three
that are a count or a date (failed antidepressants, augmentation, ECT). The points table read by
range (StageDimension, `points_for`, `band_for`) is staging_points.py; the duration dimension
(the episode's start, an earlier episode's open code, persistent depressive disorder) is
staging_duration.py; the severity dimension (PHQ-9, another depression scale, the coded severity,
psychotic features) is staging_severity.py. Their names the rules and tests use stay importable
from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.partial_response import partial_response
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import PatientRecord, ProcedureKind
from services import augmentations_used, trial_count
from services.pathway import PathwayFacts, in_episode
from services.policy import Policy
from services.staging_duration import months_between as months_between
from services.staging_duration import stage_duration
from services.staging_points import StageDimension as StageDimension
from services.staging_points import _row as _row  # re-exported: a test reads the table here
from services.staging_points import band_for as band_for
from services.staging_points import points_for as points_for
from services.staging_severity import depressive_psychosis as depressive_psychosis
from services.staging_severity import stage_severity


@dataclass(frozen=True, slots=True)
class MaudsleyStage:
    duration: StageDimension
    severity: StageDimension
    failed_medications: StageDimension
    augmentation: StageDimension
    ect: StageDimension

    @property
    def dimensions(self) -> tuple[StageDimension, ...]:
        return (self.duration, self.severity, self.failed_medications, self.augmentation, self.ect)

    @property
    def total(self) -> int:
        # The five points added directly: read for every card that shows the stage.
        return (
            self.duration.points
            + self.severity.points
            + self.failed_medications.points
            + self.augmentation.points
            + self.ect.points
        )

    @property
    def band(self) -> str:
        return band_for(self.total)


quick_frozen_init(MaudsleyStage)


# Compared per procedure: on Python 3.11 reading a member off its Enum class costs about ten
# times reading a global (issue 14).
_ECT = ProcedureKind.ECT

_DEFAULT_POLICY = Policy()


def _failed(facts: PathwayFacts) -> StageDimension:
    count = len(facts.failed_trials)
    category, points = points_for("failed-medications", count)
    names = ", ".join(facts.failed_ingredients) or "none"
    # The count beside the band: "Failed antidepressants 1 (1-2 medications)" next to "2
    # adequate trials failed" read as a contradiction (audit 13 finding 19): 1 is the points.
    shown = f"{count} failed: {category}" if count else "none failed: scored as the lowest"
    # A failure read only from the course having stopped (Trial.outcome_inferred) is said as
    # the TMS card's count and its trial criterion say it (services/trial_count.py: "stopped
    # unmeasured", the criterion "failure inferred"), never "2 failed" beside "1 adequate trial
    # failed, 1 stopped unmeasured" (review K30c finding 2). The score stands: MSM counts it.
    inferred = sum(1 for t in facts.failed_trials if t.outcome_inferred)
    stopped = f"{inferred} {trial_count.STOPPED_UNMEASURED}, failure inferred" if inferred else ""
    partial = sum(
        1 for t in facts.failed_trials if not t.outcome_inferred and partial_response(t) is not None
    )
    if partial:
        # A partial response (a 25-50 % drop: fhir_mapping/partial_response.py) is no response,
        # so MSM's treatment-failure dimension counts it: the dimension counts the antidepressant
        # medications given as adequate trials (REFERENCE.md 2.1: "Treatment failures -
        # antidepressant medications: 1-2 medications"; Fekadu 2009, BMC Psychiatry 2018;18:100).
        # The score stands; the words say which were partial, never "2 failed" for one failure
        # and one partial response (audit 17 W3, the TMS card's "venlafaxine (SNRI, partial
        # response 40 %: < 50 %, counted)").
        failed = count - partial - inferred
        said = "1 partial response" if partial == 1 else f"{partial} partial responses"
        said = f"{failed} failed, {said}" if failed else said
        said = f"{said}, {stopped}" if stopped else said
        shown = f"{count} adequate trials, {said}: {category}"
        if count == 1:
            shown = f"1 adequate trial, {said}: {category}"
        return StageDimension("Antidepressant trials", shown, f"{count} ({names})", points)
    if inferred:
        failed = count - inferred
        shown = f"{failed} failed, {stopped}: {category}" if failed else f"{stopped}: {category}"
    return StageDimension("Failed antidepressants", shown, f"{count} ({names})", points)


def _augmentation(facts: PathwayFacts) -> StageDimension:
    said = {t.ingredient: t.ingredient for t in facts.augmentations}
    # An add-on that went on alone (Trial.alone_from, fhir_mapping/went_on_alone.py) is the
    # antidepressant now, but was an augmentation until then: the MSM scores augmentation used
    # in the episode (REFERENCE.md 2.1: "Augmentation: not used 0 / used 1"), so its weeks
    # beside the base still count here (review K56a finding 9: "Augmentation 0 (not used)").
    for t in augmentations_used.went_alone(facts):
        said.setdefault(t.ingredient, augmentations_used.added_words(t))
    category, points = points_for("augmentation", 1 if said else 0)
    basis = ", ".join(said.values()) or "none on record"
    return StageDimension("Augmentation", category, basis, points)


def _ect(record: PatientRecord, facts: PathwayFacts) -> StageDimension:
    courses = [
        p for p in record.procedures if p.kind is _ECT and in_episode(p.date, facts.episode_start)
    ]
    category, points = points_for("ect", 1 if courses else 0)
    dates = sorted(p.date.isoformat() for p in courses if p.date is not None)
    basis = f"ECT on record ({dates[0]})" if dates else ("ECT on record" if courses else "none")
    if not courses:
        # The MSM scores ECT in the current episode only; an earlier course is said beside the 0,
        # so "not used" never reads as "no ECT on record" beside a card naming that course
        # (review K35c finding 4).
        earlier = sorted(p.date for p in record.procedures if p.kind is _ECT and p.date is not None)
        # A course running, or charted as a period reaching into the episode (maintenance ECT),
        # is not "earlier": the 0 is left without that claim (the ECT card names the course).
        reaches = any(
            p.kind is _ECT
            and (
                p.ongoing
                or (
                    p.performed_end is not None
                    and facts.episode_start is not None
                    and p.performed_end >= facts.episode_start
                )
            )
            for p in record.procedures
        )
        if (
            earlier
            and not reaches
            and (facts.episode_start is None or earlier[-1] < facts.episode_start)
        ):
            year = earlier[-1].year
            return StageDimension(
                "ECT",
                f"{category} in this episode",
                f"none in this episode; an earlier course ({earlier[0].isoformat()} to "
                f"{earlier[-1].isoformat()})",
                points,
                assumed=f"earlier course {year}",
            )
    return StageDimension("ECT", category, basis, points)


def maudsley_stage(
    record: PatientRecord,
    facts: PathwayFacts,
    gap_months: int = MappingPolicy().episode_gap_months,
    rating_window_days: int = _DEFAULT_POLICY.mbc_interval_days,
) -> MaudsleyStage:
    """`gap_months`: the clinic's episode break (MappingPolicy.episode_gap_months), by which an
    older open MDD code reads as an earlier episode's (services/episode_codes.py).
    `rating_window_days`: how long before the latest PHQ-9 a coded severity still rates the same
    state (Policy.mbc_interval_days; services/staging_severity.py)."""
    return MaudsleyStage(
        duration=stage_duration(record, facts, gap_months),
        severity=stage_severity(record, facts, rating_window_days),
        failed_medications=_failed(facts),
        augmentation=_augmentation(facts),
        ect=_ect(record, facts),
    )
