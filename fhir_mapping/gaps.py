"""What could not be read, as DataGaps: the mapping's half of "never silent" (issue 10).

Two sources of gaps:
- resources the mapping left out (another patient's, no subject, a drug it cannot identify, a
  Medication reference it cannot resolve, no date): one gap each, naming the resource;
- data the protocol layer could not obtain (a prefetch key neither sent nor fetchable, a prefetched
  Bundle whose later pages could not be read): one gap per domain, reported by resource type
  (or type and prefetch key, for the Observation keys) because `cds_hooks` knows resource types
  and keys, not domains.

Which domain a resource type feeds is FHIR structure, not clinical fact, so it lives in code
(gap_feeds.py). A medication left out for want of a date is worded, and placed, by what its drug
is to this service (`undated_drug`): the drug table's role and read_only_with columns say it.

This module holds the left-out resources' gaps (`resource_gap`, `future_gap`, the reasons) and
their card lines (`describe`, `noun`, `subject`). The protocol layer's gaps by feed (which
domains a resource type or prefetch key feeds; `type_gaps`) are gap_feeds.py, re-exported here:
they are read against the prefetch templates, apart from how a gap is worded. The reasons and
lines of records not shown to be this patient's are gap_identity.py, re-exported here too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date

from fhir_mapping.authorising_order import order_ids
from fhir_mapping.drug_table import all_drugs, drug_info
from fhir_mapping.fill_order_drug import from_order, own_reason
from fhir_mapping.gap_counts import fold, phrase
from fhir_mapping.gap_counts import noun as noun

# Moved beside this module, re-exported: the mapping, the protocol layer and tests import them
# from here.
from fhir_mapping.gap_feeds import DOMAINS_OF_KEY as DOMAINS_OF_KEY
from fhir_mapping.gap_feeds import DOMAINS_OF_TYPE as DOMAINS_OF_TYPE
from fhir_mapping.gap_feeds import FEED_KINDS
from fhir_mapping.gap_feeds import PREGNANCY_STATUS_FEED as PREGNANCY_STATUS_FEED
from fhir_mapping.gap_feeds import domains_of_feed as domains_of_feed
from fhir_mapping.gap_feeds import feed as feed
from fhir_mapping.gap_feeds import type_gaps as type_gaps
from fhir_mapping.gap_identity import ANOTHER_PATIENT as ANOTHER_PATIENT
from fhir_mapping.gap_identity import LINKED_TO as LINKED_TO
from fhir_mapping.gap_identity import NO_SUBJECT as NO_SUBJECT
from fhir_mapping.gap_identity import OWN_WORDS
from fhir_mapping.gap_identity import PATIENT_INACTIVE as PATIENT_INACTIVE
from fhir_mapping.gap_identity import PATIENT_INACTIVE_SAID as PATIENT_INACTIVE_SAID
from fhir_mapping.gap_identity import PATIENT_REPLACED as PATIENT_REPLACED
from fhir_mapping.gap_identity import SUBJECT_UNCONFIRMED as SUBJECT_UNCONFIRMED
from fhir_mapping.gap_identity import inactive_links as inactive_links
from fhir_mapping.gap_identity import is_record_status as is_record_status
from fhir_mapping.gap_identity import record_status as record_status
from fhir_mapping.gap_identity import status_line as status_line
from fhir_mapping.lab_si_key import key_names, key_words
from fhir_mapping.record import DataDomain, DataGap, GapCause, Role, SourceRef
from fhir_mapping.record_day import record_day
from fhir_mapping.status_to_confirm import STATUS_TO_CONFIRM
from fhir_mapping.unfinished_form_words import unread_line

# Why a medication resource whose drug was recognised was left out for want of a date, by what the
# drug is to this service (review 9 finding 11: an OTC ibuprofen read because lithium is on the
# chart was called "an antidepressant or adjunct"). No drug names: reasons go to the logs
# (`reason_counts`); the card line names the drug from DataGap.taken_now (`describe`).
UNDATED_PATHWAY_DRUG = "an antidepressant or adjunct with no usable date"
UNDATED_INTERACTING_DRUG = (
    "a drug checked only for interactions (not an antidepressant or adjunct) with no usable date"
)
UNDATED_PARTNER_DRUG = "a drug read only for its interaction with another, with no usable date"


def undated_drug(ingredients: Iterable[str]) -> tuple[str, DataDomain]:
    """(reason, domain) of an undated medication resource with these recognised drugs. Drugs read
    only with another (DrugInfo.read_only_with: ibuprofen with lithium) can change nothing but
    that interaction: their gap is in DataDomain.PARTNER_DRUGS, which only the interaction cards
    read (services/data/topic_data.csv). Any other interacting drug (tramadol, linezolid,
    pimozide) stays in the medications domain: the MAOI check reads it, and an antipsychotic on
    its own could change what the optimise card proposes; named truthfully all the same. A
    resource with an antidepressant or adjunct among its drugs is the pathway's."""
    infos = [info for i in ingredients if (info := drug_info(i)) is not None]
    if not infos or any(i.role is not Role.INTERACTING for i in infos):
        return UNDATED_PATHWAY_DRUG, DataDomain.MEDICATIONS
    if all(i.read_only_with for i in infos):
        return UNDATED_PARTNER_DRUG, DataDomain.PARTNER_DRUGS
    return UNDATED_INTERACTING_DRUG, DataDomain.MEDICATIONS


