"""The severity dimension of the Maudsley stage (staging.py): psychotic features of depression
(never a primary psychotic disorder's psychosis: `depressive_psychosis`); else the latest PHQ-9's
band, or a more severe severity this episode's diagnosis is coded with; with no PHQ-9, the latest
total of another depression scale (data/maudsley_scale_severity.csv) or the coded severity
(data/maudsley_coded_severity.csv), said as such; with neither, "not measured".

Apart from staging.py because it is the one dimension with several sources and two tables of
its own; apart from staging_duration.py, which dates the episode.
"""

from __future__ import annotations

import csv
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping.record import Finding, FindingKind, PatientRecord, Score, SourceRef
from services import data_gaps, tables
from services.pathway import PathwayFacts, in_episode
from services.payer_criteria.bands import ScaleBand, scale_band
from services.phq9_disagreements import conflict_words
from services.policy import Policy
from services.staging_points import StageDimension, points_for, psychosis_points


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


def stage_severity(
    record: PatientRecord,
    facts: PathwayFacts,
    rating_window_days: int = Policy().mbc_interval_days,
) -> StageDimension:
    features = depressive_psychosis(facts)
    if features:
        category, points = psychosis_points()
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
    value, basis, checked = _phq9_reading(latest)
    category, points = points_for("severity", value)
    coded = _coded_severity(record)
    if (
        coded is not None
        and coded[0][1] > points  # a milder code never lowers the score's band (safer)
        and coded[1].onset is not None
        and in_episode(coded[1].onset, facts.episode_start)
    ):
        (coded_category, coded_points), finding = coded
        # One rule for which source grades severity. The MSM rates severity "at baseline", i.e.
        # now, when staged (Fekadu 2018 Table 3, ../shared/clinical/REFERENCE.md 2.1), by a
        # clinician's rating (CGI, PSR or a DSM checklist); a diagnosis coded "severe" is such
        # a rating, the PHQ-9 band read as an MSM category this service's design choice. A code
        # from the same measurement interval as the latest PHQ-9 (at most rating_window_days,
        # Policy.mbc_interval_days, before it, or after it) rates the same state, and the
        # clinician's rating is the more severe: it grades (audit 16 W7: F33.2 coded at an
        # admission 24 days before a PHQ-9 of 18; the safer, higher stage). A code older than
        # that rated an earlier state: the newer PHQ-9 grades and the code is named, never
        # silently dropped (review 19 b01: "severe" coded in January, PHQ-9 18 in November).
        if finding.onset is not None and (latest.date - finding.onset).days <= rating_window_days:
            said = (
                f"coded {finding.coding} on {finding.onset_text}, a clinician's rating; "
                f"{basis} reads {category}"
            )
            short = f"coded {finding.code}"
            if disorder:
                said, short = f"{said}; {disorder}", f"{short}; {disorder}"
            return StageDimension("Severity", coded_category, said, coded_points, assumed=short)
        older = f"coded {coded_category} ({finding.code}) on {finding.onset_text} is older"
        basis = f"{basis}; {older}"
        short = "; ".join(part for part in (checked, older, disorder) if part)
        return StageDimension("Severity", category, basis, points, short)
    if disorder:
        short = f"{checked}; {disorder}" if checked else disorder
        return StageDimension("Severity", category, f"{basis}; {disorder}", points, short)
    return StageDimension("Severity", category, basis, points, checked)


def _phq9_reading(latest: Score) -> tuple[int, str, str]:
    """(the total the stage scores, the basis, what is to check) of the latest PHQ-9. A total
    that disagrees with its items (Score.total_conflict) scores its LOWER reading (review s27
    RB finding 3): the stage argues for escalation and a TMS referral, so the conservative
    reading is the one that claims less severity, as the payer severity row reads it
    (services/payer_criteria); the line says so and asks to check the form, never "severe"
    on a number the form itself contradicts."""
    day = latest.date.isoformat()
    conflict = latest.total_conflict
    value = latest.value or 0
    if conflict is None:
        return value, f"PHQ-9 {value} on {day}", ""
    lower = min(conflict.filed, conflict.items_sum)
    words = conflict_words(latest, dated=False)
    return lower, f"PHQ-9 {lower} on {day}, the lower reading ({words})", f"PHQ-9 {words}"
