"""Measurements, blood pressures, pharmacogenomic results, labs, procedures and referrals, and the
ClinicalContext (findings and labs) they make up with findings.py's records. Re-exported by
record.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from fhir_mapping.findings import Finding, FindingKind
from fhir_mapping.frozen_init import quick_frozen_init
from fhir_mapping.source_ref import SourceRef

# The date type under another name, for a class whose field named `date` hides it.
_Day = date


@dataclass(frozen=True, slots=True)
class Measurement:
    """A measurement an ECG reports beside the QTc it lacks (its QT interval, its heart rate), as
    sent: shown on the "QTc not compared" card, never compared, never used to compute a QTc."""

    test: str  # "qt" | "heart-rate" (fhir_mapping/data/lab_panel_measures.csv)
    value: float
    unit: str | None


@dataclass(frozen=True, slots=True)
class BloodPressure:
    """One blood pressure reading (fhir_mapping/blood_pressure.py): a US Core Blood Pressure panel
    (LOINC 85354-9) with its systolic (8480-6) and diastolic (8462-4) components, or the two
    sent as Observations of their own and paired by their time. In mm Hg."""

    date: date
    systolic: float | None
    diastolic: float | None
    source: SourceRef | None = None
    # The time the reading was taken when the resource gives one (ISO text), so two readings of
    # one day stay in order and a card can show which is the later.
    taken: str = ""

    def text(self) -> str:
        """ "162/102 mm Hg on 2025-05-20" (a missing half as "?")."""

        def part(value: float | None) -> str:
            return "?" if value is None else f"{value:g}"

        return f"{part(self.systolic)}/{part(self.diastolic)} mm Hg on {self.date.isoformat()}"


@dataclass(frozen=True, slots=True)
class PgxResult:
    """One pharmacogenomic result of a gene the service reads (fhir_mapping/pgx.py; review 13
    W4): a phenotype Observation (LOINC 79714-2 CYP2C19, 79715-9 CYP2D6) or a genotype one
    (84413-4) naming the gene. `phenotype` is the lab's own interpretation ("poor", "normal",
    ...: fhir_mapping/data/pgx_codes.csv), or None when the result gives none the service can
    read: "not interpreted", never guessed from a genotype."""

    gene: str  # "CYP2C19" | "CYP2D6"
    phenotype: str | None
    date: date
    source: SourceRef | None = None
    # The phenotype as the lab wrote it ("Poor metabolizer"), or the genotype text ("*2/*2") of a
    # result not interpreted; for the card line, never for logs.
    text: str = ""

    def words(self) -> str:
        """ "CYP2C19 poor metabolizer (2024-08-01)" or "CYP2C19 result *2/*2 (2024-08-01), not
        interpreted as a phenotype" """
        when = self.date.isoformat()
        if self.phenotype is None:
            shown = f" {self.text}" if self.text else ""
            return f"{self.gene} result{shown} ({when}), not interpreted as a phenotype"
        return f"{self.gene} {self.phenotype} metabolizer ({when})"


