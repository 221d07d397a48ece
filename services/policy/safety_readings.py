"""Safety readings: how recent a lab, dialysis session, infarct, alcohol screen or blood pressure
must be to act on, and the cut-offs that make it a caution.

The settings' defaults, with their sources, and their `[policy]` table bounds (README "Policy").
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel, Field


@dataclass(frozen=True)
class SafetyReadingPolicy:
    # Safety labs (review 7 findings 1 and 4: lithium level, QTc, sodium; services/lab_safety.py):
    # a result acts on an order or a line (a warning) only while it is at most this many days
    # old; an older one is named with its date as "last ... on <date>", never acted on as current.
    # 365: the lithium monitoring interval's upper end (CANMAT 2023 para 164: every 6-12 months),
    # used for QTc and sodium too (project convention, UNVERIFIED: no source sets one window).
    lab_recent_days: int = 365
    # A dialysis Procedure (ProcedureKind.DIALYSIS: SNOMED 302497006, CPT 90935-90970) reads as
    # "on dialysis" (the labels' ESRD band, services/renal_doses.py) while its latest session is at
    # most this many days old; older, the patient is not read as on dialysis now. 90: maintenance
    # haemodialysis runs 3 times a week and the ESRD services (CPT 90960-90970) are billed monthly,
    # so a patient on dialysis has sessions well inside it; dialysis started for an acute kidney
    # injury that stopped over 3 months ago is past. A DESIGN CHOICE (UNVERIFIED as a guideline
    # value): longer keeps an old session read as current (the safer side for dosing).
    dialysis_procedure_recent_days: int = 90
    # An acute myocardial infarction (FindingKind.ACUTE_MI) bars a tricyclic (and weighs against
    # citalopram) while its onset is at most this many days old (services/cardiac.py; review 12
    # finding 2). The TCA labels say "during the acute recovery period after myocardial
    # infarction" and give no number; 183 days (about 6 months) is a DESIGN CHOICE (UNVERIFIED as
    # a label or guideline value), long enough to cover any reading of "acute recovery": a longer
    # window flags a TCA that might have been acceptable (a warning the prescriber can override),
    # a shorter one could let a TCA through while the infarct is still recovering.
    recent_mi_days: int = 183
    # Alcohol screens for the duloxetine rule (review 9 finding 8; services/rules/populations.py).
    # The Cymbalta label (5.2) says duloxetine "should ordinarily not be prescribed to patients with
    # substantial alcohol use": use, not a coded disorder, so a recent screen at or above these
    # scores counts as an active alcohol use disorder does for that rule (and only for it: a screen
    # is not a diagnosis). A later screen below the cut-off supersedes an earlier high one.
    # AUDIT-C (0-12) 8: the "high" AUDIT-C band (VA QUERI AUDIT-C FAQ, archived 2013, question
    # 19: "high AUDIT-C scores (> 8)" as the archive shows it, the sign possibly ">=" in the
    # original; Rubinsky 2013, Alcohol Clin Exp Res: AUD severity and the probability of
    # dependence rise steeply over the upper scores; review 9 finding 8), well above a positive screen
    # (>= 4 men, >= 3 women: VA/DoD 2015 SUD guideline via the Military Health System PHCoE page).
    # That the band is the label's "substantial alcohol use" is a reading, UNVERIFIED (the label
    # gives no score); a clinic wanting the caution earlier lowers it (4 or 3: any positive screen).
    auditc_substantial_use: int = 8
    # AUDIT (0-40) 16: zone III (16-19, harmful use) and IV (20-40, possible dependence) of the
    # WHO AUDIT manual (Babor 2001, 2nd ed.; zones as quoted by the Australian comorbidity
    # guidelines' AUDIT scoring page); zone II (8-15) is hazardous use. The same reading of the
    # label as above: UNVERIFIED.
    audit_substantial_use: int = 16
    # Below these an alcohol screen is negative (services/rules/diagnosis_substance.py: an alcohol
    # use disorder coded active beside a recent negative screen asks whether it is in remission;
    # review s22 RX finding 7). AUDIT-C 3: a positive screen is >= 4 in men and >= 3 in women
    # (VA/DoD 2015 SUD guideline via the Military Health System PHCoE page, quoted above), so
    # below 3 is negative for every patient (the lower, safer line: fewer screens called
    # negative). AUDIT 8: zone II (hazardous use) starts at 8 (WHO AUDIT manual, Babor 2001).
    # The ask holds nothing and lifts no caution: a coded disorder stays the basis of the
    # duloxetine row (a self-report below the line is not proof of remission).
    auditc_negative_below: int = 3
    audit_negative_below: int = 8
    # DAST-10 (0-10, drugs other than alcohol) at or above this is a positive drug screen: with no
    # substance use coded, the diagnosis review asks to assess for a drug use disorder (review K61a
    # s39 finding 8: a DAST-10 of 8 said nothing). 3: the start of the "moderate level" band
    # (3-5, further investigation; 6-8 substantial, 9-10 severe: Australian comorbidity guidelines
    # appendix W table 69, NIDA CDE "DAST Score" valid values), corroborated; read in the alcohol
    # screens' window (alcohol_screen_recent_days: the DAST-10 asks about the last 12 months).
    dast10_positive_from: int = 3
    # A screen older than this is not "recent": the annual screening interval (VA/DoD 2015 SUD
    # guideline, via the Military Health System PHCoE page: screen annually with the AUDIT-C), so
    # a patient screened as advised has one in the window; AUDIT questions ask about the last year.
    alcohol_screen_recent_days: int = 365
    # Substance use recorded only as a visit's encounter diagnosis with no clinical status
    # (fhir_mapping/visit_substance.py; review s22 RX finding 7), and sleep apnea so recorded
    # (review s28 RJ finding 6: the same rule, shared), older than this many days is
    # worded "recorded at a <year> visit: ask", not as current use. 365: the same yearly interval
    # as the alcohol screens above (screen annually: VA/DoD 2015 SUD guideline), a DESIGN CHOICE
    # (UNVERIFIED as a guideline value). The line is said either way (never dropped); the substance
    # line holds nothing either way, the apnea line holds only when the visit is recent (read as
    # untreated apnea); a longer window calls more old visits current.
    substance_visit_current_days: int = 365
    # A concussion (ICD-10-CM S06.0, mild traumatic brain injury) is a TMS safety-screen item only
    # while this recent, from its onset (else the day it was recorded): a head injury is a
    # seizure-risk factor the screen asks about (LCD L37086 "certain neurological conditions";
    # the IFCN screening questionnaire), the structural injuries S06.1-S06.9 count whenever coded.
    # 365: a DESIGN CHOICE (UNVERIFIED as a guideline value; fix tms43, review K30c v34).
    tms_recent_concussion_days: int = 365
    # Transaminases for the nefazodone and duloxetine checks (review 12 H10; services/
    # transaminases.py): the latest ALT or AST of the last lab_recent_days at or above this
    # multiple of the upper limit of normal counts as the labels' "elevated serum transaminases"
    # (nefazodone boxed warning) and "evidence of ... liver disease" (Cymbalta label 5.2) when no
    # liver disease is coded. 3: the nefazodone label's own line (FDA 2002, JAMA 287(9):1103:
    # withdraw the drug when AST or ALT reaches "three times or higher than the upper limit of
    # normal"; ASHP news 2002-01-15) and the usual drug-induced liver injury threshold (ALT >= 3x
    # ULN; the Hy's law criteria, FDA DILI guidance 2009, recalled, UNVERIFIED here). A clinic
    # wanting the caution on any raised value lowers it (1: above the ULN).
    transaminase_uln_multiple: float = 3.0
    # The upper limit of normal when the result carries no referenceRange (US Core results often
    # do not), in U/L. 40: a common adult ULN for both ALT and AST in US laboratory reports
    # (public reference ranges read via code search give 0-40 U/L), a DESIGN CHOICE (UNVERIFIED as
    # a guideline value: labs differ, and ACG 2017 gives lower healthy limits, 29-33 men and 19-25
    # women, recalled). A lower value flags more; the lab's own range, when sent, always wins.
    transaminase_default_uln: float = 40.0
    # Uncontrolled blood pressure for the SNRI and bupropion checks (review 13 W6; services/
    # blood_pressure.py): the last two readings both at or above this systolic OR this
    # diastolic line (a reading's category is set by the higher of the two, as ACC/AHA 2017
    # classifies). 160/100, a DESIGN CHOICE: ACC/AHA 2017 stage 2 hypertension starts at
    # 140/90, but at that line a large share of adults treated for hypertension would get the
    # card on every SNRI order (noise that teaches the card away); 160/100 is the line the older
    # JNC 7 stage 2 and the ESC/ESH 2018 grade 2 use for hypertension that needs prompt
    # treatment (recalled, UNVERIFIED here), which reads as "not controlled" whatever the
    # patient's target. Two readings, not one: a single high reading (pain, white coat) is not
    # the labels' "pre-existing hypertension" or "sustained increase". A clinic wanting the
    # stage 2 line sets 140 and 90.
    bp_uncontrolled_systolic: int = 160
    bp_uncontrolled_diastolic: int = 100
    # Readings older than this do not count: the latest must be this recent (one year, as
    # lab_recent_days), so a chart whose last readings are years old gets no card.
    bp_recent_days: int = 365
    # A drug whose label asks for a reading before each dose (esketamine: data/blood_pressure_
    # cautions.csv `pre_dose_systolic`): its latest reading counts at an order while at most this
    # old (review K35c finding 1). 14 days: an induction gives two sessions a week, so the reading
    # before the last session or two. A DESIGN CHOICE (UNVERIFIED as a guideline value); the label
    # asks for a reading before each dose, which this service cannot see being taken.
    bp_pre_dose_days: int = 14
    # A warning interaction pair of a row marked `settles` (data/drug_interactions.csv: an SSRI or
    # SNRI beside an anticoagulant or antiplatelet, "watch for bleeding") whose two drugs have run
    # together, each at its dose, longer than this many days is a settled regimen: no card of
    # its own (it is named on the card when another pair shows one); the order hooks still check it
    # when either drug is ordered (review s21 RN finding 4: clopidogrel with sertraline since 2001
    # was a warning on every chart open). 180: the first months of a combination carry its bleeding
    # and serotonergic risk while the pair is new to the prescribers, and two prescribers
    # (cardiology, psychiatry) will each have renewed or reviewed the pair by six months. A DESIGN
    # CHOICE (UNVERIFIED as a guideline value); longer keeps the card up longer (the cautious side).
    # A critical pair is always shown, however long it has run.
    interaction_settled_days: int = 180

    def negative_alcohol_screen_below(self, instrument: str) -> int | None:
        """The score below which an alcohol screen (data/observation_codes.csv instrument) is
        negative; None for an instrument without a line here."""
        if instrument == "AUDIT-C":
            return self.auditc_negative_below
        if instrument == "AUDIT":
            return self.audit_negative_below
        return None

    def substantial_alcohol_use_from(self, instrument: str) -> int | None:
        """The least score of an alcohol screen (data/observation_codes.csv instrument) that
        counts as substantial alcohol use; None for an instrument without a cut-off here."""
        if instrument == "AUDIT-C":
            return self.auditc_substantial_use
        if instrument == "AUDIT":
            return self.audit_substantial_use
        return None

    def screen_positive_from(self, instrument: str) -> int | None:
        """The cut-off of a substance screen (data/observation_codes.csv instrument): an alcohol
        screen's substantial use, a DAST-10's positive screen; None for another instrument."""
        if instrument == "DAST-10":
            return self.dast10_positive_from
        return self.substantial_alcohol_use_from(instrument)


class SafetyReadingPolicyConfig(BaseModel):
    lab_recent_days: int = Field(365, ge=1, le=3660)
    dialysis_procedure_recent_days: int = Field(90, ge=1, le=3660)
    recent_mi_days: int = Field(183, ge=1, le=3660)
    auditc_substantial_use: int = Field(8, ge=1, le=12)
    audit_substantial_use: int = Field(16, ge=1, le=40)
    auditc_negative_below: int = Field(3, ge=1, le=12)
    audit_negative_below: int = Field(8, ge=1, le=40)
    dast10_positive_from: int = Field(3, ge=1, le=10)
    alcohol_screen_recent_days: int = Field(365, ge=1, le=3660)
    substance_visit_current_days: int = Field(365, ge=1, le=3660)
    tms_recent_concussion_days: int = Field(365, ge=1, le=3660)
    transaminase_uln_multiple: float = Field(3.0, ge=1, le=20)
    transaminase_default_uln: float = Field(40.0, gt=0, le=500)
    bp_uncontrolled_systolic: int = Field(160, ge=120, le=250)
    bp_uncontrolled_diastolic: int = Field(100, ge=70, le=150)
    bp_recent_days: int = Field(365, ge=1, le=3660)
    bp_pre_dose_days: int = Field(14, ge=0, le=365)
    interaction_settled_days: int = Field(180, ge=0, le=36600)
