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
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import condition_matches
from fhir_mapping.policy import MappingPolicy
from fhir_mapping.record import (
    Finding,
    FindingKind,
    InadequacyReason,
    PatientRecord,
    ProcedureKind,
    Score,
    SourceRef,
)
from services import data_gaps, tables
from services.episode_codes import current_code, earlier_episode_codes, earlier_text
from services.pathway import PathwayFacts, in_episode
from services.payer_criteria.bands import ScaleBand, scale_band


@dataclass(frozen=True, slots=True)
class StageDimension:
    name: str  # "Duration", "Severity", ...
    category: str  # the MSM category, e.g. "sub-acute"
    basis: str  # what the category was read from, e.g. "episode since 2023-01-10 (17 months)"
    points: int
    # Said beside the category wherever the stage is shown in one line: the category was not
    # read from the chart but assumed ("no PHQ-9 on record: scored as lowest"), so a card never
    # shows "Severity 1 (subsyndromal)" as if a score had said so; or a part of the chart was
    # left out of it on purpose (a primary psychotic disorder's psychosis, not the MSM item).
    assumed: str = ""


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


# Compared per procedure: on Python 3.11 reading a member off its Enum class costs about ten
# times reading a global (issue 14).
_ECT = ProcedureKind.ECT


@cache
def _numeric_rows() -> dict[str, tuple[tables.MaudsleyRow, ...]]:
    """Dimension -> its rows with a numeric range, in table order: each stage reads six of them."""
    found: dict[str, list[tables.MaudsleyRow]] = {}
    for row in tables.maudsley_rows():
        if row.lower is not None:
            found.setdefault(row.dimension, []).append(row)
    return {dimension: tuple(rows) for dimension, rows in found.items()}


def _row(dimension: str, value: int) -> tables.MaudsleyRow:
    for row in _numeric_rows().get(dimension, ()):
        lower = row.lower
        assert lower is not None  # _numeric_rows keeps only rows with a range
        if value >= lower and (row.upper is None or value <= row.upper):
            return row
    raise ValueError(f"no Maudsley {dimension} row for {value}")


def points_for(dimension: str, value: int) -> tuple[str, int]:
    """(category, points) of a numeric value: months, PHQ-9 total or a count."""
    row = _row(dimension, value)
    assert row.points is not None  # only band rows have no points
    return row.category, row.points


def band_for(total: int) -> str:
    return _row("band", total).category


@cache
def _psychosis_points() -> tuple[str, int]:
    row = next(
        r
        for r in tables.maudsley_rows()
        if r.dimension == "severity" and r.unit == "psychotic-features"
    )
    assert row.points is not None
    return row.category, row.points


def months_between(start: date, end: date) -> int:
    """Whole calendar months from start to end (0 when end precedes start)."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def _episode_anchor(
    record: PatientRecord, facts: PathwayFacts, gap_months: int
) -> tuple[date, str] | None:
    """(the day the duration counts from, how the basis names it)."""
    if record.episode_start is not None:
        anchor = _without_earlier_codes(record, facts, gap_months)
        if anchor is not None:
            return anchor
        return record.episode_start, "current episode since"
    # A partial onset ("2024") at the last day it allows (review 10 recheck R7): the shortest
    # reading of the duration, which does not move the band on a day the record does not state.
    onsets = [
        f.onset_latest
        for f in record.context.of(FindingKind.DEPRESSION) + record.context.of(FindingKind.TRD)
        if f.onset_latest is not None
    ]
    if onsets:
        return min(onsets), "depression onset"
    # A drug taken in a product for another indication (Contrave's bupropion: Trial.product) is
    # no antidepressant trial, so it does not date the episode.
    # Nor does one ordered for another indication (fhir_mapping/indications.py: Zyban).
    starts = [
        t.start
        for t in facts.episode_trials
        if (t.product is None or t.product.counts_as_trial)
        and InadequacyReason.OTHER_INDICATION not in t.reasons
    ]
    if starts:
        return min(starts), "first antidepressant trial"
    return None


def _without_earlier_codes(
    record: PatientRecord, facts: PathwayFacts, gap_months: int
) -> tuple[date, str] | None:
    """The episode's start when only an earlier episode's open MDD code dated it (recheck 2 of
    review 16, W3: F33.2 since 2019, never closed, made a seven-month F33.1 episode "chronic"):
    the current code's onset, or an earlier antidepressant trial of the episode, with the old
    code named; None when no such code set the episode's start (services/episode_codes.py)."""
    earlier = earlier_episode_codes(record, gap_months)
    start = record.episode_start
    if start is None or not any(f.onset_latest == start for f in earlier):
        return None
    current = current_code(
        [f for f in record.context.of(FindingKind.DEPRESSION) if f not in earlier]
    )
    if current is None or current.onset_latest is None:
        return None
    # A trial of the episode that began before the current code still dates it (the service's
    # episode rule found no break between them); a trial alone never pushes it to the old code.
    starts = [t.start for t in facts.episode_trials if start < t.start < current.onset_latest]
    anchor = min([current.onset_latest, *starts])
    named = "; ".join(earlier_text(f) for f in earlier)
    return anchor, f"{named}; current episode since"


