"""A concussion is a TMS safety-screen item only while recent (fix tms43, review K30c v34).

A chart with a concussion coded three weeks before (S06.0X0A) got a TMS card that said
"Contraindications Met", while a brain tumour gets "safety screen first". A head injury is a
seizure-risk factor the TMS screen asks about (LCD L37086 "certain neurological conditions",
REFERENCE.md 3.2; the IFCN screening questionnaire), so the screen's table reads S06.0
(fhir_mapping/data/tms_safety_codes.csv) as the structural injuries S06.1-S06.9 are read. Unlike
them, a concussion leaves no lesion: one older than policy.tms_recent_concussion_days (from its
onset, else the day recorded) is dropped here, as withdrawal_now drops an old visit's withdrawal.
An undated one stays (the safer reading). Read by pathway.derive_facts.

The head injuries the screen keeps (S06, a concussion only while recent) are copied under
HEAD_INJURY, which the bupropion rows of data/drug_cautions.csv read: the bupropion labels list
head trauma among the factors that raise its seizure risk, and a concussion six months old got no
bupropion caution (fix tms44, recheck K32a finding 10).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.record import Finding, FindingKind
from services.policy import Policy

ByKind = dict[FindingKind, tuple[Finding, ...]]

_CAUTION = FindingKind.TMS_CAUTION
_HEAD_INJURY = FindingKind.HEAD_INJURY
# ICD-10-CM S06.0 Concussion and its subcodes, as a code is written with or without its dot.
_CONCUSSION = "S060"
# ICD-10-CM S06 Intracranial injury (S06.0 concussion, S06.1-S06.9 the structural injuries).
_INTRACRANIAL = "S06"


def _code(f: Finding) -> str:
    return f.code.replace(".", "").upper() if f.system == ICD10CM else ""


def _concussion(f: Finding) -> bool:
    return _code(f).startswith(_CONCUSSION)


def _with_head_injury(by_kind: ByKind) -> ByKind:
    """`by_kind` with its screened head injuries copied under HEAD_INJURY (module docstring)."""
    injuries = tuple(
        replace(f, kind=_HEAD_INJURY)
        for f in by_kind.get(_CAUTION, ())
        if _code(f).startswith(_INTRACRANIAL)
    )
    return {**by_kind, _HEAD_INJURY: injuries} if injuries else by_kind


def recent_concussion_only(by_kind: ByKind, as_of: date, policy: Policy) -> ByKind:
    """`by_kind` with the TMS cautions of a concussion older than the policy's window left out,
    and the head injuries kept copied under HEAD_INJURY. Unchanged (the same mapping) when no
    head injury is screened."""
    cautions = by_kind.get(_CAUTION, ())
    if not any(_concussion(f) for f in cautions):
        return _with_head_injury(by_kind) if cautions else by_kind  # nearly every chart: none
    oldest = as_of - timedelta(days=policy.tms_recent_concussion_days)
    kept = tuple(
        f
        for f in cautions
        if not _concussion(f) or f.onset_latest is None or f.onset_latest >= oldest
    )
    out = {**by_kind, _CAUTION: kept}
    return _with_head_injury({k: v for k, v in out.items() if v})