def _read_with(gap: DataGap) -> str:
    """ "; read for its interaction with lithium" for a partner drug taken now, else ""."""
    if gap.domain is not DataDomain.PARTNER_DRUGS:
        return ""
    partners = {p for i in gap.taken_now if (d := drug_info(i)) for p in d.read_only_with}
    return f"; read for its interaction with {' or '.join(_by_class(partners))}" if partners else ""


def _by_class(partners: set[str]) -> list[str]:
    """The partners, a whole drug-table class said once ("an SSRI") rather than as its thirteen
    members (ibuprofen is read beside lithium and every SSRI/SNRI: review 12 finding 6); a class
    only partly named keeps its names (theophylline: fluvoxamine, never "an SSRI")."""
    members: dict[str, set[str]] = {}
    for d in all_drugs():
        if d.role is Role.ANTIDEPRESSANT:
            members.setdefault(d.drug_class, set()).add(d.ingredient)
    whole = sorted(c for c, names in members.items() if len(names) > 1 and names <= partners)
    covered = set().union(*(members[c] for c in whole)) if whole else set()
    named = sorted(partners - covered)
    return named + [f"{article(c)} {c}" for c in whole]


# Capital letters whose spoken name starts with a vowel sound ("an S-S-R-I", "an M-A-O-I").
_VOWEL_SOUND_LETTERS = frozenset("AEFHILMNORSX")


def article(phrase: str) -> str:
    """ "a" or "an" before a drug-class name, by its first sound: an all-capitals abbreviation
    is said letter by letter ("an SSRI", "an NSAID", "a TCA"); a word by its first letter ("an
    anticoagulant", "a mood stabilizer"; "NaSSA" is said as a word). Good enough for the class
    names of data/antidepressants.csv; not a general English rule."""
    first = phrase.split()[0] if phrase.strip() else ""
    if not first:
        return "a"
    if first.isupper():
        return "an" if first[0] in _VOWEL_SOUND_LETTERS else "a"
    return "an" if first[0].lower() in "aeiou" else "a"


