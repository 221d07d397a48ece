"""Payer criteria as data: the rule sets a TMS referral is judged against, and their evaluation.

Issue 12. A TMS card is worth something to the clinic only if the referral it starts will be
approved, so the card lists each criterion of the clinic's chosen payer rule set as met / not met /
not on record / not available, with the evidence it rests on, and says "Criteria met" only when
every one is met.

Rule sets are data (services/data/payer_criteria/*.toml; README.md there): Medicare LCDs L34998,
L37086 and L33398, Ambetter CP.BH.200 and Aetna CPB 0469, each criterion with its wording, source
and status (confirmed / corroborated / UNVERIFIED). The clinic picks one (`[policy]
payer_criteria`, default L37086) or names its own file (`payer_criteria_file`), loaded and
validated at start (`PolicyConfig`), so a typo fails the start with the file and the problem named.
Severity bands of the scales other than the PHQ-9 are data too (scale_bands.csv; the PHQ-9's are
services/data/phq9_bands.csv, Kroenke 2001).

Criterion kinds (what each reads; parameters in README.md):
- `age`: Patient age; `diagnosis`: an active MDD (or TRD) code, never one that is "in remission"
  or a bipolar-depression code, and not one coded with a refused severity ("moderate" where the
  payer asks for severe MDD); `exclusions`: diagnoses the policy excludes (bipolar, psychotic,
  substance use);
- `severity`: the latest score of each accepted scale within `policy.payer_score_max_age_days`
  and the current episode, against the policy's band ("severe": PHQ-9 >= 20, HAM-D17 >= 24, ...)
  or its own cut-off (Ambetter: PHQ-9 >= 15);
- `trials`: the episode's adequate failed trials (pathway facts), plus the ones ended for
  documented intolerance where the payer counts "failure or intolerance", and their distinct
  classes; `augmentation`: adjunct trials of the episode;
- `psychotherapy`: psychotherapy Procedures (type, dates, sessions); a referral alone is not a
  trial; `contraindications`: the TMS safety screen (fhir_mapping/tms_safety.py): a finding the
  payer names is "not met", an item the TMS service must screen (pacemaker, stroke, ...) is "not
  on record" until its clearance is documented; `concurrent`: drugs that must not run alongside
  (ketamine, esketamine); `retreatment`: an earlier TMS course must show its response (PHQ-9
  before and after, >= 50 %).

"Not on record" vs "not available" (issue 10): a criterion that would rest on an absence says
"not available", never "not on record", when the data it reads could not all be seen
(`record.incomplete`). `evaluate_payer_criteria` is pure, so the referral packet renders the same
evaluation the card shows.
"""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fhir_mapping.clinical_codes import procedure_codes
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import (
    DataDomain,
    Finding,
    FindingKind,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Score,
    Trial,
)
from services.pathway import (
    VOID_REQUEST_STATUSES,
    PathwayFacts,
    finding_line,
    in_episode,
    qualifies_as_mdd,
)
from services.policy import Policy

PHQ9 = "PHQ-9"
_DATA = "data/payer_criteria"

# The ordinal band vocabulary the scale tables use (a vocabulary, not a threshold: the numbers
# behind each band are in phq9_bands.csv and scale_bands.csv).
BAND_RANKS: Mapping[str, int] = {
    "none": 0,
    "none-minimal": 0,
    "mild": 1,
    "moderate": 2,
    "moderately-severe": 3,
    "severe": 4,
    "very-severe": 5,
}

# How a card names the findings a criterion reads.
_FINDING_NAMES: Mapping[FindingKind, str] = {
    FindingKind.EPILEPSY: "seizure disorder",
    FindingKind.PSYCHOTIC: "psychotic features or disorder",
    FindingKind.IMPLANTED_DEVICE: "metal or stimulator near the head",
    FindingKind.BIPOLAR: "bipolar disorder",
    FindingKind.SUBSTANCE_USE: "substance use disorder",
    FindingKind.CATATONIA: "catatonia",
}

# Where the contraindication screen looks, and what a card calls each list when it is missing.
_SCREENED: tuple[tuple[DataDomain, str], ...] = (
    (DataDomain.CONDITIONS, "condition list"),
    (DataDomain.PROCEDURES, "procedure list"),
    (DataDomain.DEVICES, "device list"),
)


class PayerCriteriaError(ValueError):
    """A payer rule set that cannot be used: unknown name, unreadable file, invalid content."""


class CriterionKind(StrEnum):
    AGE = "age"
    DIAGNOSIS = "diagnosis"
    EXCLUSIONS = "exclusions"
    SEVERITY = "severity"
    TRIALS = "trials"
    AUGMENTATION = "augmentation"
    PSYCHOTHERAPY = "psychotherapy"
    CONTRAINDICATIONS = "contraindications"
    CONCURRENT = "concurrent"
    RETREATMENT = "retreatment"


