"""Loading and validating rule sets: the shipped TOML files and a clinic's own file (pydantic at
the edge: the files are configuration)."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from fhir_mapping.record import FindingKind
from services.payer_criteria.bands import BAND_RANKS, DATA_FOLDER, known_instruments
from services.payer_criteria.errors import PayerCriteriaError
from services.payer_criteria.model import Criterion, CriterionKind, RuleSet
from services.policy import Policy


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
    to_confirm: str | None = Field(None, min_length=1)
    cautions: Literal["screen", "ignore"] | None = None
    ingredients: list[str] = []
    min_improvement: float | None = Field(None, gt=0, le=1)
    improvement_more_than: bool | None = None

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
            CriterionKind.PSYCHOTHERAPY: {"min_sessions", "to_confirm"},
            CriterionKind.CONTRAINDICATIONS: {"cautions"},
            CriterionKind.RETREATMENT: {"min_improvement", "improvement_more_than"},
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
        known = known_instruments()
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
            min_sessions=self.min_sessions,
            to_confirm=self.to_confirm or "",
            cautions=self.cautions or "screen",
            ingredients=tuple(i.strip().lower() for i in self.ingredients),
            min_improvement=self.min_improvement or 0.5,
            improvement_more_than=bool(self.improvement_more_than),
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
    course_sessions: int | None = Field(None, ge=1, le=100)
    course_sessions_source: str = ""
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
            course_sessions=self.course_sessions,
            course_sessions_source=self.course_sessions_source,
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
    folder = resources.files("services").joinpath(DATA_FOLDER)
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