def resource_gap(
    resource: Mapping[str, object],
    reason: str,
    domain: DataDomain | None = None,
    *,
    taken_now: tuple[str, ...] = (),
    stated: str = "",
    said_taken: bool = False,
    supply_days: int | None = None,
) -> list[DataGap]:
    """The gap of one left-out resource, in `domain` or else the first domain its type feeds (an
    Observation is counted once, as a score, unless the caller knows it is a lab); none for a
    type that feeds no domain. `taken_now`, `stated`, `said_taken`, `supply_days`: DataGap's."""
    kind = resource.get("resourceType")
    rid = resource.get("id")
    if not isinstance(kind, str):
        return []
    domains = DOMAINS_OF_TYPE.get(kind, ())
    if domain is None and not domains:
        return []
    source = SourceRef(kind, rid) if isinstance(rid, str) and rid else None
    # A fill is counted with its order on the cards (gap_counts.py), never as another drug.
    orders = order_ids(resource) if kind == "MedicationDispense" else ()
    fills = SourceRef("MedicationRequest", orders[0]) if len(orders) == 1 else None
    gap = DataGap(
        domain or domains[0],
        reason,
        source,
        taken_now=taken_now,
        stated=stated,
        said_taken=said_taken,
        supply_days=supply_days,
        fills=fills,
        orders=orders,
    )
    return [replace(gap, recorded=record_day(resource))]


# A resource dated after the day the chart is read as of (review 15 M3): a PHQ-9 of 2025-07-01 or
# an order authored 2025-08-01 read on 2025-06-02 is a typo a clinician should correct. It is not
# read (its score is never the latest, its order never a running course: the safe reading), and
# named ("1 medication record could not be read (dated after today): MedicationRequest/x (dated
# 2025-08-01)"), never dropped in silence. No date in the reason (reasons go to the logs): the gap's
# `stated` carries it.
DATED_AFTER_TODAY = "dated after today"
# A MedicationStatement whose effectivePeriod ends before it starts (review 15 M2): which date is
# wrong cannot be told, so it is no course (not one of 0 weeks); the gap's `stated` gives both.
REVERSED_PERIOD = "period ends before it starts"


def future_gap(
    resource: Mapping[str, object], day: date, domain: DataDomain | None = None
) -> list[DataGap]:
    """The gap of a resource dated `day`, after as-of (DATED_AFTER_TODAY)."""
    return resource_gap(resource, DATED_AFTER_TODAY, domain, stated=f"dated {day.isoformat()}")


# What `subject` calls the Observations that carry a pregnancy into the conditions domain: no
# diagnosis is among them, so the readers that ask whether a diagnosis may be unseen skip them.
PREGNANCY_SUBJECTS = frozenset(FEED_KINDS.values())


def subject(gap: DataGap) -> str:
    """What of the chart a gap touches, in the card's words: "pregnancy status" for the
    Observations that carry it into the conditions domain (the problem list itself was read:
    audit 16 W6), "pregnancy tests" for those under `labsSI` (review s29 RL finding 6), else the
    domain ("scores", "medications")."""
    if gap.feed_kind:  # set where the gap is made (gap_feeds.FEED_KINDS), never its wording
        return gap.feed_kind
    if gap.domain is DataDomain.SI_LABS:
        # What may be missing, named from the key's tables (review s20 item 5): "SI-unit labs
        # (vitamin B12, folate, vitamin D and TSH)", TSH among them.
        return f"{gap.domain.value} ({key_names()})"
    return gap.domain.value


def _partial_cause(gap: DataGap) -> str:
    """A partial gap's cause without its feed words (type_gaps writes "<feed words>: <cause>"),
    so feeds cut short for one cause are named on one line, the cause said once."""
    return gap.reason.partition(": ")[2] or gap.reason


_RESULTS = " some results"


def _partial_lines(gaps: Iterable[DataGap]) -> list[str]:
    """ "Scores and pregnancy status may be incomplete: the EHR withheld some results (consent,
    privacy or access rules)": one line per cause of the feeds read only in part (audit 16 W6:
    the same cause twice, and "Conditions" for a pregnancy status)."""
    by_cause: dict[str, list[str]] = {}
    for gap in gaps:
        named = by_cause.setdefault(_partial_cause(gap), [])
        if subject(gap) not in named:
            named.append(subject(gap))
    lines = []
    for cause, named in by_cause.items():
        named.sort(key=lambda n: n in PREGNANCY_SUBJECTS)  # the record kinds first
        if named == [DataDomain.CONDITIONS.value]:
            # The protocol layer words the cause for any search ("withheld some results"); of
            # the problem list it is diagnoses that were withheld (audit 17 M3).
            cause = cause.replace(_RESULTS, " some diagnoses")
        said = " and ".join(named)
        # The first letter only: "SI-unit labs", never str.capitalize's "Si-unit labs".
        lines.append(f"{said[:1].upper()}{said[1:]} may be incomplete: {cause}")
    return lines