def _persistent(facts: PathwayFacts) -> Finding | None:
    """The current diagnosis (the one a referral would cite, PathwayFacts.depression_finding)
    when it is persistent depressive disorder (dysthymia: F34.1, SNOMED CT dysthymia codes, by
    the code table's display), else None."""
    finding = facts.depression_finding
    if finding is None:
        return None
    names = [finding.display, *(r.display for r in condition_matches(finding.system, finding.code))]
    return finding if any("dysthymi" in n.lower() for n in names) else None


def _duration(record: PatientRecord, facts: PathwayFacts, gap_months: int) -> StageDimension:
    anchor = _episode_anchor(record, facts, gap_months)
    if anchor is None:
        category, points = points_for("duration", 0)
        found = StageDimension("Duration", category, "onset unknown: scored as acute", points)
    else:
        start, label = anchor
        months = months_between(start, record.as_of)
        category, points = points_for("duration", months)
        found = StageDimension(
            "Duration", category, f"{label} {start.isoformat()} ({months} months)", points
        )
    pdd = _persistent(facts)
    chronic = _numeric_rows()["duration"][-1]  # the top row: chronic, > 24 months
    if pdd is None or chronic.points is None or found.points >= chronic.points:
        return found
    # Persistent depressive disorder lasts at least 2 years by definition (DSM-5: depressed mood
    # for at least 2 years), so as the current diagnosis its episode is chronic whatever the
    # problem's recorded onset (audit 16 W7: F34.1 since 2024-10-21 was staged "acute").
    why = f"{pdd.coding} persistent depressive disorder: >= 2 years by definition, DSM-5"
    return StageDimension(
        "Duration", chronic.category, f"{found.basis}; {why}", chronic.points, why
    )


def _condition_key(finding: Finding) -> tuple[SourceRef | None, str, str]:
    """One Condition's coding: the psychotic and psychotic-disorder findings one Condition gives
    share it (fhir_mapping/conditions.py reads both kinds from the same coding or text)."""
    return finding.source, finding.system, finding.code


def depressive_psychosis(facts: PathwayFacts) -> tuple[Finding, ...]:
    """The psychotic findings that are psychotic features of depression: facts.psychotic less
    the ones a primary psychotic disorder on record accounts for (its findings are in
    facts.psychotic too, so that every TMS and bupropion exclusion still applies)."""
    if not facts.psychotic_disorder:
        return facts.psychotic  # most charts
    disorder = {_condition_key(f) for f in facts.psychotic_disorder}
    return tuple([f for f in facts.psychotic if _condition_key(f) not in disorder])


