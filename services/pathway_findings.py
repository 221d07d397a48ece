"""The readings of the record's findings that `derive_facts` (pathway.py) makes for
PathwayFacts, once per evaluation: the findings grouped by kind (`group_findings`), whether the
latest PHQ-9 reads as remission (`reads_as_remission`), the drug cautions a coded finding or a
raised ALT/AST makes (`drug_cautions_on_record`, `transaminase_cautions`; review 12 H10),
and the primary psychotic disorders that stop the unipolar pathway
(`primary_psychotic`; review 9 finding 6, recheck N2).

Apart from pathway.py because each reads one part of the record and knows nothing of the facts
it fills; pathway.py keeps PathwayFacts, `derive_facts` and the diagnosis reading.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

from fhir_mapping.record import Finding, FindingKind, PatientRecord, Score
from services import finding_words, tables, transaminases
from services.pathway_options import unverified_mark
from services.policy import Policy

# As in pathway.py: Enum members compared per finding, as module constants (issue 14).
_DEPRESSION = FindingKind.DEPRESSION
_TRD = FindingKind.TRD
_MDD_IN_REMISSION = FindingKind.MDD_IN_REMISSION


def group_findings(record: PatientRecord) -> dict[FindingKind, tuple[Finding, ...]]:
    """The record's findings by kind, each kind's in record order (as ClinicalContext.of gives
    them): one pass over the findings for the dozen kinds the facts ask about."""
    grouped: dict[FindingKind, list[Finding]] = {}
    for finding in record.context.findings:
        grouped.setdefault(finding.kind, []).append(finding)
    return {kind: tuple(found) for kind, found in grouped.items()}


def reads_as_remission(
    record: PatientRecord,
    policy: Policy,
    episode_start: date | None,
    latest: Score | None,
    by_kind: dict[FindingKind, tuple[Finding, ...]],
) -> bool:
    """`latest`: the record's latest PHQ-9 total; `by_kind`: its findings by kind
    (group_findings)."""
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


# A drug_cautions.csv value as its FindingKind: a handful of values, read for every evaluation
# (calling the Enum class costs a Python-level lookup each time).
_finding_kind = lru_cache(maxsize=64)(FindingKind)


def drug_cautions_on_record(
    record: PatientRecord, by_kind: dict[FindingKind, tuple[Finding, ...]] | None = None
) -> tuple[tuple[str, str], ...]:
    """(ingredient, why) for each drug_cautions.csv row whose finding is on record: "contraindicated
    in seizure disorders (Epilepsy on record)", a single seizure said as one (finding_words;
    review 19 D1)."""
    of = group_findings(record) if by_kind is None else by_kind
    found = []
    for caution in tables.drug_cautions():
        findings = of.get(_finding_kind(caution.finding), ())
        if findings:
            named = finding_words.named_first(findings)
            found.append((caution.ingredient, finding_words.with_note(caution.note, named)))
    return tuple(found)


def transaminase_cautions(record: PatientRecord, policy: Policy) -> tuple[tuple[str, str], ...]:
    """(ingredient, why) for each drug of data/transaminase_cautions.csv when a recent ALT or AST
    is at or above the policy's multiple of its ULN: "ALT 182 U/L on 2025-05-12, 4.6x the upper
    limit of normal (Cymbalta label 5.2)". Proposing duloxetine there while the order and the
    running-drug card warn against it would contradict them; a coded liver disease, if any, is
    what caution_for names first."""
    raised = transaminases.raised(record, policy)
    if raised is None:
        return ()
    return tuple(
        (
            c.ingredient,
            f"{raised.listed_text()} ({c.cite}{unverified_mark(c.status)})",
        )
        for c in transaminases.cautions().values()
    )


def primary_psychotic(
    disorder: tuple[Finding, ...], psychotic: tuple[Finding, ...]
) -> tuple[Finding, ...]:
    """The primary psychotic disorders that stop the unipolar pathway. An active one always. One
    that is inactive or resolved too (lifelong, as bipolar disorder: review 9 finding 6), unless
    an active depression with psychotic features is on record: the clinician's current diagnosis
    then says the old one was revised, and the psychotic-depression pathway applies (review 9
    recheck N2). An active disorder code is also a `psychotic` finding (condition_codes.csv:
    psychotic rows count while active only); a resolved one is not."""
    if not disorder:
        return disorder  # nearly every chart
    codes = {(f.system, f.code) for f in disorder}
    current = {(p.system, p.code) for p in psychotic}
    active = tuple([f for f in disorder if (f.system, f.code) in current])
    revised = not current <= codes
    return active if revised else disorder