# The gap reason of a drug allergy whose allergen is text the service cannot place (review 16
# U1: never dropped silently; intolerance.unplaced_allergies). Its line names it as an allergy
# entry not placed, not as a record "could not be read" (review 16 recheck a10: "welbutrin",
# angioedema, read as "1 intolerance record could not be read").
UNPLACED_ALLERGEN = "allergen text not matched to a drug"


# The line of the SI-unit labs not received (the `labsSI` key not sent, or its search failed).
# The key carries TSH under its assay codes too (review s19 M3: lab_si_key.py), so the line
# names it: a TSH sent only so was not seen either.
# Its tests are read from the tables the key is built from (lab_si_key.key_words: review s20
# item 5), never written out here.
SI_LABS_NOT_RECEIVED = (
    f"{key_words()[:1].upper()}{key_words()[1:]} were not received from the EHR: if your lab "
    "reports them so, check them in the chart"
)


def _annotation(gap: DataGap) -> str:
    """ " (venlafaxine, taken now; start 2025-03-01, end 2024-09-01)": what a record's line says
    beside its id, or "". A drug taken now with no dates is named (the card may say what the logs
    may not: reason_counts below never reads taken_now); then the dates or codes that made it
    unreadable (DataGap.stated)."""
    said = []
    if gap.taken_now:
        # A record whose status is unknown does not say the drug is taken (status_to_confirm.py).
        now = "may be taken now" if gap.reason == STATUS_TO_CONFIRM else "taken now"
        said.append(f"{', '.join(gap.taken_now)}, {now}{_read_with(gap)}")
    if gap.set_aside is not None:  # a record to confirm settled (to_confirm_settled.py)
        drugs = ", ".join(gap.set_aside.drugs)
        said.append(f"{drugs}, not read as running: {gap.set_aside.why}")
    if gap.stated:
        said.append(gap.stated)
    return f" ({'; '.join(said)})" if said else ""


def _same_line(fill: DataGap, order: DataGap) -> bool:
    """A fill is counted with its order when its line would say nothing the order's does not."""
    annotation = _annotation(fill)
    return not annotation or annotation == _annotation(order)


# What a line calls a record it names by its day (`_named`), by resource type.
_KIND = {
    "MedicationRequest": "order",
    "MedicationStatement": "statement",
    "MedicationDispense": "fill",
    "MedicationAdministration": "administration",
    "Observation": "result",
    "QuestionnaireResponse": "questionnaire",
    "Condition": "diagnosis",
    "Procedure": "procedure",
    "ServiceRequest": "referral",
    "Encounter": "visit",
    "AllergyIntolerance": "allergy entry",
    "AdverseEvent": "adverse event",
}


def cite(gap: DataGap, *, by_id: bool = False, stated_beside: bool = True) -> str:
    """How a line names one left-out record: by what and when, "the order of 2025-01-05" (its
    own day: DataGap.recorded, else the score's DataGap.date), as the cards name the records
    they read (services/card_format.record_cite; session 21 item 1: a clinician cannot look up
    "MedicationRequest/abc-123" in the EHR). Its id only when it has no day written in full, or
    `by_id` (another patient's record: the EHR team finds it by id). The day is not said twice
    when the line's annotation already gives it ("status unknown, recorded 2025-05-26");
    `stated_beside=False` for a line that does not say the annotation (services/maybe_running
    .described): the day is said then."""
    day = gap.recorded or gap.date
    kind = _KIND.get(gap.source.resource_type) if gap.source is not None else None
    if by_id or day is None or kind is None:
        return str(gap.source)
    if stated_beside and day.isoformat() in gap.stated:
        return f"the {kind}"
    return f"the {kind} of {day.isoformat()}"


