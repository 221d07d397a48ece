"""A concussion is a TMS safety-screen item only while recent (fix tms43, review K30c v34).

A chart with a concussion coded three weeks before (S06.0X0A) got a TMS card that said
"Contraindications Met", while a brain tumour gets "safety screen first". A head injury is a
seizure-risk factor the TMS screen asks about (LCD L37086 "certain neurological conditions",
REFERENCE.md 3.2; the IFCN screening questionnaire), so the screen's table reads S06.0
(fhir_mapping/data/tms_safety_codes.csv) as the structural injuries S06.1-S06.9 are read. Unlike
them, a concussion leaves no lesion: one older than policy.tms_recent_concussion_days (from its
onset, else the day recorded) is dropped here, as withdrawal_now drops an old visit's withdrawal.
An undated one stays (the safer reading). Read by pathway.derive_facts.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.record import Finding, FindingKind
from services.policy import Policy

ByKind = dict[FindingKind, tuple[Finding, ...]]

_CAUTION = FindingKind.TMS_CAUTION
# ICD-10-CM S06.0 Concussion and its subcodes, as a code is written with or without its dot.
_CONCUSSION = "S060"


def _concussion(f: Finding) -> bool:
    return f.system == ICD10CM and f.code.replace(".", "").upper().startswith(_CONCUSSION)


def recent_concussion_only(by_kind: ByKind, as_of: date, policy: Policy) -> ByKind:
    """`by_kind` with the TMS cautions of a concussion older than the policy's window left out.
    Unchanged (the same mapping) when no concussion is screened."""
    cautions = by_kind.get(_CAUTION, ())
    if not any(_concussion(f) for f in cautions):
        return by_kind  # nearly every chart
    oldest = as_of - timedelta(days=policy.tms_recent_concussion_days)
    kept = tuple(
        f
        for f in cautions
        if not _concussion(f) or f.onset_latest is None or f.onset_latest >= oldest
    )
    out = {**by_kind, _CAUTION: kept}
    return {k: v for k, v in out.items() if v}
