"""Alcohol or sedative withdrawal as the TMS screen and the bupropion rows read it (recheck K11
s28 findings 1 and 2).

Withdrawal lowers the seizure threshold: the bupropion labels contraindicate bupropion while
alcohol, benzodiazepines or barbiturates are stopped abruptly (data/drug_cautions.csv,
FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL), and the TMS service screens it first
(fhir_mapping/data/tms_safety_codes.csv withdrawal rows, FindingKind.TMS_CAUTION). Two readings
of the pathway's findings, made once where they are grouped (pathway.derive_facts), so the
optimise card, the TMS card and the order hooks agree:

- An old visit's withdrawal asks, it does not bar. A withdrawal code that is only a status-less
  encounter diagnosis of a visit older than policy.substance_visit_current_days (F10.239 at a
  2019 visit) is worded "recorded at a 2019 visit: ask" on the diagnosis review
  (services/rules/diagnosis_substance.py); it was still read as a current withdrawal here, so the
  TMS card demanded the screen's clearance and bupropion was dropped as contraindicated. Such an
  entry's withdrawal and TMS caution findings are left out here, by the same rule and window
  (visit_substance.old_visit); the substance-use finding of the same entry stays, so the
  bupropion caveat ("ask about drinking and any plan to stop") and the diagnosis review's
  question remain. Every withdrawal code is also a substance-use code (condition_codes.csv), and
  the substance-use finding is the one the visit reading marks (visit_substance.py), so an entry
  is judged by it. A problem-list entry, or a visit that states its status, is read as it is.
- Withdrawal written only in words ("Alcohol withdrawal syndrome", "Benzodiazepine withdrawal";
  data/diagnosis_terms.csv alcohol-sedative-withdrawal rows) had no TMS caution: the screen
  reads codes and its own terms. The caution is read from the finding kind too: an active
  withdrawal finding whose entry the screen did not name gives a TMS caution of its own.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.visit_substance import old_visit
from services.policy import Policy

_WITHDRAWAL = FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL
_CAUTION = FindingKind.TMS_CAUTION
_SUBSTANCE = FindingKind.SUBSTANCE_USE

ByKind = dict[FindingKind, tuple[Finding, ...]]


def _old_visit_entries(by_kind: ByKind, as_of: date, days: int) -> frozenset[SourceRef]:
    """The entries whose substance use is only an old visit's status-less encounter diagnosis."""
    return frozenset(
        f.source
        for f in by_kind.get(_SUBSTANCE, ())
        if f.source is not None and old_visit(f, as_of, days) is not None
    )


def current_withdrawal(by_kind: ByKind, as_of: date, policy: Policy) -> ByKind:
    """`by_kind` with old visits' withdrawal left out and withdrawal in words screened for TMS
    (module docstring). Unchanged (the same mapping) when no withdrawal is on record."""
    withdrawal = by_kind.get(_WITHDRAWAL, ())
    if not withdrawal:
        return by_kind  # nearly every chart
    old = _old_visit_entries(by_kind, as_of, policy.substance_visit_current_days)
    kept = tuple(f for f in withdrawal if f.source not in old)
    # The TMS caution of an old visit's entry is its withdrawal row: the screen's other caution
    # rows (stroke, pacemaker, ...) are no substance-use codes.
    cautions = tuple(f for f in by_kind.get(_CAUTION, ()) if f.source not in old)
    screened = {f.source for f in cautions if f.source is not None}
    added = tuple(
        replace(f, kind=_CAUTION)
        for f in kept
        if f.state == "active" and f.source is not None and f.source not in screened
    )
    out = {**by_kind, _WITHDRAWAL: kept, _CAUTION: cautions + added}
    return {k: v for k, v in out.items() if v}