@dataclass(frozen=True, slots=True)
class LabResult:
    """A lab the diagnosis review reads. `test` is "tsh", "free-t4", "b12", "folate" or "vitamin-d"."""

    test: str
    value: float | None
    unit: str | None
    date: date
    flag: str | None = None  # "low" | "high" | "normal" from interpretation or reference range
    source: SourceRef | None = None
    # A QTc read from an ECG that gives none (or none that is a number): what the ECG does report
    # (fhir_mapping/lab_measures.py), so the card shows what was measured. Empty otherwise.
    reported: tuple[Measurement, ...] = ()
    # valueQuantity.comparator as sent ("<", "<=", ">", ">="; None: an exact value): "eGFR > 60"
    # is a bound, not 60 (a renal check must not read it as mild impairment).
    comparator: str | None = None
    # The high end of the Observation's own referenceRange, in the value's unit, for the tests
    # judged as a multiple of the upper limit of normal (ALT, AST: fhir_mapping/labs.py
    # ULN_TESTS, services/transaminases.py); None when not sent or for other tests.
    range_high: float | None = None
    # The Observation's status when it is read before it is final (a preliminary TSH: labs.py
    # `INTERIM_TESTS`), so a card names it so ("TSH high 9 (preliminary)", review s28 RJ finding
    # 4); "" for a result read in full (final, amended, corrected).
    status: str = ""
    # The lab flagged the result critical (interpretation HH or LL, v3 ObservationInterpretation
    # "critical high/low"; `flag` keeps its side): a card that judges the result by that flag
    # keeps the lab's weight (session 29 RL: a lithium 1.8 HH with no unit was only a warning).
    critical: bool = False
    # The number of a value sent as text with no unit the test can be read in ("180" of a
    # nortriptyline "180 H": ng/mL or nmol/L; lab_text.unitless_number), shown as sent beside
    # "not read" (K21 t11); "" otherwise. `value` stays None: the unit is never guessed.
    unitless: str = ""
    # The flag came from the reference range sent with the result (or the table's interval), not
    # from the lab's interpretation: a card says "above its reference range", never "flagged
    # high by the lab" when the lab sent no flag (recheck K27b s31 finding 2).
    # (Not compared: the same result whichever way its flag was reached.)
    range_flagged: bool = field(default=False, compare=False)
    # The value's unit was not sent with it: "range" taken from its referenceRange, "bare" the
    # test's customary unit for a number with none (data/lab_ranges.csv bare_unit); a card says
    # so beside the value (recheck K28c s31 finding 2). "" when the lab sent the unit.
    unit_from: str = field(default="", compare=False)
    # The panel concept the result was read from (data/lab_panels.csv: "thyroid-panel"), so a
    # card names a panel whose TSH could not be read as that panel (lab54 item 1); "" otherwise.
    panel: str = field(default="", compare=False)
    # The time of day the result states ("08:00-05:00"), set only when another result of its
    # test shares its day (fhir_mapping/context.py `_by_instant`), so a card can name both when
    # they disagree (lab59 item 1); "" otherwise.
    at: str = field(default="", compare=False)
    # What a card says beside the result when other results of its test that day disagree with
    # it across a line (services/same_day_labs.py: "results of 2026-11-10 disagree: ..."); "".
    same_day: str = field(default="", compare=False)
    # What says which draw the result is of, set beside `at` (fhir_mapping/lab_day_times.py):
    # its instant ("at:2026-11-18T13:00:00+00:00"), a time with no offset as written, its
    # identifiers and its order (basedOn). A preliminary result is superseded only by a final one
    # sharing a key (lab60 item 2: a preliminary 1.6 at 08:00 was dropped for a final 0.9 of
    # another draw at 14:00); () when not known (a date alone): not the same draw.
    draw: tuple[str, ...] = field(default=(), compare=False)


# Built for every lab Observation of a chart (a 10-year chart: a few hundred; issue 14), and so
# is a BloodPressure for every reading: the same objects, built without `object.__setattr__`
# per field (frozen_init.py).
quick_frozen_init(LabResult)
quick_frozen_init(BloodPressure)


class ProcedureKind(StrEnum):
    PSYCHOTHERAPY = "psychotherapy"
    ECT = "ect"
    TMS = "tms"
    CPAP = "cpap"
    # A supervised esketamine session (HCPCS G2082/G2083): the sessions of a course on record
    # (review 7 finding 7), so esketamine is not offered again as if untried.
    ESKETAMINE = "esketamine"
    # A documented suicide risk assessment (SNOMED 225337009): acknowledges an earlier positive
    # suicide-risk signal (issue 11 item 10).
    SUICIDE_RISK_ASSESSMENT = "suicide-risk-assessment"
    # A dialysis session or dialysis service (SNOMED 302497006 haemodialysis, Synthea's; CPT
    # 90935/90937, 90945/90947, 90960-90970): a recent one reads as on dialysis, as Z99.2 does
    # (services/renal_doses.py; policy.dialysis_procedure_recent_days).
    DIALYSIS = "dialysis"
    # A dose of a drug the MAR names but that is no trial and no session (data/named_doses.csv:
    # ketamine, also an anaesthetic): its days are named on the optimise card and take the
    # option off the untried list (review s21 RF finding 2, fhir_mapping/named_doses.py).
    KETAMINE_DOSE = "ketamine-dose"