def _named(gap: DataGap, fills: int, *, by_id: bool = False) -> str:
    """ "the order of 2025-01-05 (RxNorm 9999991) and its fills": the fills are found from their
    order, and the line's count already says how many."""
    said = f"{cite(gap, by_id=by_id)}{_annotation(gap)}"
    return said + (f" and its fill{'' if fills == 1 else 's'}" if fills else "")


def describe(gaps: Iterable[DataGap], *, limit: int = 3) -> list[str]:
    """One line per (domain, reason): "2 medication records could not be read (medication
    reference not found): MedicationRequest/a, MedicationRequest/b", an order and its fills
    counted and named as one medication (gap_counts.py); whole domains as "… not available: …"."""
    grouped: dict[tuple[DataDomain, str, bool], list[DataGap]] = {}
    partial: list[DataGap] = []
    for gap in gaps:
        if gap.cause is GapCause.PARTIAL and gap.source is None and not gap.whole_domain:
            partial.append(gap)
            continue
        key = (gap.domain, gap.reason, gap.cause is not GapCause.LEFT_OUT)
        grouped.setdefault(key, []).append(gap)
    lines: list[str] = []
    for (domain, reason, domain_level), found in grouped.items():
        if domain_level:
            if domain is DataDomain.SI_LABS:
                # Review 17 W2: a plain line, not the protocol's words (prefetch key, resource
                # type); a US lab reports these in mass units, read under the `labs` key.
                lines.append(SI_LABS_NOT_RECEIVED)
                continue
            # Upper-case the first letter only: "SI-unit labs", never "Si-unit labs".
            lines.append(
                f"{domain.value[:1].upper()}{domain.value[1:]} not (fully) available: {reason}"
            )
            continue
        folded = fold(found, _same_line)
        unnamed = sum(1 for g in found if g.source is None)
        count = len(folded) + unnamed
        counted = phrase(domain, folded + [(g, 0) for g in found if g.source is None])
        # Another patient's or an unconfirmed subject's records keep their ids: the EHR team
        # they are reported to finds them so (OWN_WORDS: gap_identity.py).
        named = [_named(g, fills, by_id=reason in OWN_WORDS) for g, fills in folded]
        # Two records a line would name alike ("the result (dated 2025-07-01)" twice): their day
        # does not tell them apart, so those keep their ids.
        alike = {n for n in named if named.count(n) > 1}
        if alike:
            named = [
                _named(g, fills, by_id=True) if n in alike else n
                for (g, fills), n in zip(folded, named, strict=True)
            ]
        shown = ", ".join(named[:limit]) + (
            f" and {len(named) - limit} more" if len(named) > limit else ""
        )
        if reason in OWN_WORDS:
            lines.append(OWN_WORDS[reason](counted, shown))
            continue
        if from_order(found[0]):
            # Read, with its order's drug (fill_order_drug.py, review s21 RC M3): no record
            # left out, but its own medication was not read, so it is said.
            lines.append(_from_order_line(count, own_reason(found[0]), shown))
            continue
        if reason == UNPLACED_ALLERGEN:
            entries = "allergy entry" if count == 1 else "allergy entries"
            lines.append(
                f"{count} {entries} the service could not place (allergen text not matched to a "
                "drug it knows: check it before prescribing)" + (f": {shown}" if shown else "")
            )
            continue
        lines.append(unread_line(reason, count, counted, shown))
    return lines + _partial_lines(partial)


def _from_order_line(count: int, own: str, shown: str) -> str:
    """ "10 fills read as the drug their order names, their own medication not read (medication
    reference not found): the fill of 2024-09-23, ..."."""
    fills = "1 fill" if count == 1 else f"{count} fills"
    their = "its" if count == 1 else "their"
    return (
        f"{fills} read as the drug {their} order names, {their} own medication not read ({own})"
        + (f": {shown}" if shown else "")
    )


def reason_counts(gaps: Iterable[DataGap]) -> dict[str, int]:
    """Left-out resources by domain and reason, for logs (no ids, no patient data)."""
    counts: Counter[str] = Counter()
    for gap in gaps:
        if gap.source is not None:
            counts[f"{gap.domain.value}: {gap.reason}"] += 1
    return dict(counts)
