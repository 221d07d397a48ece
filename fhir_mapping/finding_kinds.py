"""The kinds of clinical finding the rules read (FindingKind): the vocabulary a Condition,
Procedure, Device or Observation is recognised as, and the set that puts a depression diagnosis on
record. Split from findings.py, which holds the Finding record itself; re-exported there."""

from __future__ import annotations

from enum import StrEnum


class FindingKind(StrEnum):
    """Diagnoses and findings the rules need, recognised from SNOMED CT / ICD-10-CM value sets."""

    DEPRESSION = "depression"  # MDD or depression, any
    TRD = "trd"  # SNOMED 1153570009
    MDD_IN_REMISSION = "mdd-in-remission"
    BIPOLAR = "bipolar"  # bipolar disorder, mania or hypomania
    # A bipolar diagnosis entered with verificationStatus `refuted` (review 14 recheck b01): never
    # BIPOLAR (a refuted entry drops the diagnosis it states), but read so that a card which still
    # blocks on another, differential entry of it can name the entry that refutes it. Its onset
    # is the day the refuting entry was recorded (recordedDate), else its onset.
    BIPOLAR_REFUTED = "bipolar-refuted"
    PSYCHOTIC = "psychotic"  # psychotic features or a psychotic disorder
    # A primary psychotic disorder (schizophrenia, schizoaffective, delusional disorder: ICD-10-CM
    # F20-F25), recorded beside PSYCHOTIC (review 7 finding 9): not MDD with psychotic features,
    # and the unipolar TRD pathway does not apply (REFERENCE.md; CMS159 exclusion).
    PSYCHOTIC_DISORDER = "psychotic-disorder"
    SUBSTANCE_USE = "substance-use"  # active (a code or text "in remission" reads as the next)
    SUBSTANCE_USE_IN_REMISSION = "substance-use-in-remission"  # F1x.11/.21/.91 (review 7 f. 8)
    # Chronic liver disease or cirrhosis (ICD-10-CM K70, K72-K74, B18): duloxetine is avoided
    # there (Cymbalta label; review 7 finding 3). Rows whose code means hepatic impairment is
    # likely (cirrhosis, hepatic failure, portal hypertension) carry severity "impairment" in
    # condition_codes.csv; the finding keeps it only while the condition is active (context.py).
    LIVER_DISEASE = "liver-disease"
    EPILEPSY = "epilepsy"  # epilepsy or seizures (TMS contraindication)
    HYPOTHYROIDISM = "hypothyroidism"
    B12_DEFICIENCY = "b12-deficiency"
    FOLATE_DEFICIENCY = "folate-deficiency"
    VITAMIN_D_DEFICIENCY = "vitamin-d-deficiency"
    SLEEP_APNEA = "sleep-apnea"
    SLEEP_APNEA_TREATED = "sleep-apnea-treated"  # CPAP on record, or in the entry's words
    # The apnea entry's own words say its treatment is not in use ("CPAP intolerant, stopped using
    # mask"; fhir_mapping/sleep_apnea_text.py): wins over a CPAP Device, Procedure or order.
    # Its display is those words (review s22 RX finding 3).
    SLEEP_APNEA_NOT_IN_USE = "sleep-apnea-not-in-use"
    ANXIETY = "anxiety"
    PTSD = "ptsd"
    # Premenstrual dysphoric disorder (ICD-10-CM F32.81): not a major depressive episode. With no
    # depression code beside it, the TRD pathway takes no step (services/pathway.py pmdd_only).
    PMDD = "pmdd"
    # A depression code that does not document major depressive disorder, read beside its
    # DEPRESSION finding (condition_codes.csv; VSAC "Major Depression Including Remission" is the
    # MDD set): a depressive disorder other than MDD (dysthymia / persistent depressive disorder,
    # minor or recurrent brief depression, mixed anxiety-depression, a mood disorder due to a
    # medical condition), or depression whose type is not stated (F32.A "Depression,
    # unspecified", SNOMED 35489007 "Depressive disorder"). LCD L37086 covers TMS for MDD and the
    # project's TRD definition needs an MDD diagnosis (REFERENCE.md rule 4; review 16 W1): the
    # first makes the payer's diagnosis criterion "not met", the second "to confirm".
    DEPRESSION_NOT_MDD = "depression-not-mdd"
    DEPRESSION_UNSPECIFIED = "depression-unspecified"
    # Major depression named only in a Condition's words ("Major depression, recurrent
    # (CMS/HCC)" sent text-only: vendor README trap 10; review 16 W3). Never DEPRESSION: a TMS
    # referral cites a coded diagnosis (fhir_mapping/diagnosis_text.py), so the cards say the
    # problem needs a code rather than "no depression diagnosis on the problem list".
    DEPRESSION_TEXT = "depression-text"
    # Depression named in the words of a Condition no code of which was read, and not as major
    # depression ("Depression, recurrent; failed sertraline and Lexapro", an Oracle health
    # concern; review s23 RO finding 4). Not a diagnosis (never in DEPRESSION_DIAGNOSIS_KINDS):
    # the words may be depression NOS, a symptom or another depressive disorder. Read only so
    # that no card says "no depression diagnosis on the problem list" beside it: the cards say
    # an entry in words only was seen and not read as a diagnosis (tms_assessment.py).
    DEPRESSION_WORDS = "depression-words"
    # A psychiatric diagnosis that is not a depressive disorder and has no kind of its own here
    # (obsessive-compulsive disorder, adjustment disorders, prolonged grief and other reactions
    # to severe stress), and a symptom code of the emotional state (R45.89). With no depression
    # diagnosis beside them (nor anxiety, PTSD, an eating disorder or PMDD alone), antidepressant
    # courses are treatment of that condition, not failed depression trials (review 16 W2;
    # services/pathway.py other_disorder_only).
    PSYCHIATRIC_OTHER = "psychiatric-other"
    MOOD_SYMPTOM = "mood-symptom"
    PREGNANCY = "pregnancy"
    # An earlier TMS course recorded only as a Condition ("History of TMS treatment 2023 (good
    # response)", "s/p TMS 2022", "Hx rTMS"; diagnosis_terms.csv `tms-history`, counted whatever
    # its status: a history entry is resolved by nature). Read by the retreatment criterion and
    # the packet (services/tms_stated.py; fix tms59, review K63a s40 finding 8), never a course.
    TMS_HISTORY = "tms-history"
    # A signed-off Pregnancy Status Observation answered "Not pregnant" (fhir_mapping/
    # pregnancy.py), dated that day: its own kind, never PREGNANCY. It ends the Observations'
    # pregnancy where they are read; a pregnancy diagnosis (a Condition, a prenatal visit) dated
    # before it is asked about, not asserted (services/pregnancy_now.py; review s28 RI finding 1).
    NOT_PREGNANT = "not-pregnant"
    # A record that she cannot become pregnant: no uterus (ICD-10-CM Z90.710, Z90.711; a
    # hysterectomy Procedure, SNOMED CT). Read only by the childbearing-potential lines of a
    # teratogen (services/order_checks/childbearing.py; recheck K7 s28 finding 9), never as
    # the end of a pregnancy coded after it.
    PREGNANCY_NOT_POSSIBLE = "pregnancy-not-possible"
    # Onset in the puerperium (ICD-10-CM F53.x, O90.6; SNOMED postpartum-onset MDD): whether it
    # is also depression is the DEPRESSION row's call (O90.6 "postpartum blues" is not MDD).
    POSTPARTUM = "postpartum"
    # A puerperal psychosis (ICD-10-CM F53.1, SNOMED 18260003) recorded as resolved or inactive,
    # or abated: never PSYCHOTIC or POSTPARTUM (it is not current), but a strong marker of
    # bipolarity, so the history warning names it (rules/postpartum_psychosis.py; context.py
    # `_RESOLVED_ONLY`).
    PUERPERAL_PSYCHOSIS_HISTORY = "puerperal-psychosis-history"
    # A recorded delivery (ICD-10-CM O80/O82, Z37.x, Z39.0/Z39.2; SNOMED delivery procedures):
    # ends a pregnancy coded before it and starts the postnatal year (review 11 finding 5/11c).
    DELIVERY = "delivery"
    # Breastfeeding on record (Z39.1; a Breastfeeding status Observation, LOINC 63895-7, read by
    # fhir_mapping/pregnancy.py): the lactation caveats of condition_drug_rules.csv apply.
    LACTATION = "lactation"
    # A recorded "not breastfeeding" answer (63895-7 answered LA29253-4, v2-0136 N, "No",
    # false): its own kind, never LACTATION, so no reader that asks "is a lactation finding on
    # record" can take a "no" for breastfeeding (the safer split); it ends breastfeeding recorded
    # before it (services/rules/populations.py).
    NOT_BREASTFEEDING = "not-breastfeeding"
    SUICIDAL_IDEATION = "suicidal-ideation"
    SELF_HARM = "self-harm"
    # Catatonic features (ICD-10-CM F06.1, SNOMED "with catatonic features"): ECT or a
    # benzodiazepine first, not TMS (CANMAT 2023 Table 3.6, para 215; issue 11 item 8).
    CATATONIA = "catatonia"
    IMPLANTED_DEVICE = (
        "implanted-device"  # metal or stimulators near the head (TMS contraindication)
    )
    # TMS safety screen items that keep the TMS card but must be screened first (issue 11 item
    # 6; tms_safety.py): pacemaker/ICD, CSF shunt, stent, retained fragments, stroke, brain
    # tumour, traumatic brain injury, raised intracranial pressure.
    TMS_CAUTION = "tms-caution"
    # A drug whose main use is epilepsy (levetiracetam, lacosamide, ...) running with no seizure
    # code and no other use stated, or one of several uses with none of them on record
    # (services/data/antiseizure_uses.csv; fix tms43, review K30c): a seizure disorder may be
    # present. Added beside its TMS_CAUTION by services/antiseizure_screen.py, never read from a
    # resource; bupropion is not proposed while it stands (drug_cautions.csv).
    ANTISEIZURE_UNEXPLAINED = "antiseizure-unexplained"
    # A medication record that says it is taken now whose drug could not be identified at all
    # (no name, a code the tables do not hold: DataGap.said_taken): it may be an antiseizure
    # drug or an MAOI. Added beside its TMS_CAUTION by services/unidentified_screen.py, never
    # read from a resource; bupropion is not proposed while it stands (drug_cautions.csv; fix
    # drug48, recheck K32a finding 3).
    DRUG_UNIDENTIFIED = "drug-unidentified"
    # A Condition whose code is masked or absent by a data-absent-reason (fhir_mapping/
    # masked_codes.py: a DataGap): what it is cannot be read, so it may be a seizure disorder,
    # bipolar disorder or a psychosis. Added by services/masked_diagnosis.py, never read from a
    # resource (fix mask47, review K51b s36 finding 3).
    DIAGNOSIS_UNREADABLE = "diagnosis-unreadable"
    # A traumatic brain injury among the TMS cautions (ICD-10-CM S06: a concussion only while
    # recent, policy.tms_recent_concussion_days), copied under its own kind by
    # services/tms_recent_injury.py, never read from a resource: the bupropion labels list head
    # trauma among the factors that raise its seizure risk (drug_cautions.csv; fix tms44).
    HEAD_INJURY = "head-injury"
    # Label contraindications of bupropion (issue 11 item 5a): a current or past eating disorder
    # (anorexia or bulimia nervosa: counts when resolved) and an active alcohol or sedative
    # withdrawal (abrupt discontinuation lowers the seizure threshold).
    EATING_DISORDER = "eating-disorder"
    # An eating disorder coded without its type (ICD-10-CM F50.9; SNOMED CT 72366004): it may
    # have been anorexia or bulimia, which contraindicate bupropion, or another eating disorder
    # (binge eating, ARFID), which do not. An information line asking which it was
    # (services/data/condition_drug_rules.csv; review s24 RM finding 4), never the
    # contraindication itself.
    EATING_DISORDER_UNSPECIFIED = "eating-disorder-unspecified"
    ALCOHOL_SEDATIVE_WITHDRAWAL = "alcohol-sedative-withdrawal"
    # Frailty coded on the chart (ICD-10-CM R54, SNOMED frailty findings; condition_codes.csv). Kept in
    # ClinicalContext.frailty, not in `findings`: it only qualifies "older adult" (issue 12).
    FRAILTY = "frailty"
    # A fall, repeated falls or a history of falling (ICD-10-CM R29.6, Z91.81, W00-W19; SNOMED
    # falls findings; data/falls_codes.csv): named on the low-sodium card (review 10 finding 7).
    FALLS = "falls"
    # SIADH coded (ICD-10-CM E22.2): an SSRI or SNRI drafted beside it gets a sodium warning at
    # the order hooks whatever the latest sodium (services/order_checks/sodium_draft.py, review
    # 12 finding 7).
    SIADH = "siadh"
    # Angle-closure glaucoma or an anatomically narrow angle (ICD-10-CM H40.2x, H40.03x, H40.06x;
    # SNOMED CT 392288006): a tricyclic's anticholinergic mydriasis, and the pupillary dilation the
    # SSRI, SNRI, bupropion and mirtazapine labels warn of, can set off an angle-closure attack
    # (services/order_checks/drug_disease.py; review 13 W5). Open-angle glaucoma (H40.1x) is not
    # this kind: the labels' warning is about narrow angles.
    ANGLE_CLOSURE = "angle-closure"
    # Aneurysmal vascular disease (intracranial, aortic, peripheral arterial aneurysms; ICD-10-CM
    # I67.1, I71.1-I71.9, I72.x; a non-traumatic subarachnoid haemorrhage I60.x, most often a
    # ruptured aneurysm or AVM) or an arteriovenous malformation (Q28.0-Q28.3, Q27.3), and a
    # history of intracerebral haemorrhage (I61.x, its sequelae I69.1x): esketamine's label
    # contraindicates them (SPRAVATO 4: its blood-pressure rise; review 15 U1). Counted whatever
    # the clinical status: a treated aneurysm is still aneurysmal disease and the label names a
    # "history" of haemorrhage (services/data/drug_cautions.csv).
    ANEURYSM_AVM = "aneurysm-avm"
    INTRACEREBRAL_HEMORRHAGE = "intracerebral-hemorrhage"
    # Urinary retention (ICD-10-CM R33.x; SNOMED CT 267064002, 236648008) or benign prostatic
    # hyperplasia with lower urinary tract symptoms (N40.1): a strongly anticholinergic drug (a
    # tricyclic) can bring on retention (AGS Beers 2023 drug-disease table; review 13 W5).
    URINARY_RETENTION = "urinary-retention"
    # Dementia (ICD-10-CM G30.x Alzheimer's, F01-F03; SNOMED CT 52448006, 26929004) or mild
    # cognitive impairment (G31.84): a strongly anticholinergic drug (a tricyclic, paroxetine)
    # worsens cognition and works against a cholinesterase inhibitor (AGS Beers 2023 drug-disease
    # table, "dementia or cognitive impairment"; at any age: review 16 W7).
    DEMENTIA = "dementia"
    # Parkinson's disease (ICD-10-CM G20 and its FY2024 subcodes G20.A1-G20.C; SNOMED CT
    # 49049000): AGS Beers 2023 avoids antipsychotics there (they worsen parkinsonism) except
    # quetiapine, clozapine and pimavanserin: those adjuncts are text only (review K73a finding 5).
    PARKINSON = "parkinson"
    # Congenital long QT syndrome coded (ICD-10-CM I45.81; SNOMED CT 9651007): the Celexa label
    # does not recommend citalopram there (FDA 2012), the escitalopram EU SmPC contraindicates
    # it; a raise of either is held as a QTc above the line holds it (review K73a finding 4).
    LONG_QT = "long-qt"
    # Kidney failure coded (ICD-10-CM N18.5, N18.6, I12.0, Z49.0; SNOMED ESRD, CKD stage 5) and
    # dialysis coded (Z99.2, Z49.3; SNOMED dependence on dialysis): the renal checks read the
    # labels' ESRD band from them when no eGFR can be relied on (services/renal_doses.py).
    KIDNEY_FAILURE = "kidney-failure"
    DIALYSIS = "dialysis"
    # A kidney transplant on record (ICD-10-CM Z94.0; SNOMED transplanted kidney present, history
    # of renal transplant): dated after every dialysis code, it ends the dialysis reading and an
    # eGFR since the transplant decides (services/renal_doses.py; review 11 recheck 2 finding 5).
    KIDNEY_TRANSPLANT = "kidney-transplant"
    # A liver transplant on record (ICD-10-CM Z94.4; SNOMED 737297006 transplanted liver
    # present): dated after every cirrhosis or hepatic failure code, those codes are read as the
    # native liver's, not as current hepatic impairment (services/hepatic_doses.py; recheck 12
    # finding 4).
    LIVER_TRANSPLANT = "liver-transplant"
    # Chronic kidney disease stage 4 or 3 coded (ICD-10-CM N18.4, N18.3/N18.30-N18.32; SNOMED
    # 431857002, 433144002, 700378005, 700379002): with no eGFR on record the renal checks read
    # the stage's eGFR range (KDIGO G4 15-29, G3 30-59, G3a 45-59, G3b 30-44;
    # services/data/ckd_stages.csv); an eGFR on record decides instead (services/renal_doses.py).
    CKD_STAGE_4 = "ckd-stage-4"
    CKD_STAGE_3 = "ckd-stage-3"
    CKD_STAGE_3A = "ckd-stage-3a"
    CKD_STAGE_3B = "ckd-stage-3b"
    # An acute myocardial infarction (ICD-10-CM I21.x, I22.x; SNOMED 22298006 and the acute
    # STEMI/NSTEMI children Synthea writes): the TCA labels contraindicate them "during the acute
    # recovery period after myocardial infarction" (review 12 finding 2). Read whatever its
    # clinical status (an MI is often resolved within weeks): how recent it must be to count is
    # clinic policy (services/policy/safety_readings.py recent_mi_days), applied in
    # services/cardiac.py.
    ACUTE_MI = "acute-mi"
    # Heart failure (ICD-10-CM I50.x; SNOMED 84114007, 42343007, 88805009): citalopram's label
    # asks for ECG monitoring and corrected potassium and magnesium there (review 12 finding 15).
    HEART_FAILURE = "heart-failure"
    # Heart failure recorded as resolved or inactive, or abated (review 14 recheck t01: I50.9
    # resolved 2015): never HEART_FAILURE (not current), but a cardiac history the liothyronine
    # caution still names as past (Cytomel label 5.1: caution in cardiovascular disease;
    # services/thyroid_hormone_cautions.py). Read like PUERPERAL_PSYCHOSIS_HISTORY (context.py
    # `_RESOLVED_ONLY`).
    HEART_FAILURE_HISTORY = "heart-failure-history"
    # An old (healed) myocardial infarction (ICD-10-CM I25.2; SNOMED 1755008): the tricyclic
    # labels ask for close watch in cardiovascular disorders, a caution line on a tricyclic
    # order (services/order_checks/cautions.py), never the acute-MI contraindication.
    OLD_MI = "old-mi"
    # A cardiac conduction disease: atrioventricular block of any degree, a bundle-branch or
    # fascicular block, another conduction disorder (ICD-10-CM I44.x, I45.x; SNOMED CT complete
    # and second-degree AV block, bundle-branch blocks). Tricyclics slow intraventricular
    # conduction: with a pre-existing bundle-branch block second-degree AV block came in 9 %
    # at therapeutic levels against 0.7 % with a normal ECG (Roose 1987; review s24 RM finding 1),
    # a warning on a tricyclic order or running (services/data/drug_cautions.csv).
    CONDUCTION_DISEASE = "conduction-disease"
    # Second-degree or complete (third-degree) AV block, or an AV block whose degree is not coded
    # (ICD-10-CM I44.1, I44.2, I44.3x; SNOMED CT second-degree, complete and unspecified AV
    # block): its own kind (review s25 RO finding 2), not CONDUCTION_DISEASE, because the UK
    # tricyclic SmPCs contraindicate heart block (amitriptyline 4.3: "any degree of heart
    # block") and a block already this far along is where the tricyclics' further slowing risks
    # asystole: a critical contraindication line on a tricyclic order (drug_cautions.csv). An
    # uncoded degree is read as high-grade (the safer reading: the ECG decides).
    HIGH_GRADE_AV_BLOCK = "high-grade-av-block"
    # The same codes once resolved, inactive or abated (review s25 rk3 finding 6: a resolved
    # complete heart block gave no card): never HIGH_GRADE_AV_BLOCK (not current), but a block
    # that was high-grade may recur, so a tricyclic order gets a "history of heart block"
    # warning (services/data/drug_cautions.csv). Read like HEART_FAILURE_HISTORY
    # (conditions.py `_RESOLVED_ONLY`).
    HIGH_GRADE_AV_BLOCK_HISTORY = "high-grade-av-block-history"
    # Adverse effects of a running augmenting agent (review 13 U2, U3, W9):
    # atrial fibrillation or flutter and other tachyarrhythmias, and thyrotoxicosis, with
    # liothyronine running (Cytomel label 5.1: overtreatment may precipitate arrhythmias);
    # tardive dyskinesia and akathisia with an antipsychotic running (the antipsychotic labels).
    # Read by services/rules/adjunct_harm.py (services/data/adjunct_harms.csv).
    ARRHYTHMIA = "arrhythmia"
    THYROTOXICOSIS = "thyrotoxicosis"
    # Coronary artery disease or angina (ICD-10-CM I25.1x, I20.x; SNOMED CT 53741008): a
    # liothyronine proposal or order beside it carries the label's caution (Cytomel label 5.1:
    # lower starting doses in cardiovascular disease;
    # services/thyroid_hormone_cautions.py).
    CORONARY_DISEASE = "coronary-disease"
    TARDIVE_DYSKINESIA = "tardive-dyskinesia"
    AKATHISIA = "akathisia"
    # Neuroleptic malignant syndrome on record (ICD-10-CM G21.0, SNOMED CT 15244003; history,
    # kept when resolved): any antipsychotic after it is psychiatry's decision, never a one-click
    # proposal (services/data/condition_drug_rules.csv; review K73a findings 1-2, fix adj76). An
    # allergy entry whose reaction says it gives this finding too (services/nms_record.py).
    NMS = "nms"
    # Diabetes mellitus coded (ICD-10-CM E10.x, E11.x; SNOMED CT 44054006, 46635009): named on
    # the running-antipsychotic metabolic line with the last HbA1c (review 13 W7 recheck: a2's
    # type 2 diabetes and its A1c of 8.9 % went unnamed beside quetiapine; services/lab_safety.py
    # metabolic_text). Antipsychotics worsen glycaemic control (ADA/APA consensus 2004).
    DIABETES = "diabetes"
    # ECT the patient declined: a Procedure `not-done` whose statusReason says refusal
    # (procedure_refusals.py; review 16 W6). Never an ECT session. Its onset is the day the
    # refusal is dated (performed[x], else meta.lastUpdated: "recorded"), its display the
    # reason as written. The optimise card says it on the ECT line: revisit.
    ECT_DECLINED = "ect-declined"
    # TMS the patient declined, read as ECT_DECLINED is (review s29 RK finding 5). The TMS
    # referral card names it: ask before referring (services/rules/tms_declined.py).
    TMS_DECLINED = "tms-declined"


# The kinds that put a depression diagnosis on record (an MDD or other depression code, TRD, MDD
# in remission, major depression in words): one set, read by the mapping (an antidepressant taken
# with a condition it treats: condition_indications.py) and by services/pathway.py (the other
# conditions that hold the pathway), so both mean the same by "no depression diagnosis".
DEPRESSION_DIAGNOSIS_KINDS = frozenset(
    {
        FindingKind.DEPRESSION,
        FindingKind.TRD,
        FindingKind.MDD_IN_REMISSION,
        FindingKind.DEPRESSION_TEXT,
    }
)