@dataclass(frozen=True, slots=True)
class ProcedureRecord:
    kind: ProcedureKind
    code: str
    system: str
    date: date | None
    source: SourceRef | None = None
    # The last day of a performedPeriod that spans days (a whole TMS or ECT course documented as
    # one Procedure); None for a procedure on one day. A course's dates must come from the record,
    # not be cut to its first day (patient-view review finding 9).
    performed_end: _Day | None = None
    # An `in-progress` Procedure over an open period: performed_end is then as-of, the course
    # still going, not a session on record that day (review s29 RK finding 1); the cards name
    # it "in progress since" its start, never "last session" today.
    ongoing: bool = False
    # The record says the course was given as planned: `completed`, or `stopped` / `on-hold`
    # with a reason of remission or completion (course_end_reasons.py; recheck K18 s29 finding
    # 3). Read for a record over a period (performed_end set) only: such a course is not judged
    # "stopped short" by its days.
    completed: bool = False
    # Its status is `completed` (a record over a period, any protocol): how a card words its end,
    # "completed after 12 days", never "stopped" (s30 course31 finding 4). Wording only.
    recorded_completed: bool = False
    # The record names maintenance (or continuation) treatment ("Maintenance ECT (monthly)":
    # course_protocols.py): in progress for months, not held to an acute course's open limit
    # (services/open_course.py; recheck K19b s29).
    maintenance: bool = False
    # A psychotherapy session's kind when its code alone does not say it (session_kinds.py): a
    # session named "Crisis psychotherapy" only in words ("crisis"), an H0004 whose diagnoses
    # include no depressive one ("substance-use", "counseling-other"); "" otherwise (the
    # code's kind).
    session_kind: str = ""
    # ... and, when its diagnoses made that kind, those diagnoses as its line names them
    # ("Generalized anxiety disorder (F41.1)"; review s25 RK4 finding 12).
    session_reasons: tuple[str, ...] = ()
    # A suicide risk assessment's instant and the Encounter it names (fhir_mapping/recorded_at.py):
    # one on the ward on the discharge day is not "since discharge" (review s27 RE finding 1).
    # Read for that kind only; None for the others.
    at: datetime | None = None
    encounter: str | None = None


quick_frozen_init(ProcedureRecord)


@dataclass(frozen=True, slots=True)
class Referral:
    """An open or completed ServiceRequest the rules must not duplicate (TMS, psychiatry, ...)."""

    # "tms" | "ect" | "psychiatry" | "psychotherapy" | "suicide-risk-assessment" | "cpap" (a CPAP
    # ordered as DME) | "lab:<test>"
    kind: str
    status: str
    authored: date | None
    source: SourceRef | None = None
    # Read from a code of the table (data/procedure_codes.csv), not from words in the request's
    # text (data/procedure_terms.csv): the suicide-risk card counts only a coded assessment
    # request as ordered (services/rules/suicide_risk_ordered.py, recheck K8 s28 finding 5).
    coded: bool = True
    # A psychotherapy Procedure recorded `not-done` (kind "psychotherapy-not-done", care65):
    # its code as the cards name it ("CPT 90837"); "" for every other kind.
    code: str = ""


@dataclass(frozen=True, slots=True)
class ClinicalContext:
    findings: tuple[Finding, ...] = ()
    labs: tuple[LabResult, ...] = ()
    # Active, confirmed frailty Conditions (condition_codes.csv kind "frailty"; context.py), oldest first.
    frailty: tuple[Finding, ...] = ()
    # Results of the diagnosis review's tests registered with no value yet (ordered, not
    # resulted: lab_status.pending), value None and status "registered"; never in `labs`, so no
    # check reads one as done (K40b s34 finding 1).
    pending_labs: tuple[LabResult, ...] = ()

    def has(self, kind: FindingKind) -> bool:
        return any(f.kind is kind for f in self.findings)

    def of(self, kind: FindingKind) -> tuple[Finding, ...]:
        # A list, not a generator, into the tuple: the rules ask this dozens of times per request.
        return tuple([f for f in self.findings if f.kind is kind])

    def latest_lab(self, test: str) -> LabResult | None:
        found = [lab for lab in self.labs if lab.test == test]
        return max(found, key=lambda lab: lab.date) if found else None


quick_frozen_init(ClinicalContext)
