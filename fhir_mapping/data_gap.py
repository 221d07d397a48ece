"""What the service could not read, as records a card can say (issue 10 "never silent"): the
domains a gap falls in, why, and the gap itself (DataGap). Moved out of record.py (session 21,
to keep it under 400 lines); re-exported there: rules import every record from
`fhir_mapping.record`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from fhir_mapping.clinical_records import LabResult
from fhir_mapping.source_ref import SourceRef
from fhir_mapping.trial_parts import Score


class DataDomain(StrEnum):
    """The kinds of chart data a conclusion rests on. A gap in one is reported on the cards whose
    conclusion it could change (issue 10 "never silent")."""

    MEDICATIONS = "medications"  # MedicationRequest / Statement / Dispense (and Medication)
    SCORES = "scores"  # PHQ-9 and other scales (Observation, QuestionnaireResponse)
    CONDITIONS = "conditions"  # diagnoses: bipolar, psychosis, epilepsy, MDD, ...
    PROCEDURES = "procedures"  # psychotherapy, ECT, TMS, CPAP
    REFERRALS = "referrals"  # ServiceRequest
    DEVICES = "devices"  # implants (TMS safety)
    LABS = "labs"  # TSH, B12, folate, vitamin D
    INTOLERANCES = "intolerances"  # AllergyIntolerance / AdverseEvent naming a drug
    PATIENT = "patient"  # the Patient resource (age, sex)
    # Drugs read only because another is on the chart (DrugInfo.read_only_with: an NSAID, ACE
    # inhibitor, ARB or thiazide with lithium): they can change only the interaction cards, not
    # the trials or the TMS criteria (review 9 finding 11).
    PARTNER_DRUGS = "partner-drugs"
    # An ECG or QTc result that could not be read (an ECG with no QTc, a QTc that is not a
    # number): it can change only the QTc checks, not the TSH, lithium-level or sodium ones that
    # share the `labs` feed (review 9 recheck: the ECG notice rode those cards too).
    QTC = "qtc"
    # Esketamine sessions given in clinic and charted on the MAR (MedicationAdministration:
    # fhir_mapping/administrations.py, review 10 finding 10). Apart from PROCEDURES: a MAR that
    # could not be fetched hides no psychotherapy, ECT or TMS, only these sessions.
    SESSIONS = "esketamine sessions"
    # ALT and AST (the `liverTests` prefetch key, services/catalog.py): apart from LABS so that a
    # chart sent without that key (an EHR with the older discovery) leaves only the transaminase
    # checks unseen, never the lithium, TSH or sodium ones that come under `labs` (review 12 H10).
    LIVER_TESTS = "liver tests"
    # B12, folate and 25-OH vitamin D under their SI (moles) LOINC codes and TSH under its assay
    # codes 11580-8 / 11579-0 (the `labsSI` prefetch key, services/catalog.py; review 17 W3,
    # review s19 M3): apart from LABS so that a chart sent without that key leaves only those
    # unseen (the TSH checks read it through services/lab_readings.py tsh_unread), never the
    # lithium-level, sodium or QTc checks that come under `labs`.
    SI_LABS = "SI-unit labs"
    # Blood pressure readings (the `vitals` prefetch key, services/catalog.py; fhir_mapping/
    # blood_pressure.py): apart from LABS, as only the blood-pressure checks of the SNRIs and
    # bupropion read them (review 13 W6), so a chart sent without the key leaves nothing else unseen.
    VITALS = "vital signs"
    # Pharmacogenomic results (the `pgx` prefetch key, services/catalog.py; fhir_mapping/pgx.py):
    # read only by the PGx dose check at the order hooks and the optimise card's PGx line (review
    # 13 W4), so a chart sent without the key leaves only those unseen (topic_data.csv).
    PGX = "pharmacogenomic results"
    # Visits (the `encounters` prefetch key, services/catalog.py; fhir_mapping/encounters.py):
    # Epic and Oracle Health often chart psychotherapy only as an Encounter whose type carries the
    # CPT code (review 14 M2). Read only for psychotherapy, so apart from PROCEDURES: a chart sent
    # without the key hides no ECT, TMS or esketamine session, only psychotherapy visits.
    VISITS = "visits"


class GapCause(StrEnum):
    LEFT_OUT = "left-out"  # a resource that was sent and could not be read
    NOT_PROVIDED = "not-provided"  # a kind of data neither sent nor fetchable
    NOT_READ = "not-read"  # tried and FAILED (an error answer): gap_feeds.type_gaps, s21 RC
    PARTIAL = "partial"  # data sent in part (a Bundle whose next pages could not be read)


@dataclass(frozen=True, slots=True)
class SetAside:
    """The drugs a record to confirm said may be taken now, no longer read as running
    (fhir_mapping/to_confirm_settled.py): a later record of the drug ends it, or it is older than
    MappingPolicy.maybe_running_days with no record of the drug since. Only its data-gap line
    names them ("fluoxetine, not read as running: ..."); no check reads them as running."""

    drugs: tuple[str, ...]
    # Why, as the card line says it after the drug ("a later record ends it (the order of
    # 2023-01-10, ended 2023-06-01)").
    why: str


@dataclass(frozen=True, slots=True)
class DataGap:
    """Data the service could not read, so a card can say so instead of concluding in silence.

    Either one resource left out (`source` names it, `reason` says why: "no date") or a kind of
    data not had (`cause`; `whole_domain` when none of the domain was: "prefetch key 'procedures'
    was not sent and the FHIR server could not be asked"). No patient data beyond resource ids.
    """

    domain: DataDomain
    reason: str
    source: SourceRef | None = None
    whole_domain: bool = False
    cause: GapCause = GapCause.LEFT_OUT
    # A recognised drug the resource says is taken now (an active MedicationStatement or order)
    # whose dates could not be read: its ingredients, so the safety checks that ask what is
    # running (an MAOI with a serotonergic drug: services/washout.py) still see it, and the card
    # line names it. Never in `reason`: reasons go to the logs, drug names must not.
    taken_now: tuple[str, ...] = ()
    # A medication record whose drug could not be identified at all (medication_drug.
    # UNIDENTIFIED_REASONS) that says it is taken now (an active or on-hold order, an active
    # statement: medication_types.TAKEN_NOW): it may be an antiseizure drug, an MAOI or lithium,
    # so the TMS safety screen and the bupropion option name it (services/unidentified_screen.py,
    # fix drug48). A fill whose supply still runs says so too (fhir_mapping/unidentified_taken.py,
    # fix drug49). False for every other gap.
    said_taken: bool = False
    # Such a record whose status is `unknown` (an order's or a statement's, no end stated long
    # ago): it says the drug is possibly taken now, and the screen item says so (fix drug50).
    said_unknown: bool = False
    # Such a fill's days of supply as stated, for the card's date ("filled 2026-11-21, 30
    # days"); None for every other gap.
    supply_days: int | None = None
    # The record's own day (record_day.py): its card line cites it so, not by id (gaps._named).
    recorded: date | None = None
    # The date of the resource left out, where a card needs it ("PHQ-9 on 2025-05-23
    # incomplete": review 13 W11). Never in `reason` (reasons go to the logs).
    date: date | None = None
    # What the resource states that made it unreadable, for the card line beside its id ("start
    # 2025-03-01, end 2024-09-01"; "dated 2025-08-01"), so the clinician can find and correct it
    # (review 15 M2, M3). Never in `reason` (reasons go to the logs, dates must not).
    stated: str = ""
    # The recognised ingredients of a medication record left out as of unconfirmed subject
    # (gaps.SUBJECT_UNCONFIRMED; excluded_resources.py), so a card can name the drug and its
    # class without parsing `stated` (audit 17 M1). Never `taken_now`: the safety checks must
    # not read them as this patient's drugs.
    drugs: tuple[str, ...] = ()
    # What a rating-scale result whose subject is not confirmed as this patient says, read as
    # if it were (excluded_resources.py; review 17 recheck R1): a PHQ-9 item 9 answer or total
    # that would raise the suicide-risk card must be said, not only "not read". Never read as
    # this patient's score.
    score: Score | None = None
    # The order a MedicationDispense left out fills (its one authorizingPrescription), so the
    # cards count an order and its fills left out as one medication, not as so many records
    # (fhir_mapping/gap_counts.py; audit 18: "6 medication records" for one order, five fills).
    fills: SourceRef | None = None
    # Every MedicationRequest id a MedicationDispense left out names (`fills` only when it names
    # one), so a fill naming two orders can still be matched to a course whose supply ran out
    # (fhir_mapping/unread_fills.py, review s21 RR2 finding 4). () for every other gap.
    orders: tuple[str, ...] = ()
    # A record to confirm whose `taken_now` was set aside (SetAside): its drugs, and why.
    set_aside: SetAside | None = None
    # The number a lab look-alike states (fhir_mapping/lab_lookalike.py), never read as a
    # result: only to tell it is the result read under a standard code the same day, sent twice
    # (services/unread_lab_gaps.py; review s24 RB finding 2). None for every other gap.
    value: float | None = None
    # What a look-alike of a diagnosis-review contributor (B12, folate, 25-OH vitamin D: data/
    # lab_lookalike_terms.csv `compared`) reads as were its code known, compared by its name only
    # on the line that says it is under a local code (services/rules/diagnosis_local_labs.py;
    # session 36 fix lab58: a B12 150 under an Oracle Health code was dropped in silence).
    lab: LabResult | None = None
    # The session kinds (ProcedureKind values) a Procedure left out for its status would give
    # were it completed (procedure_status_gaps.py, s30 status32): the psychotherapy card counts
    # its own, never "none on record" beside them. () for every other gap.
    kinds: tuple[str, ...] = ()
    # What of the chart a domain gap narrower than its domain touches, in the card's words
    # ("pregnancy status", "pregnancy tests": gap_feeds.type_gaps), read by gaps.subject from
    # this field, never from the reason's wording (fix data66 item 3). "" for every other gap.
    feed_kind: str = ""
    # The resource type of the feed a domain gap is of ("MedicationRequest": gap_feeds.
    # type_gaps), so a check can tell which kind of record was cut short without reading the
    # reason's wording (fix fetch65: a MedicationRequest search cut short leaves a drafted MAOI
    # unchecked against the orders, order_checks/med_list_unread.py). "" for a gap of one
    # resource left out.
    feed_type: str = ""

    def line(self) -> str:
        if self.whole_domain:
            return f"{self.domain.value} not available: {self.reason}"
        where = f"{self.source}, " if self.source is not None else ""
        return f"{where}{self.reason}"