# The chart data each kind reads: a gap in one makes an absence "not available".
_DOMAINS: Mapping[CriterionKind, tuple[DataDomain, ...]] = {
    CriterionKind.AGE: (DataDomain.PATIENT,),
    CriterionKind.DIAGNOSIS: (DataDomain.CONDITIONS,),
    CriterionKind.EXCLUSIONS: (DataDomain.CONDITIONS,),
    CriterionKind.SEVERITY: (DataDomain.SCORES,),
    CriterionKind.TRIALS: (DataDomain.MEDICATIONS, DataDomain.INTOLERANCES),
    CriterionKind.AUGMENTATION: (DataDomain.MEDICATIONS,),
    CriterionKind.PSYCHOTHERAPY: (DataDomain.PROCEDURES, DataDomain.REFERRALS),
    CriterionKind.CONTRAINDICATIONS: (
        DataDomain.CONDITIONS,
        DataDomain.PROCEDURES,
        DataDomain.DEVICES,
    ),
    CriterionKind.CONCURRENT: (DataDomain.MEDICATIONS,),
    CriterionKind.RETREATMENT: (DataDomain.PROCEDURES, DataDomain.REFERRALS, DataDomain.SCORES),
}


class CriterionStatus(StrEnum):
    MET = "met"
    NOT_MET = "not-met"
    NOT_ON_RECORD = "not-on-record"
    NOT_AVAILABLE = "not-available"

    @property
    def label(self) -> str:
        return {
            "met": "Met",
            "not-met": "Not met",
            "not-on-record": "Not on record",
            "not-available": "Not available",
        }[self.value]


# --- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ScaleBand:
    """One severity band of a rating scale (phq9_bands.csv, scale_bands.csv)."""

    instrument: str
    key: str  # "severe", "moderately-severe", ...
    label: str
    lower: int
    upper: int
    citation: str  # short, for a card: "Kroenke 2001"
    source: str
    status: str

    @property
    def rank(self) -> int:
        return BAND_RANKS[self.key]


def _csv(name: str) -> list[dict[str, str]]:
    text = resources.files("services").joinpath(name).read_text("utf-8")
    return list(csv.DictReader(text.splitlines()))


@cache
def scale_bands() -> tuple[ScaleBand, ...]:
    """Every scale's bands: the PHQ-9's from phq9_bands.csv, the others from scale_bands.csv."""
    found = [
        ScaleBand(
            instrument=PHQ9,
            key=row["band"],
            label=row["label"],
            lower=int(row["lower"]),
            upper=int(row["upper"]),
            citation="Kroenke 2001",
            source=row["source"],
            status=row["status"],
        )
        for row in _csv("data/phq9_bands.csv")
    ]
    for row in _csv(f"{_DATA}/scale_bands.csv"):
        found.append(
            ScaleBand(
                instrument=row["instrument"],
                key=row["band"],
                label=row["label"],
                lower=int(row["lower"]),
                upper=int(row["upper"]),
                citation=row["citation"],
                source=row["source"],
                status=row["status"],
            )
        )
    unknown = {b.key for b in found} - set(BAND_RANKS)
    if unknown:
        raise PayerCriteriaError(f"scale_bands.csv: unknown band(s) {sorted(unknown)}")
    return tuple(found)


def scale_band(instrument: str, value: int) -> ScaleBand | None:
    """The band a score falls in, or None for an instrument without bands or a value outside."""
    return next(
        (b for b in scale_bands() if b.instrument == instrument and b.lower <= value <= b.upper),
        None,
    )


def _instruments() -> frozenset[str]:
    return frozenset(b.instrument for b in scale_bands())