@cache
def _coded_categories() -> dict[str, tuple[str, int]]:
    """Coded severity (condition_codes.csv) -> (MSM category, points): data/
    maudsley_coded_severity.csv, the points being the category's own in maudsley.csv."""
    points = {
        r.category: r.points
        for r in tables.maudsley_rows()
        if r.dimension == "severity" and r.points is not None
    }
    text = resources.files("services").joinpath("data/maudsley_coded_severity.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {r["coded_severity"]: (r["category"], points[r["category"]]) for r in rows}


def _coded_severity(record: PatientRecord) -> tuple[tuple[str, int], Finding] | None:
    """The MSM severity the depression on record is coded with, and the finding: the latest
    onset's (the current episode's coding), the more severe on a tie; None when none is coded."""
    table = _coded_categories()
    coded = [
        f
        for f in record.context.of(FindingKind.DEPRESSION)
        if f.severity is not None and f.severity in table
    ]
    if not coded:
        return None
    chosen = max(coded, key=lambda f: (f.onset or date.min, table[f.severity or ""][1]))
    return table[chosen.severity or ""], chosen


# The depression scales whose band may stand for the PHQ-9's (recheck 13-2): the ones
# scale_bands.csv bands. The GAD-7 is banded there too but measures anxiety, not depression.
_DEPRESSION_SCALES = frozenset({"HAM-D17", "MADRS", "QIDS-SR16", "BDI-II"})


@cache
def _scale_categories() -> dict[str, tuple[str, int]]:
    """Scale band (scale_bands.csv) -> (MSM category, points): data/maudsley_scale_severity.csv,
    the points being the category's own in maudsley.csv."""
    points = {
        r.category: r.points
        for r in tables.maudsley_rows()
        if r.dimension == "severity" and r.points is not None
    }
    text = resources.files("services").joinpath("data/maudsley_scale_severity.csv")
    rows = csv.DictReader(text.read_text("utf-8").splitlines())
    return {r["scale_band"]: (r["category"], points[r["category"]]) for r in rows}


def _scale_severity(record: PatientRecord) -> tuple[tuple[str, int], Score, ScaleBand] | None:
    """The MSM severity the latest depression-scale total other than the PHQ-9 gives, with the
    score and its band; None when no such total is on record (or it falls in no band)."""
    table = _scale_categories()
    totals = [
        s for s in record.scores if s.instrument in _DEPRESSION_SCALES and s.value is not None
    ]
    if not totals:
        return None
    latest = max(totals, key=lambda s: s.date)
    band = scale_band(latest.instrument, latest.value or 0)
    if band is None or band.key not in table:
        return None
    return table[band.key], latest, band


def _severity(record: PatientRecord, facts: PathwayFacts) -> StageDimension:
    features = depressive_psychosis(facts)
    if features:
        category, points = _psychosis_points()
        return StageDimension(
            "Severity", category, f"psychotic features: {features[0].display}", points
        )
    # A primary psychotic disorder: its psychosis is not the MSM item (a depressive episode with
    # psychotic features), so the PHQ-9 band is scored and the line says why the item was not,
    # never "severe with psychosis" as if this were unipolar psychotic depression.
    disorder = (
        f"psychosis item not scored: {facts.psychotic_disorder[0].display} is a primary "
        "psychotic disorder, not depression with psychotic features"
        if facts.psychotic_disorder
        else ""
    )
    latest = facts.latest_phq9
    if latest is None or latest.value is None:
        # No score: the coded severity of the depression on record, said as such; with none,
        # "not measured" and the lowest points, never "subsyndromal" as if a score had said so
        # (audit 13 WRONG 6: "Moderate recurrent major depression" staged as subsyndromal).
        no_score = data_gaps.no_phq9_words(record)
        scale = _scale_severity(record)
        if scale is not None:
            # Another depression scale measured it (HAM-D17 20): its band, not the code.
            (category, points), score, band = scale
            basis = (
                f"{score.instrument} {score.value} on {score.date.isoformat()} "
                f"({band.label}, {band.citation}); {no_score}"
            )
            if disorder:
                return StageDimension(
                    "Severity", category, f"{basis}; {disorder}", points, disorder
                )
            return StageDimension("Severity", category, basis, points)
        coded = _coded_severity(record)
        if coded is not None:
            category, points = coded[0]
            basis = f"{no_score}: from the coded diagnosis, {coded[1].display}"
        else:
            points = points_for("severity", 0)[1]
            category, basis = "not measured", f"{no_score}: scored as lowest"
        said = f"{basis}; {disorder}" if disorder else basis
        return StageDimension("Severity", category, said, points, assumed=said)
    category, points = points_for("severity", latest.value)
    basis = f"PHQ-9 {latest.value} on {latest.date.isoformat()}"
    coded = _coded_severity(record)
    if (
        coded is not None
        and coded[0][1] > points
        and coded[1].onset is not None
        and in_episode(coded[1].onset, facts.episode_start)
    ):
        # The MSM rates the episode's severity by a clinician's rating (CGI, Psychiatric Status
        # Rating or a DSM checklist: Fekadu 2018, REFERENCE.md 2.1); the PHQ-9 band read as an
        # MSM category is this service's design choice. A severity this episode's diagnosis is
        # coded with (F33.2 "severe", recorded at an admission) is that clinician's DSM rating:
        # when it is the more severe, it is scored, and the line says which was used (audit 16
        # W7: e03 coded severe 24 days before, staged "moderate" from a PHQ-9 of 18).
        (category, points), finding = coded
        # The stage line says which was used, in a few words ("coded F33.2": the PHQ-9 is on
        # the same card); the basis (the referral packet's) says it in full.
        said = (
            f"coded {finding.coding} on {finding.onset_text}, a clinician's rating; "
            f"{basis} reads {points_for('severity', latest.value)[0]}"
        )
        short = f"coded {finding.code}"
        if disorder:
            said, short = f"{said}; {disorder}", f"{short}; {disorder}"
        return StageDimension("Severity", category, said, points, assumed=short)
    if disorder:
        return StageDimension("Severity", category, f"{basis}; {disorder}", points, disorder)
    return StageDimension("Severity", category, basis, points)


def _failed(facts: PathwayFacts) -> StageDimension:
    count = len(facts.failed_trials)
    category, points = points_for("failed-medications", count)
    names = ", ".join(facts.failed_ingredients) or "none"
    # The count beside the band: "Failed antidepressants 1 (1-2 medications)" next to "2
    # adequate trials failed" read as a contradiction (audit 13 finding 19): 1 is the points.
    shown = f"{count} failed: {category}" if count else "none failed: scored as the lowest"
    return StageDimension("Failed antidepressants", shown, f"{count} ({names})", points)


def _augmentation(facts: PathwayFacts) -> StageDimension:
    names = tuple(dict.fromkeys([t.ingredient for t in facts.augmentations]))
    category, points = points_for("augmentation", 1 if names else 0)
    return StageDimension("Augmentation", category, ", ".join(names) or "none on record", points)


def _ect(record: PatientRecord, facts: PathwayFacts) -> StageDimension:
    courses = [
        p for p in record.procedures if p.kind is _ECT and in_episode(p.date, facts.episode_start)
    ]
    category, points = points_for("ect", 1 if courses else 0)
    dates = sorted(p.date.isoformat() for p in courses if p.date is not None)
    basis = f"ECT on record ({dates[0]})" if dates else ("ECT on record" if courses else "none")
    return StageDimension("ECT", category, basis, points)


def maudsley_stage(
    record: PatientRecord,
    facts: PathwayFacts,
    gap_months: int = MappingPolicy().episode_gap_months,
) -> MaudsleyStage:
    """`gap_months`: the clinic's episode break (MappingPolicy.episode_gap_months), by which an
    older open MDD code reads as an earlier episode's (services/episode_codes.py)."""
    return MaudsleyStage(
        duration=_duration(record, facts, gap_months),
        severity=_severity(record, facts),
        failed_medications=_failed(facts),
        augmentation=_augmentation(facts),
        ect=_ect(record, facts),
    )
