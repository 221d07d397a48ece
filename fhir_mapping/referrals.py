"""ServiceRequests already on the chart, so the rules do not suggest what is already ordered.

ServiceRequest (status active / draft / on-hold / completed / revoked; not entered-in-error, not
doNotPerform, authored up to as-of) -> Referral of kind tms, ect, psychiatry, psychotherapy,
suicide-risk-assessment, cpap (data/procedure_codes.csv: a CPAP ordered as durable medical
equipment, HCPCS E0601, review 17 W5) or lab:<test> (a lab LOINC of data/observation_codes.csv),
by code, else by words in the text (data/procedure_terms.csv; for CPAP the sleep-apnea treatment
words of sleep_apnea_text.py; for a lab test the lab text table the Observations under a local
code are named by, data/lab_lookalike_terms.csv with its `unless` exclusions: session 35 lith53,
an Epic order under its local code only, text "LITHIUM LEVEL", was no open level order, and a
second one was proposed; only on a lab request, lab_orders.py: fix lab56, a referral "Endocrinology
consult: abnormal TSH" was a TSH ordered).
A revoked request is read too (review 15 M7: a TMS referral the patient declined is named on the
next TMS card); every reader of "already referred" leaves it out (services/open_referrals.py
VOID_REQUEST_STATUSES), as a request that never happened.
The hook's draft ServiceRequests are read by the same codes and words, any status or date
(`draft_referrals`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from fhir_mapping import sleep_apnea_text
from fhir_mapping.clinical_codes import lab_ranges, procedure_codes, term_kinds
from fhir_mapping.codes import observation_concepts
from fhir_mapping.fhir_fields import codings, concept_text, parse_date, source_ref, string
from fhir_mapping.lab_orders import lab_ordered
from fhir_mapping.medications import flat_drafts
from fhir_mapping.psychotherapy_maybe import MAYBE, may_be_psychotherapy
from fhir_mapping.record import Referral, SourceRef

Resource = Mapping[str, Any]

# The statuses read: open, completed, and revoked (a referral declined or withdrawn is history a
# card may name). entered-in-error never happened at all.
_READ_REQUEST = frozenset({"active", "draft", "on-hold", "completed", "revoked"})
# A draft with these statuses orders nothing (FHIR R4 request-status: revoked, entered-in-error).
_NOT_ORDERED_DRAFT = frozenset({"revoked", "entered-in-error"})
_REFERRAL_KINDS = frozenset(
    {"tms", "ect", "psychiatry", "psychotherapy", "suicide-risk-assessment", "cpap"}
)
# A draft may also order an esketamine session (HCPCS G2082 / G2083, data/procedure_codes.csv):
# read among the hook's drafts only, so the suicide-risk card speaks beside it as beside any
# depression treatment drafted (services/order_hook_referrals.py, review K65a finding 1); the
# chart's sessions are read as Procedures, so `referrals` is unchanged.
_DRAFT_KINDS = _REFERRAL_KINDS | {"esketamine"}
# Table kinds read only from a request, and the Referral kind each orders: the C-SSRS screener
# (LOINC 93373-9) ordered is the assessment ordered, while a Procedure so coded documents no
# assessment (its result is the screener's Observation; review s28 K12 finding 3).
_ORDER_KINDS = {"suicide-risk-assessment-order": "suicide-risk-assessment"}


def _request_kinds(resource: Resource) -> tuple[str, ...]:
    return tuple(kind for kind, _ in _read_kinds(resource))


def _read_kinds(
    resource: Resource, wanted: frozenset[str] = _REFERRAL_KINDS
) -> tuple[tuple[str, bool], ...]:
    """The request's kinds (coded: of `wanted`), each with whether a code of the tables gave it
    (Referral.coded) rather than words in its text."""
    concept = resource.get("code")
    kinds: list[str] = []
    concepts = observation_concepts()
    tests = lab_ranges()
    table = procedure_codes()
    for system, code, _ in codings(concept):
        row = table.get((system, code))
        kind = _ORDER_KINDS.get(row.kind, row.kind) if row is not None else None
        if kind is not None and kind in wanted and kind not in kinds:
            kinds.append(kind)
        lab = concepts.get((system, code))
        if lab in tests and f"lab:{lab}" not in kinds:
            kinds.append(f"lab:{lab}")
    coded = len(kinds)
    if not kinds:
        text = concept_text(concept)
        kinds.extend(k for k in term_kinds(text, "service-request"))
        if not kinds and "esketamine" in wanted:
            # A drafted esketamine session under a local code, named only in its text ("AMB
            # REFERRAL TO SPRAVATO": fix fetch65, review K65a leftover 4): read among the drafts
            # only (`_DRAFT_KINDS`), so the suicide-risk card speaks beside it; the chart's own
            # requests are read as before (`referrals`).
            kinds.extend(term_kinds(text, "draft-service-request"))
        # A lab order under a local code only (Epic's urn:oid:1.2.840.114350... "LAB143347"),
        # named in its text or display (lith53): the Observations' lab text table, so "Lithium,
        # Serum" is a level ordered and "Lithium, Red Cell" or "urine lithium" is not. Not read as
        # a result: only as the test ordered, for the cards that would otherwise order it again.
        # Only a lab request's text (lab_orders.py, fix lab56: a consult "Endocrinology consult:
        # abnormal TSH" is no TSH ordered).
        named = lab_ordered(resource) if not kinds else None
        if named in tests:
            kinds.append(f"lab:{named}")
        if not kinds and sleep_apnea_text.says_treated(text):
            # A CPAP ordered as DME under a local code with its name in the text (review 17
            # W5): the sleep-apnea treatment words, with their negations and "not in use" words
            # ("CPAP declined", "awaiting CPAP" stay unread), as a problem-list entry is read.
            kinds.append("cpap")
        if not kinds and may_be_psychotherapy(text, "service-request"):
            # "Referral to therapist", "Ambulatory referral to Behavioral Health" (care69):
            # named to confirm, never read as a psychotherapy referral (psychotherapy_maybe.py).
            kinds.append(MAYBE)
    elif kinds == ["psychiatry"]:
        # A generic "Referral to psychiatry service" (SNOMED 183524004) is how this service codes
        # its own TMS and ECT evaluation proposals (services/data/order_codes.csv: no SNOMED
        # referral concept is specific to them); the text says which. Read it, or an accepted
        # TMS referral would not stop the next one being proposed.
        kinds.extend(
            k
            for k in term_kinds(concept_text(concept), "service-request")
            if k in ("tms", "ect") and k not in kinds
        )
    return tuple((kind, i < coded) for i, kind in enumerate(kinds))


def wants_service_request(resource: Resource) -> bool:
    return bool(_request_kinds(resource))


def referrals(resource: Resource, *, as_of: date) -> tuple[Referral, ...]:
    status = string(resource.get("status"))
    if status not in _READ_REQUEST or resource.get("doNotPerform") is True:
        return ()
    authored = parse_date(resource.get("authoredOn"))
    if authored is not None and authored > as_of:
        return ()
    source = source_ref(resource)
    return tuple(
        Referral(kind, str(status), authored, source, coded)
        for kind, coded in _read_kinds(resource)
    )


def all_referrals(requests: Iterable[Resource], *, as_of: date) -> tuple[Referral, ...]:
    found = {ref for r in requests for ref in referrals(r, as_of=as_of)}
    return tuple(sorted(found, key=lambda r: (r.authored or date.min, r.kind, str(r.source or ""))))


def draft_referrals(drafts: Iterable[Resource]) -> tuple[Referral, ...]:
    """The referrals (TMS, ECT, ...) among the hook's draftOrders: a draft TMS ServiceRequest is
    checked against the TMS exclusions on record at order-select / order-sign (review 11 finding
    11a). `drafts` are the draftOrders' resources (a Bundle gives its entries:
    medications.flat_drafts, which build_record runs once for this reader and draft_orders).

    Read as drafts are (medications.draft_orders), not as the chart's open requests (`referrals`):
    whatever the status (a draft is often sent with none yet) and whatever authoredOn says (the
    client's clock or timezone may put it past as-of), since each dropped draft silenced the
    TMS-exclusion check on the very order being written (review 11 wave 4). A draft with no id is
    read too, named "ServiceRequest/" (no id to cite). Left out: a doNotPerform draft, which
    orders that the procedure is not done, and a revoked or entered-in-error one, which orders
    nothing (review s27 K1 finding 3: a revoked ECT draft at 15 got the young-age warning; the
    medication drafts' halted statuses are read the same way)."""
    found: dict[Referral, None] = {}
    for resource in flat_drafts(drafts):
        if resource.get("resourceType") != "ServiceRequest" or resource.get("doNotPerform") is True:
            continue
        status = resource.get("status")
        if isinstance(status, str) and status in _NOT_ORDERED_DRAFT:
            continue
        authored = parse_date(resource.get("authoredOn"))
        source = source_ref(resource) or SourceRef("ServiceRequest", "")
        for kind, coded in _read_kinds(resource, _DRAFT_KINDS):
            state = status if isinstance(status, str) else "draft"
            found[Referral(kind, state, authored, source, coded)] = None
    return tuple(sorted(found, key=lambda r: (r.authored or date.min, r.kind, str(r.source))))


def with_booked(
    referrals: tuple[Referral, ...], booked: Iterable[Referral]
) -> tuple[Referral, ...]:
    """`referrals` with the visits booked for a psychotherapy (encounters.read_visits), each
    once, in date order: `referrals` itself when none is booked."""
    booked = tuple(booked)
    if not booked:
        return referrals
    return tuple(
        sorted(
            {*referrals, *booked},
            key=lambda r: (r.authored or date.min, r.kind, str(r.source or "")),
        )
    )