@dataclass(frozen=True, slots=True)
class Criterion:
    """One criterion of a payer rule set, with the parameters its kind reads."""

    id: str
    kind: CriterionKind
    label: str  # short, for a card line: "Psychotherapy"
    wording: str  # the policy's words, briefly quoted or summarised
    to_document: str  # what a card asks for when it is not met: "a psychotherapy trial"
    source: str  # where the wording was read (section, summary, REFERENCE.md)
    status: str  # confirmed | corroborated | UNVERIFIED (of the criterion as read)
    min_age: int | None = None
    refuse_severities: tuple[str, ...] = ()
    findings: tuple[FindingKind, ...] = ()
    instruments: tuple[str, ...] = ()
    min_band: str | None = None
    min_scores: tuple[tuple[str, int], ...] = ()  # (instrument, cut-off) where the policy says
    min_trials: int = 1
    min_classes: int = 1
    count_intolerant: bool = False
    min_sessions: int = 1
    cautions: Literal["screen", "ignore"] = "screen"
    ingredients: tuple[str, ...] = ()
    min_improvement: float = 0.5
    course_gap_days: int = 30

    def cut_off(self, instrument: str) -> tuple[int, str] | None:
        """The least score of `instrument` that meets this severity criterion, and how a card
        says it ("PHQ-9 >= 20, severe, Kroenke 2001"); None when the scale has no such band."""
        own = dict(self.min_scores).get(instrument)
        if own is not None:
            return own, f"{instrument} >= {own}"
        if self.min_band is None:
            return None
        wanted = BAND_RANKS[self.min_band]
        bands = [b for b in scale_bands() if b.instrument == instrument and b.rank >= wanted]
        if not bands:
            return None
        first = min(bands, key=lambda b: b.lower)
        return first.lower, f"{instrument} >= {first.lower} ({first.label}, {first.citation})"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A payer's TMS criteria (one TOML file)."""

    id: str  # "l37086"
    name: str  # "Medicare LCD L37086"
    title: str
    url: str
    source: str
    status: str  # of the set as a whole; UNVERIFIED when its text could not be read
    criteria: tuple[Criterion, ...]
    note: str = ""  # shown with the criteria, e.g. why the whole set is UNVERIFIED
    # What the TMS service itself must meet (prescriber, device, session limits): for the
    # referral packet; not judged from the patient's chart.
    service_requirements: tuple[str, ...] = ()
    not_encoded: tuple[str, ...] = ()  # parts of the policy not judged from the chart, and why


# --- loading (pydantic at the edge: the files are configuration) -------------------------------


class _CriterionFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1)
    kind: CriterionKind
    label: str = Field(min_length=1)
    wording: str = Field(min_length=1)
    to_document: str = Field(min_length=1)
    source: str = Field(min_length=1)
    status: Literal["confirmed", "corroborated", "UNVERIFIED"]
    min_age: int | None = Field(None, ge=0, le=120)
    refuse_severities: list[Literal["mild", "moderate", "severe"]] = []
    findings: list[FindingKind] = []
    instruments: list[str] = []
    min_band: str | None = None
    min_scores: dict[str, int] = {}
    min_trials: int | None = Field(None, ge=1, le=10)
    min_classes: int | None = Field(None, ge=1, le=10)
    count_intolerant: bool | None = None
    min_sessions: int | None = Field(None, ge=1, le=100)
    cautions: Literal["screen", "ignore"] | None = None
    ingredients: list[str] = []
    min_improvement: float | None = Field(None, gt=0, le=1)
    course_gap_days: int | None = Field(None, ge=1, le=365)

    @model_validator(mode="after")
    def _parameters(self) -> _CriterionFile:
        """Each kind names what it needs, and nothing another kind reads (a parameter that would
        be silently ignored is a mistake in the file)."""
        needs: dict[CriterionKind, set[str]] = {
            CriterionKind.AGE: {"min_age"},
            CriterionKind.DIAGNOSIS: set(),
            CriterionKind.EXCLUSIONS: {"findings"},
            CriterionKind.SEVERITY: {"instruments"},
            CriterionKind.TRIALS: {"min_trials", "count_intolerant"},
            CriterionKind.AUGMENTATION: {"min_trials"},
            CriterionKind.PSYCHOTHERAPY: set(),
            CriterionKind.CONTRAINDICATIONS: {"findings"},
            CriterionKind.CONCURRENT: {"ingredients"},
            CriterionKind.RETREATMENT: set(),
        }
        allowed: dict[CriterionKind, set[str]] = {
            CriterionKind.DIAGNOSIS: {"refuse_severities"},
            CriterionKind.SEVERITY: {"min_band", "min_scores"},
            CriterionKind.TRIALS: {"min_classes"},
            CriterionKind.PSYCHOTHERAPY: {"min_sessions"},
            CriterionKind.CONTRAINDICATIONS: {"cautions"},
            CriterionKind.RETREATMENT: {"min_improvement", "course_gap_days"},
        }
        given = {
            name
            for name in self.model_fields_set
            if name not in {"id", "kind", "label", "wording", "to_document", "source", "status"}
        }
        missing = needs[self.kind] - given
        if missing:
            raise ValueError(f"criterion {self.id!r} ({self.kind}) needs {sorted(missing)}")
        extra = given - needs[self.kind] - allowed.get(self.kind, set())
        if extra:
            raise ValueError(f"criterion {self.id!r} ({self.kind}) does not read {sorted(extra)}")
        if self.kind is CriterionKind.SEVERITY:
            self._check_severity()
        return self

    def _check_severity(self) -> None:
        known = _instruments()
        unknown = [i for i in (*self.instruments, *self.min_scores) if i not in known]
        if unknown:
            raise ValueError(
                f"criterion {self.id!r}: unknown scale(s) {unknown}; known: {sorted(known)}"
            )
        if self.min_band is not None and self.min_band not in BAND_RANKS:
            raise ValueError(f"criterion {self.id!r}: unknown band {self.min_band!r}")
        for instrument in self.instruments:
            if instrument not in self.min_scores and self.min_band is None:
                raise ValueError(
                    f"criterion {self.id!r}: {instrument} needs min_band or a min_scores entry"
                )

    def criterion(self) -> Criterion:
        return Criterion(
            id=self.id,
            kind=self.kind,
            label=self.label,
            wording=self.wording,
            to_document=self.to_document,
            source=self.source,
            status=self.status,
            min_age=self.min_age,
            refuse_severities=tuple(self.refuse_severities),
            findings=tuple(self.findings),
            instruments=tuple(self.instruments),
            min_band=self.min_band,
            min_scores=tuple(sorted(self.min_scores.items())),
            min_trials=self.min_trials or 1,
            min_classes=self.min_classes or 1,
            count_intolerant=bool(self.count_intolerant),
            min_sessions=self.min_sessions or 1,
            cautions=self.cautions or "screen",
            ingredients=tuple(i.strip().lower() for i in self.ingredients),
            min_improvement=self.min_improvement or 0.5,
            course_gap_days=self.course_gap_days or 30,
        )


