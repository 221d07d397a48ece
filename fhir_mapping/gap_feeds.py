"""The protocol layer's gaps by feed: which data domains each resource type (DOMAINS_OF_TYPE) and
each prefetch key narrower than its type (DOMAINS_OF_KEY) feeds, the name a missing key's data is
reported under (`feed`: "Observation:labs"), and the domain gaps of what could not be had or was
read only in part (`type_gaps`). Which domain a resource type feeds is FHIR structure, not
clinical fact, so it lives here as code.

Apart from gaps.py (the left-out resources' gaps and every gap's card line) because it follows
the prefetch templates (services/catalog.py), not the wording; gaps.py re-exports its names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from collections.abc import Set as AbstractSet

from fhir_mapping.record import DataDomain, DataGap, GapCause

DOMAINS_OF_TYPE: Mapping[str, tuple[DataDomain, ...]] = {
    "MedicationRequest": (DataDomain.MEDICATIONS,),
    "MedicationStatement": (DataDomain.MEDICATIONS,),
    "MedicationDispense": (DataDomain.MEDICATIONS,),
    # What the service reads from the MAR: esketamine sessions given in clinic
    # (administrations.py), not the trials (the drug's orders, statements and dispenses).
    "MedicationAdministration": (DataDomain.SESSIONS,),
    "Medication": (DataDomain.MEDICATIONS,),
    # Pregnancy status (US Core 82810-3, pregnancy.py) is a condition read from an Observation.
    "Observation": (
        DataDomain.SCORES,
        DataDomain.LABS,
        DataDomain.CONDITIONS,
        DataDomain.LIVER_TESTS,
        DataDomain.SI_LABS,
        DataDomain.VITALS,
        DataDomain.PGX,
    ),
    "QuestionnaireResponse": (DataDomain.SCORES,),
    "Condition": (DataDomain.CONDITIONS,),
    "Procedure": (DataDomain.PROCEDURES,),
    # Psychotherapy charted only as a visit (encounters.py, review 14 M2): its own domain, so an
    # Encounter feed that could not be had leaves no ECT, TMS or CPAP procedure unseen.
    "Encounter": (DataDomain.VISITS,),
    "ServiceRequest": (DataDomain.REFERRALS,),
    "Device": (DataDomain.DEVICES,),
    "AllergyIntolerance": (DataDomain.INTOLERANCES,),
    "AdverseEvent": (DataDomain.INTOLERANCES,),
    "Patient": (DataDomain.PATIENT,),
}

# Prefetch keys narrower than their resource type (services/catalog.py). The service asks for
# Observations under three keys, so that no query is too long for the EHR's FHIR server:
# `observations` (rating scales and suicide screens), `labs` and `liverTests` (ALT, AST). A key that could not be had leaves
# only its own domain unseen: an absent `labs` must not say "PHQ-9 not available". The protocol
# layer reports such a key's data as "<type>:<key>" ("Observation:labs", see `feed`); every other
# key by its resource type alone.
DOMAINS_OF_KEY: Mapping[str, tuple[DataDomain, ...]] = {
    # Pregnancy status comes with the scales (review 10 finding 3, services/catalog.py): the key
    # not sent leaves a pregnancy unseen too, so the conditions domain is incomplete.
    "observations": (DataDomain.SCORES, DataDomain.CONDITIONS),
    # The QTc and ECG results come with the other labs: the key not sent is a labs gap, which the
    # QTc checks carry too (topic_data.csv order-qtc: labs and qtc; lab_safety.qtc_missing).
    "labs": (DataDomain.LABS,),
    # ALT and AST (review 12 H10): a key of their own because `labs` had no room left under
    # MAX_QUERY_BYTES. An EHR that sends only the older keys leaves only these unseen: the
    # transaminase checks say "not available", the lithium, TSH and sodium checks are untouched.
    "liverTests": (DataDomain.LIVER_TESTS,),
    # B12, folate and vitamin D under their SI (moles) codes (review 17 W3) and TSH under its
    # assay codes (review s19 M3): a key of its own because `labs` had no room left; not sent,
    # the diagnosis review's vitamin labs and a TSH may be unseen (topic_data.csv lists the
    # domain on that card alone; the TSH checks read services/lab_readings.py tsh_unread).
    # ... and the hCG pregnancy tests (review s29 RL finding 6; fhir_mapping/pregnancy_tests.py),
    # read as a pregnancy status: the key not sent leaves a pregnancy test unseen too.
    "labsSI": (DataDomain.SI_LABS, DataDomain.CONDITIONS),
    # Blood pressure (review 13 W6): read only by the SNRI and bupropion blood-pressure checks,
    # so a key not sent leaves only those unseen (topic_data.csv lists "vital signs" on them alone).
    "vitals": (DataDomain.VITALS,),
    # CYP2C19 / CYP2D6 results (review 13 W4): read only by the PGx dose check at the order hooks
    # and the optimise card's PGx line (topic_data.csv lists them on the PGx card alone).
    "pgx": (DataDomain.PGX,),
}


def feed(resource_type: str, key: str) -> str:
    """What the protocol layer reports a prefetch key's missing data under: "Observation:labs"
    for a key narrower than its type (DOMAINS_OF_KEY), else the type ("Condition")."""
    if resource_type == "Observation" and key in DOMAINS_OF_KEY:
        return f"{resource_type}:{key}"
    return resource_type


def domains_of_feed(name: str) -> tuple[DataDomain, ...]:
    """The domains a reported feed stands for: a key's own ("Observation:labs" -> labs), else
    every domain its resource type feeds ("Observation" -> scores and labs)."""
    kind, _, key = name.partition(":")
    return DOMAINS_OF_KEY.get(key, ()) if key else DOMAINS_OF_TYPE.get(kind, ())


def type_gaps(
    unavailable: Mapping[str, str],
    incomplete: Mapping[str, str],
    read_failed: AbstractSet[str] = frozenset(),
) -> tuple[DataGap, ...]:
    """Domain gaps from the protocol layer's report, keyed by feed: a resource type, or a
    resource type and prefetch key ("Observation:labs", see `feed`).

    A domain is `whole_domain` (nothing of it could be seen) only when every feed of it that the
    service asks for is unavailable; a domain fed by several (MedicationStatement absent,
    MedicationRequest read; `observations` absent, QuestionnaireResponse read) is incomplete, not
    unavailable. A bare "Observation" stands for both Observation keys.

    A feed in `read_failed` was tried and failed (a FHIR search that answered an error, an error
    OperationOutcome in place of prefetch data): GapCause.NOT_READ, "... could not be read: why",
    which every card it touches lists (review s21 RC W1-W3); the others, data not offered,
    NOT_PROVIDED.
    """
    gaps: list[DataGap] = []
    down = {asked for name in unavailable for asked in _asked_feeds(name)}
    for name, reason in sorted(unavailable.items()):
        failed = name in read_failed
        for domain in domains_of_feed(name):
            feeders = {f for f, ds in _ASKED.items() if domain in ds}
            words = _feed_words(name, domain)
            gaps.append(
                DataGap(
                    domain,
                    f"{words} could not be read: {reason}" if failed else f"{words}: {reason}",
                    whole_domain=feeders <= down,
                    cause=GapCause.NOT_READ if failed else GapCause.NOT_PROVIDED,
                    feed_kind=FEED_KINDS.get(words, ""),
                    feed_type=name.partition(":")[0],
                )
            )
    for name, reason in sorted(incomplete.items()):
        for domain in domains_of_feed(name):
            gaps.append(
                DataGap(
                    domain,
                    f"{(words := _feed_words(name, domain))}: {reason}",
                    cause=GapCause.PARTIAL,
                    feed_kind=FEED_KINDS.get(words, ""),
                    feed_type=name.partition(":")[0],
                )
            )
    return tuple(gaps)


def _feed_words(name: str, domain: DataDomain) -> str:
    """What of `domain` a feed (`name`: "Condition", "Observation:labsSI") carries, for the gap
    line: its resource type, except where the domain's name would mislead. Observations feed the
    conditions domain only with a pregnancy status (pregnancy.py): "Conditions not (fully)
    available: Observation: the prefetched 'observations' Bundle ..." read as if the problem
    list were cut short (review 15 recheck x02), so that line names the pregnancy status, or
    under `labsSI` the pregnancy tests (review s29 RL finding 6)."""
    kind, _, key = name.partition(":")
    if kind == "Observation" and domain is DataDomain.CONDITIONS:
        return PREGNANCY_TEST_FEED if key == "labsSI" else PREGNANCY_STATUS_FEED
    return kind


# The feed words of the Observations that carry a pregnancy status into the conditions domain.
PREGNANCY_STATUS_FEED = "pregnancy status (Observation)"
PREGNANCY_TEST_FEED = "pregnancy tests (Observation)"
# What `gaps.subject` calls them (DataGap.feed_kind), set where the gap is made: the subject is a
# field, not read back from the reason's wording (fix data66 item 3).
FEED_KINDS: Mapping[str, str] = {
    PREGNANCY_STATUS_FEED: "pregnancy status",
    PREGNANCY_TEST_FEED: "pregnancy tests",
}


# The feeds the prefetch templates ask for, by domain: "every feeder unavailable" is judged among
# these (Medication is read only through what references it, so its absence proves nothing).
# Observations are asked for under three keys, each with its domains (DOMAINS_OF_KEY).
_ASKED: Mapping[str, tuple[DataDomain, ...]] = {
    **{k: v for k, v in DOMAINS_OF_TYPE.items() if k not in ("Medication", "Observation")},
    **{feed("Observation", key): domains for key, domains in DOMAINS_OF_KEY.items()},
}


def _asked_feeds(name: str) -> set[str]:
    """The asked feeds a reported one covers: itself, or for a bare type every key of it."""
    if ":" in name or name != "Observation":
        return {name}
    return {f for f in _ASKED if f.partition(":")[0] == name}


def feed_not_provided(gaps: Sequence[DataGap], kind: str) -> bool:
    """Whether the feed of resource type `kind` was neither sent nor fetchable (GapCause
    NOT_PROVIDED), read off the domain gap `type_gaps` wrote for it ("MedicationDispense:
    prefetch key 'medicationDispenses' was not sent ..."): its words are the type for every
    feed but the pregnancy status (`_feed_words`). A feed that failed (NOT_READ) or was cut
    short (PARTIAL) is not this."""
    head = f"{kind}: "
    return any(
        g.cause is GapCause.NOT_PROVIDED and g.source is None and g.reason.startswith(head)
        for g in gaps
    )
