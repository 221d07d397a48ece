"""What could not be read, as DataGaps: the mapping's half of "never silent" (issue 10).

Two sources of gaps:
- resources the mapping left out (another patient's, no subject, a drug it cannot identify, a
  Medication reference it cannot resolve, no date): one gap each, naming the resource;
- data the protocol layer could not obtain (a prefetch key neither sent nor fetchable, a prefetched
  Bundle whose later pages could not be read): one gap per domain, reported by resource type
  because `cds_hooks` knows resource types, not domains.

Which domain a resource type feeds is FHIR structure, not clinical fact, so it lives here as code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping

from fhir_mapping.record import DataDomain, DataGap, GapCause, SourceRef

DOMAINS_OF_TYPE: Mapping[str, tuple[DataDomain, ...]] = {
    "MedicationRequest": (DataDomain.MEDICATIONS,),
    "MedicationStatement": (DataDomain.MEDICATIONS,),
    "MedicationDispense": (DataDomain.MEDICATIONS,),
    "MedicationAdministration": (DataDomain.MEDICATIONS,),
    "Medication": (DataDomain.MEDICATIONS,),
    "Observation": (DataDomain.SCORES, DataDomain.LABS),
    "QuestionnaireResponse": (DataDomain.SCORES,),
    "Condition": (DataDomain.CONDITIONS,),
    "Procedure": (DataDomain.PROCEDURES,),
    "ServiceRequest": (DataDomain.REFERRALS,),
    "Device": (DataDomain.DEVICES,),
    "AllergyIntolerance": (DataDomain.INTOLERANCES,),
    "AdverseEvent": (DataDomain.INTOLERANCES,),
    "Patient": (DataDomain.PATIENT,),
}

# Readable names for card lines ("2 medication records could not be read").
_NOUN = {
    DataDomain.MEDICATIONS: "medication record",
    DataDomain.SCORES: "rating-scale result",
    DataDomain.CONDITIONS: "diagnosis",
    DataDomain.PROCEDURES: "procedure",
    DataDomain.REFERRALS: "referral",
    DataDomain.DEVICES: "device record",
    DataDomain.LABS: "lab result",
    DataDomain.INTOLERANCES: "intolerance record",
    DataDomain.PATIENT: "patient record",
}


def noun(domain: DataDomain, count: int) -> str:
    """ "1 medication record", "3 rating-scale results"."""
    return f"{count} {_NOUN[domain]}{'' if count == 1 else 's'}"


def resource_gap(
    resource: Mapping[str, object],
    reason: str,
    domain: DataDomain | None = None,
    *,
    taken_now: tuple[str, ...] = (),
) -> list[DataGap]:
    """The gap of one left-out resource, in `domain` or else the first domain its type feeds (an
    Observation is counted once, as a score, unless the caller knows it is a lab); none for a
    type that feeds no domain. `taken_now`: DataGap.taken_now."""
    kind = resource.get("resourceType")
    rid = resource.get("id")
    if not isinstance(kind, str):
        return []
    domains = DOMAINS_OF_TYPE.get(kind, ())
    if domain is None and not domains:
        return []
    source = SourceRef(kind, rid) if isinstance(rid, str) and rid else None
    return [DataGap(domain or domains[0], reason, source, taken_now=taken_now)]


def type_gaps(unavailable: Mapping[str, str], incomplete: Mapping[str, str]) -> tuple[DataGap, ...]:
    """Domain gaps from the protocol layer's report, keyed by resource type.

    A domain is `whole_domain` (nothing of it could be seen) only when every type that feeds it
    and that the service asks for is unavailable; a domain fed by several types with one missing
    (MedicationStatement absent, MedicationRequest read) is incomplete, not unavailable.
    """
    gaps: list[DataGap] = []
    for kind, reason in sorted(unavailable.items()):
        for domain in DOMAINS_OF_TYPE.get(kind, ()):
            feeders = {t for t, ds in _ASKED.items() if domain in ds}
            whole = feeders <= set(unavailable)
            gaps.append(
                DataGap(
                    domain, f"{kind}: {reason}", whole_domain=whole, cause=GapCause.NOT_PROVIDED
                )
            )
    for kind, reason in sorted(incomplete.items()):
        for domain in DOMAINS_OF_TYPE.get(kind, ()):
            gaps.append(DataGap(domain, f"{kind}: {reason}", cause=GapCause.PARTIAL))
    return tuple(gaps)


# The types the prefetch templates ask for, by domain: "every feeder unavailable" is judged among
# these (the service never asks for MedicationAdministration, so its absence proves nothing).
_ASKED: Mapping[str, tuple[DataDomain, ...]] = {
    k: v for k, v in DOMAINS_OF_TYPE.items() if k not in ("MedicationAdministration", "Medication")
}


def describe(gaps: Iterable[DataGap], *, limit: int = 3) -> list[str]:
    """One line per (domain, reason): "2 medication records left out (medication reference not
    found): MedicationRequest/a, MedicationRequest/b"; whole domains as "… not available: …"."""
    grouped: dict[tuple[DataDomain, str, bool], list[str | None]] = {}
    for gap in gaps:
        key = (gap.domain, gap.reason, gap.cause is not GapCause.LEFT_OUT)
        # A drug taken now with no dates is named with its resource (the card may say what the
        # logs may not: reason_counts below never reads taken_now).
        ref = None if gap.source is None else str(gap.source)
        if ref is not None and gap.taken_now:
            ref += f" ({', '.join(gap.taken_now)}, taken now)"
        grouped.setdefault(key, []).append(ref)
    lines: list[str] = []
    for (domain, reason, domain_level), sources in grouped.items():
        if domain_level:
            lines.append(f"{domain.value.capitalize()} not (fully) available: {reason}")
            continue
        count = len(sources)
        noun = _NOUN[domain] + ("" if count == 1 else "s")
        named = [s for s in sources if s is not None]
        shown = ", ".join(named[:limit]) + (
            f" and {len(named) - limit} more" if len(named) > limit else ""
        )
        lines.append(
            f"{count} {noun} could not be read ({reason})" + (f": {shown}" if shown else "")
        )
    return lines


def reason_counts(gaps: Iterable[DataGap]) -> dict[str, int]:
    """Left-out resources by domain and reason, for logs (no ids, no patient data)."""
    counts: Counter[str] = Counter()
    for gap in gaps:
        if gap.source is not None:
            counts[f"{gap.domain.value}: {gap.reason}"] += 1
    return dict(counts)