class _RuleSetFile(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    title: str = Field(min_length=1)
    url: str = Field(min_length=1)
    source: str = Field(min_length=1)
    status: Literal["confirmed", "corroborated", "UNVERIFIED"]
    note: str = ""
    service_requirements: list[str] = []
    not_encoded: list[str] = []
    criteria: list[_CriterionFile] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> _RuleSetFile:
        ids = [c.id for c in self.criteria]
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            raise ValueError(f"criterion id(s) {twice} appear more than once")
        return self

    def rule_set(self) -> RuleSet:
        return RuleSet(
            id=self.id,
            name=self.name,
            title=self.title,
            url=self.url,
            source=self.source,
            status=self.status,
            note=self.note,
            criteria=tuple(c.criterion() for c in self.criteria),
            service_requirements=tuple(self.service_requirements),
            not_encoded=tuple(self.not_encoded),
        )


def parse_rule_set(text: str, where: str) -> RuleSet:
    """A rule set from TOML text; PayerCriteriaError names `where` and every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PayerCriteriaError(f"payer criteria {where}: not valid TOML: {exc}") from exc
    try:
        return _RuleSetFile.model_validate(data).rule_set()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'file'}: {err['msg']}"
            for err in exc.errors()
        )
        raise PayerCriteriaError(f"payer criteria {where}: {problems}") from exc


@cache
def builtin_rule_sets() -> Mapping[str, RuleSet]:
    """The rule sets shipped in services/data/payer_criteria, by id."""
    folder = resources.files("services").joinpath(_DATA)
    found: dict[str, RuleSet] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        rule_set = parse_rule_set(entry.read_text("utf-8"), entry.name)
        if rule_set.id in found:
            raise PayerCriteriaError(f"payer criteria {entry.name}: id {rule_set.id!r} twice")
        found[rule_set.id] = rule_set
    return found


@lru_cache(maxsize=16)
def load_rule_set_file(path: str) -> RuleSet:
    """A clinic's own rule set file (`[policy] payer_criteria_file`), read once per process."""
    try:
        text = Path(path).read_text("utf-8")
    except OSError as exc:
        raise PayerCriteriaError(f"payer criteria file {path}: cannot be read ({exc})") from exc
    return parse_rule_set(text, f"file {path}")


def resolve_rule_set(name: str, path: str | None = None) -> RuleSet:
    """The clinic's rule set: its own file when one is named, else a shipped set by id."""
    if path:
        return load_rule_set_file(path)
    found = builtin_rule_sets().get(name)
    if found is None:
        known = ", ".join(sorted(builtin_rule_sets()))
        raise PayerCriteriaError(f"payer_criteria {name!r} is not a known rule set ({known})")
    return found


def rule_set_for(policy: Policy) -> RuleSet:
    return resolve_rule_set(policy.payer_criteria, policy.payer_criteria_file)


# --- the evaluation -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CriterionResult:
    """How one criterion stands on this chart, and what it rests on."""

    id: str
    kind: CriterionKind
    label: str
    wording: str
    status: CriterionStatus
    evidence: tuple[str, ...]  # short, for the card: the scale and score, the trials, ...
    to_document: str | None  # what is missing when not met (None when met)
    source: str
    source_status: str  # confirmed | corroborated | UNVERIFIED, of the criterion as read
    # Longer lines for the referral packet (each counted trial with doses, dates and outcome);
    # the card shows `evidence` and the trial table.
    details: tuple[str, ...] = ()

    @property
    def met(self) -> bool:
        return self.status is CriterionStatus.MET


@dataclass(frozen=True, slots=True)
class PayerEvaluation:
    """A payer rule set evaluated on one chart: for the TMS card and the referral packet."""

    rule_set: RuleSet
    results: tuple[CriterionResult, ...]
    # The chart has gaps in the data these criteria read (resources left out, lists not sent):
    # "met" then means met on the data that could be read.
    incomplete: bool
    # The trials the `trials` criterion counted, oldest first (failed, plus not tolerated where
    # the payer counts intolerance).
    counted_trials: tuple[Trial, ...] = ()

    @property
    def met(self) -> bool:
        """Every criterion met: the only state in which a card may say "Criteria met"."""
        return all(r.met for r in self.results)

    @property
    def to_document(self) -> tuple[str, ...]:
        """What is missing: the not met and not on record criteria, in the set's order."""
        return tuple(
            r.to_document
            for r in self.results
            if r.to_document
            and r.status in (CriterionStatus.NOT_MET, CriterionStatus.NOT_ON_RECORD)
        )

    @property
    def not_available(self) -> tuple[CriterionResult, ...]:
        return tuple(r for r in self.results if r.status is CriterionStatus.NOT_AVAILABLE)


@dataclass(frozen=True, slots=True)
class _Inputs:
    record: PatientRecord
    facts: PathwayFacts
    policy: Policy

    def unseen(self, kind: CriterionKind) -> bool:
        """Whether some of the data this kind reads could not be seen (an absence unproven)."""
        return any(self.record.incomplete(d) for d in _DOMAINS[kind])


@dataclass(frozen=True, slots=True)
class _Outcome:
    status: CriterionStatus
    evidence: tuple[str, ...]
    to_document: str | None = None  # overrides the criterion's own wording when set
    details: tuple[str, ...] = ()


def evaluate_payer_criteria(
    record: PatientRecord, facts: PathwayFacts, policy: Policy
) -> PayerEvaluation:
    """The clinic's payer rule set (policy.payer_criteria / payer_criteria_file) on this chart."""
    rule_set = rule_set_for(policy)
    inputs = _Inputs(record, facts, policy)
    results = []
    counted: tuple[Trial, ...] = ()
    for criterion in rule_set.criteria:
        outcome = _EVALUATORS[criterion.kind](criterion, inputs)
        if criterion.kind is CriterionKind.TRIALS:
            counted = _counted_trials(criterion, facts)
        results.append(
            CriterionResult(
                id=criterion.id,
                kind=criterion.kind,
                label=criterion.label,
                wording=criterion.wording,
                status=outcome.status,
                evidence=outcome.evidence,
                to_document=(
                    None
                    if outcome.status is CriterionStatus.MET
                    else outcome.to_document or criterion.to_document
                ),
                source=criterion.source,
                source_status=criterion.status,
                details=outcome.details,
            )
        )
    domains = {d for c in rule_set.criteria for d in _DOMAINS[c.kind]}
    return PayerEvaluation(
        rule_set=rule_set,
        results=tuple(results),
        incomplete=bool(record.gaps_in(*domains)),
        counted_trials=counted,
    )


def _absent(inputs: _Inputs, kind: CriterionKind, what: str, evidence: str) -> _Outcome:
    """Nothing found: "not available" when the data could not all be seen, else "not on record"."""
    if inputs.unseen(kind):
        return _Outcome(CriterionStatus.NOT_AVAILABLE, (f"{what} not available",))
    return _Outcome(CriterionStatus.NOT_ON_RECORD, (evidence,))


def _age(c: Criterion, x: _Inputs) -> _Outcome:
    age = x.record.patient.age
    if age is None:
        return _absent(x, c.kind, "date of birth", "age not on record")
    assert c.min_age is not None
    if age >= c.min_age:
        return _Outcome(CriterionStatus.MET, (f"age {age}",))
    return _Outcome(CriterionStatus.NOT_MET, (f"age {age}; the policy asks for {c.min_age}+",))


def _diagnosis(c: Criterion, x: _Inputs) -> _Outcome:
    context = x.record.context
    coded = context.of(FindingKind.TRD) + context.of(FindingKind.DEPRESSION)
    usable = [f for f in coded if qualifies_as_mdd(f)]
    if not usable:
        not_mdd = [f for f in coded if f not in usable] + list(
            context.of(FindingKind.MDD_IN_REMISSION)
        )
        if not_mdd:
            return _Outcome(
                CriterionStatus.NOT_MET,
                tuple(
                    f"{finding_line(f)} is not a qualifying diagnosis (in remission or bipolar)"
                    for f in dict.fromkeys(not_mdd)
                ),
            )
        return _absent(x, c.kind, "condition list", "no depression diagnosis on the problem list")
    accepted = [f for f in usable if f.severity not in c.refuse_severities]
    if not accepted:
        f = max(usable, key=lambda f: f.onset or date.min)
        return _Outcome(
            CriterionStatus.NOT_MET,
            (
                f"{finding_line(f)}: coded as {f.severity}; the policy asks for "
                f"{c.wording.lower().rstrip('.')}",
            ),
        )
    # Cite the code that says the most: coded severe first, then the most recent.
    best = max(accepted, key=lambda f: (f.severity == "severe", f.onset or date.min))
    severity = f"coded as {best.severity}" if best.severity else "severity not coded"
    return _Outcome(CriterionStatus.MET, (f"{finding_line(best)}; {severity}",))


def _findings(kinds: Sequence[FindingKind], record: PatientRecord) -> list[Finding]:
    return [f for kind in kinds for f in record.context.of(kind)]


def _names(kinds: Iterable[FindingKind]) -> str:
    return ", ".join(_FINDING_NAMES.get(k, k.value.replace("-", " ")) for k in kinds)


def _exclusions(c: Criterion, x: _Inputs) -> _Outcome:
    found = _findings(c.findings, x.record)
    if found:
        return _Outcome(CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    if x.unseen(c.kind):
        return _Outcome(CriterionStatus.NOT_AVAILABLE, ("condition list not available",))
    return _Outcome(CriterionStatus.MET, (f"no {_names(c.findings)} on record",))


def _severity(c: Criterion, x: _Inputs) -> _Outcome:
    record, facts = x.record, x.facts
    horizon = record.as_of - timedelta(days=x.policy.payer_score_max_age_days)
    current: dict[str, Score] = {}
    older: dict[str, Score] = {}
    for s in sorted(record.scores, key=lambda s: s.date):
        if s.instrument not in c.instruments or s.value is None:
            continue
        fresh = s.date >= horizon and in_episode(s.date, facts.episode_start)
        (current if fresh else older)[s.instrument] = s
    evidence: list[str] = []
    met = False
    for instrument in c.instruments:
        score = current.get(instrument)
        if score is None or score.value is None:
            continue
        band = scale_band(instrument, score.value)
        shown = f"{instrument} {score.value} on {score.date.isoformat()}"
        if band is not None:
            unverified = " (band UNVERIFIED)" if band.status == "UNVERIFIED" else ""
            shown += f" ({band.label}, {band.citation}{unverified})"
        cut = c.cut_off(instrument)
        if cut is not None and score.value >= cut[0]:
            met = True
        elif cut is not None:
            shown += f": below {cut[1]}"
        evidence.append(shown)
    if met:
        return _Outcome(CriterionStatus.MET, tuple(evidence))
    if evidence:
        return _Outcome(CriterionStatus.NOT_MET, tuple(evidence))
    window = x.policy.payer_score_max_age_days
    if older:
        latest = max(older.values(), key=lambda s: s.date)
        return _Outcome(
            CriterionStatus.NOT_ON_RECORD,
            (
                f"no {'/'.join(c.instruments)} in the last {window} days of this episode "
                f"(latest: {latest.instrument} {latest.value} on {latest.date.isoformat()})",
            ),
        )
    return _absent(
        x,
        c.kind,
        "rating scale scores",
        f"no {'/'.join(c.instruments)} score on record",
    )


def _counted_trials(c: Criterion, facts: PathwayFacts) -> tuple[Trial, ...]:
    counted = facts.failed_trials + (facts.intolerant_trials if c.count_intolerant else ())
    return tuple(sorted(counted, key=lambda t: t.start))


def _classes(trials: Iterable[Trial]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(t.drug_class for t in trials))


def trial_line(trial: Trial) -> str:
    """A counted trial as evidence: drug, class, dose, dates, weeks, outcome or intolerance."""
    end = "ongoing" if trial.ongoing else trial.end.isoformat()
    dose = (
        f"{trial.max_mg_per_day:g} mg/day" if trial.max_mg_per_day is not None else "dose unknown"
    )
    head = f"{trial.ingredient} ({trial.drug_class}) {dose}, {trial.start.isoformat()} - {end}"
    if trial.failed:
        scores = ""
        if trial.baseline and trial.on_treatment:
            scores = f", PHQ-9 {trial.baseline.value} -> {trial.on_treatment.value}"
        weeks = f"{trial.weeks_at_adequate_dose:g}"
        return f"{head}: failed after {weeks} weeks at an adequate dose{scores}"
    if trial.intolerance is not None:
        when = f" {trial.intolerance.date.isoformat()}" if trial.intolerance.date else ""
        return (
            f"{head}: not tolerated ({trial.intolerance.reason}{when}, {trial.intolerance.source})"
        )
    return head


def _trials(c: Criterion, x: _Inputs) -> _Outcome:
    facts = x.facts
    counted = _counted_trials(c, facts)
    classes = _classes(counted)
    plural = "es" if c.min_classes > 1 else ""
    named = ", ".join(
        f"{t.ingredient} ({t.drug_class}, {'failed' if t.failed else 'not tolerated'})"
        for t in counted
    )
    summary = (
        f"{len(counted)} counted from {len(classes)} class{'es' if len(classes) != 1 else ''}"
        + (f": {named}" if named else "")
        + f"; needs {c.min_trials} from {c.min_classes} class{plural}"
    )
    if not c.count_intolerant and facts.intolerant_trials:
        # Say what was left out, so "1 counted" is not read as "only 1 tried".
        summary += "; not counted (this policy counts failed trials only): " + ", ".join(
            f"{t.ingredient} (not tolerated)" for t in facts.intolerant_trials
        )
    details = tuple(trial_line(t) for t in counted)
    if len(counted) >= c.min_trials and len(classes) >= c.min_classes:
        return _Outcome(CriterionStatus.MET, (summary,), details=details)
    if x.unseen(c.kind):
        return _Outcome(
            CriterionStatus.NOT_AVAILABLE,
            (summary, "medication history not available in full"),
            details=details,
        )
    status = CriterionStatus.NOT_MET if counted else CriterionStatus.NOT_ON_RECORD
    return _Outcome(status, (summary,), details=details)


def _augmentation(c: Criterion, x: _Inputs) -> _Outcome:
    trials = x.facts.augmentations
    named = ", ".join(f"{t.ingredient} (from {t.start.isoformat()})" for t in trials)
    details = tuple(trial_line(t) for t in trials)
    if len(trials) >= c.min_trials:
        return _Outcome(CriterionStatus.MET, (named,), details=details)
    if trials:
        return _Outcome(
            CriterionStatus.NOT_MET,
            (f"{named}; needs {c.min_trials} augmentation trials",),
            details=details,
        )
    return _absent(x, c.kind, "medication history", "no augmentation trial in this episode")


def _procedure_name(p: ProcedureRecord) -> str:
    row = procedure_codes().get((canonical_system(p.system), p.code))
    return f"{row.display if row else 'psychotherapy'} ({p.code})"


def _psychotherapy(c: Criterion, x: _Inputs) -> _Outcome:
    record = x.record
    sessions = sorted(
        (p for p in record.procedures if p.kind is ProcedureKind.PSYCHOTHERAPY),
        key=lambda p: p.date or date.min,
    )
    if sessions:
        dated = [p.date for p in sessions if p.date is not None]
        if not dated:
            span = ", undated"
        elif min(dated) == max(dated):
            span = f", {min(dated).isoformat()}"
        else:
            span = f", {min(dated).isoformat()} - {max(dated).isoformat()}"
        kinds = "; ".join(dict.fromkeys(_procedure_name(p) for p in sessions))
        line = f"{len(sessions)} session{'s' if len(sessions) != 1 else ''}{span}: {kinds}"
        if len(sessions) >= c.min_sessions:
            return _Outcome(CriterionStatus.MET, (line,))
        return _Outcome(CriterionStatus.NOT_MET, (f"{line}; the policy reads {c.min_sessions}+",))
    referrals = [
        r
        for r in record.referrals
        if r.kind == "psychotherapy" and r.status not in VOID_REQUEST_STATUSES
    ]
    if referrals:
        # A referral is not a trial: the payer asks for therapy that was had.
        lines = tuple(
            f"referral {r.status}"
            + (f" {r.authored.isoformat()}" if r.authored else "")
            + (f" ({r.source})" if r.source else "")
            + ", no session documented"
            for r in referrals
        )
        if x.unseen(c.kind):
            return _Outcome(CriterionStatus.NOT_AVAILABLE, (*lines, "procedures not available"))
        return _Outcome(CriterionStatus.NOT_ON_RECORD, lines)
    return _absent(x, c.kind, "psychotherapy history", "no psychotherapy on record")


def _contraindications(c: Criterion, x: _Inputs) -> _Outcome:
    record, facts = x.record, x.facts
    found = _findings(c.findings, record)
    if found:
        return _Outcome(CriterionStatus.NOT_MET, tuple(finding_line(f) for f in found))
    missing = [name for domain, name in _SCREENED if record.unavailable(domain)]
    if c.cautions == "screen" and facts.tms_cautions:
        items = tuple(finding_line(f) for f in facts.tms_cautions)
        return _Outcome(
            CriterionStatus.NOT_ON_RECORD,
            (f"none of: {_names(c.findings)}", *(f"to screen: {i}" for i in items)),
            to_document="the TMS safety screen's clearance of "
            + ", ".join(f.display or f.code for f in facts.tms_cautions),
        )
    if missing or x.unseen(c.kind):
        lists = ", ".join(missing) or "part of the condition, procedure or device list"
        return _Outcome(
            CriterionStatus.NOT_AVAILABLE,
            (f"none of: {_names(c.findings)} recognised; {lists} not available",),
        )
    return _Outcome(CriterionStatus.MET, (f"none of: {_names(c.findings)}",))


def _concurrent(c: Criterion, x: _Inputs) -> _Outcome:
    running = [t for t in x.record.trials if t.ongoing and t.ingredient.lower() in c.ingredients]
    if running:
        return _Outcome(
            CriterionStatus.NOT_MET,
            tuple(f"{t.ingredient} since {t.start.isoformat()} (ongoing)" for t in running),
        )
    if x.unseen(c.kind):
        return _Outcome(CriterionStatus.NOT_AVAILABLE, ("medication list not available in full",))
    return _Outcome(CriterionStatus.MET, (f"no {' or '.join(c.ingredients)} running",))


def _courses(sessions: Sequence[date], gap_days: int) -> list[tuple[date, date]]:
    """TMS sessions grouped into courses: more than `gap_days` apart starts a new one."""
    courses: list[list[date]] = []
    for day in sorted(sessions):
        if courses and (day - courses[-1][-1]).days <= gap_days:
            courses[-1].append(day)
        else:
            courses.append([day])
    return [(c[0], c[-1]) for c in courses]


def _retreatment(c: Criterion, x: _Inputs) -> _Outcome:
    record, mapping = x.record, x.policy.mapping
    dates = [p.date for p in record.procedures if p.kind is ProcedureKind.TMS and p.date]
    referred = [
        r
        for r in record.referrals
        if r.kind == "tms" and r.status == "completed" and r.authored is not None
    ]
    if not dates and not referred:
        if x.unseen(c.kind):
            return _Outcome(CriterionStatus.NOT_AVAILABLE, ("TMS history not available",))
        return _Outcome(CriterionStatus.MET, ("no earlier TMS course on record: initial course",))
    if not dates:
        r = max(referred, key=lambda r: r.authored or date.min)
        return _Outcome(
            CriterionStatus.NOT_ON_RECORD,
            (
                f"an earlier TMS referral was completed ({r.authored}, {r.source}); no course "
                "sessions or response on record",
            ),
        )
    start, end = _courses(dates, c.course_gap_days)[-1]
    phq9 = [s for s in record.phq9() if s.value is not None]
    before = [
        s for s in phq9 if start - timedelta(days=mapping.baseline_days_before) <= s.date <= start
    ]
    after = [
        s
        for s in phq9
        if start + timedelta(weeks=mapping.on_treatment_from_week)
        <= s.date
        <= end + timedelta(days=mapping.on_treatment_days_after_end)
    ]
    course = f"TMS course {start.isoformat()} - {end.isoformat()}"
    if not before or not after:
        return _Outcome(
            CriterionStatus.NOT_ON_RECORD,
            (f"{course}: no PHQ-9 {'before' if not before else 'after'} it to show the response",),
        )
    b, a = before[-1], after[-1]
    assert b.value is not None and a.value is not None
    improvement = (b.value - a.value) / b.value if b.value else 0.0
    line = (
        f"{course}: PHQ-9 {b.value} ({b.date.isoformat()}) -> {a.value} ({a.date.isoformat()}), "
        f"{round(improvement * 100)} % improvement"
    )
    if improvement >= c.min_improvement:
        return _Outcome(CriterionStatus.MET, (line,))
    return _Outcome(
        CriterionStatus.NOT_MET,
        (f"{line}; retreatment needs {round(c.min_improvement * 100)} %",),
    )


_EVALUATORS: Mapping[CriterionKind, Callable[[Criterion, _Inputs], _Outcome]] = {
    CriterionKind.AGE: _age,
    CriterionKind.DIAGNOSIS: _diagnosis,
    CriterionKind.EXCLUSIONS: _exclusions,
    CriterionKind.SEVERITY: _severity,
    CriterionKind.TRIALS: _trials,
    CriterionKind.AUGMENTATION: _augmentation,
    CriterionKind.PSYCHOTHERAPY: _psychotherapy,
    CriterionKind.CONTRAINDICATIONS: _contraindications,
    CriterionKind.CONCURRENT: _concurrent,
    CriterionKind.RETREATMENT: _retreatment,
}
