"""The TMS referral packet as rendered HTML: every section from the record, escaping, a strict
CSP, nothing loaded from anywhere, and the payer criteria rendered as evaluated.

Records are built by hand (tests/browser/packet_example.py and the timeline's builders); the
HTML is read back with html.parser, so every test also proves the document parses.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import re
from datetime import UTC, date, datetime
from html.parser import HTMLParser

from fhir_mapping.code_systems import CPT, ICD10CM, SNOMED
from fhir_mapping.record import (
    Adherence,
    AdherenceStatus,
    ClinicalContext,
    DataDomain,
    DataGap,
    Finding,
    FindingKind,
    GapCause,
    Patient,
    PatientRecord,
    ProcedureKind,
    ProcedureRecord,
    Referral,
    Role,
    Score,
    SourceRef,
    Verdict,
)
from services.packet import render_packet
from services.policy import Policy
from tests.browser.example_record import trial
from tests.browser.packet_example import DIAGNOSIS, SECTIONS, cells, packet_record

POLICY = Policy()
AS_OF = date(2025, 3, 14)


class _Text(HTMLParser):
    """Start tags and the text of each section (by id), for reading the packet back."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.sections: dict[str, str] = {}
        self._section: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {k: v or "" for k, v in attrs}
        self.tags.append((tag, found))
        if tag == "section":
            self._section = found["id"]
            self.sections[self._section] = ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section = None
        elif self._section is not None:
            self.sections[self._section] += " "

    def handle_data(self, data: str) -> None:
        if self._section is not None:
            self.sections[self._section] += data


def read(html: str) -> _Text:
    parsed = _Text()
    parsed.feed(html)
    parsed.close()
    return parsed


def section(html: str, name: str) -> str:
    return " ".join(read(html).sections[name].split())


def meets_l37086() -> PatientRecord:
    """The example made to meet every criterion of L37086: venlafaxine an adequate failed trial
    (two classes), PHQ-9 22 this month, no pacemaker, nothing left unread."""
    record = packet_record()
    trials = tuple(
        dataclasses.replace(
            t,
            verdict=Verdict.ADEQUATE,
            reasons=(),
            adherence=Adherence(AdherenceStatus.VERIFIED, pdc=0.9),
        )
        if t.ingredient == "venlafaxine"
        else t
        for t in record.trials
    )
    return dataclasses.replace(
        record,
        trials=trials,
        scores=(*record.scores, Score("PHQ-9", 22, date(2025, 3, 10), item9=0)),
        context=ClinicalContext(findings=(DIAGNOSIS,)),
        gaps=(),
    )


# --- the document --------------------------------------------------------------------------------


def test_a_complete_html_document_with_a_strict_csp_and_nothing_to_load() -> None:
    html = render_packet(packet_record(), POLICY)
    assert html.startswith("<!doctype html>\n") and '<meta charset="utf-8">' in html
    assert "<title>TMS referral summary</title>" in html
    assert [a["id"] for t, a in read(html).tags if t == "section"] == SECTIONS
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html)
    style = re.search(r"<style>(.*?)</style>", html, re.S)
    assert csp is not None and style is not None
    digest = base64.b64encode(hashlib.sha256(style.group(1).encode()).digest()).decode()
    assert csp.group(1) == (
        f"default-src 'none'; style-src 'sha256-{digest}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    # Nothing the policy would block or that would load: no script, no style attribute, no
    # link but to the page's own sections, no stylesheet import or url().
    assert "<script" not in html.lower() and " style=" not in html
    # The summary box points to its sections.
    assert set(re.findall(r'href="([^"]*)"', html)) == {
        "#diagnosis",
        "#severity",
        "#trials",
        "#safety",
        "#payer",
        "#unread",
    }
    assert not re.search(r"\b(src|srcset|action)=", html)
    assert "@import" not in html and "url(" not in html


def test_print_stylesheet_keeps_rows_whole_and_repeats_headers() -> None:
    html = render_packet(packet_record(), POLICY)
    css = re.search(r"<style>(.*?)</style>", html, re.S)
    assert css is not None
    printed = css.group(1).split("@media print", 1)[1]
    assert "@page { margin: 14mm 12mm 16mm; }" in css.group(1)
    assert "thead { display: table-header-group; }" in printed
    assert re.search(r"tr, li, [^{]*\{\s*break-inside: avoid;", printed)
    # The narrow-window stacking is for screens only: print keeps tables.
    assert "@media screen and (max-width: 720px)" in css.group(1)


def test_text_from_the_chart_is_escaped() -> None:
    nasty = 'x<&>"y'
    record = dataclasses.replace(
        packet_record(),
        trials=(
            trial(
                nasty,
                "<b>SSRI</b>",
                Role.ANTIDEPRESSANT,
                ((date(2024, 1, 1), date(2024, 3, 1), 50.0),),
                min_mg=50.0,
                max_mg=200.0,
            ),
        ),
        context=ClinicalContext(
            findings=(dataclasses.replace(DIAGNOSIS, display="<script>alert(1)</script>"),)
        ),
        gaps=(DataGap(DataDomain.MEDICATIONS, "a reason with <img src=x>", None),),
    )
    html = render_packet(record, POLICY)
    assert nasty not in html and "<b>" not in html and "<img" not in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "x&lt;&amp;&gt;&quot;y (&lt;b&gt;SSRI&lt;/b&gt;)" in html
    assert cells(html, "Drug (class)") == ['x<&>"y (<b>SSRI</b>)']  # read back as written
    assert [t for t, _ in read(html).tags].count("script") == 0


def test_the_patient_line_and_the_footer() -> None:
    record = packet_record()
    assert record.patient.id == "example"
    html = render_packet(record, POLICY)
    # Never the patient's id (as the timeline page): age, sex and the record's date.
    assert '<p class="meta">Patient · 46 years · female · record as of 14 Mar 2025</p>' in html
    assert "example" not in html.replace("example.", "")
    assert "expires" not in html
    served = render_packet(record, POLICY, expires_at=datetime(2025, 3, 14, 12, 30, tzinfo=UTC))
    assert "this link expires 14 Mar 2025 12:30 UTC." in served


# --- the sections --------------------------------------------------------------------------------


def test_diagnosis_with_code_date_severity_and_source() -> None:
    html = render_packet(packet_record(), POLICY)
    assert cells(html, "Diagnosis") == [
        "Major depressive disorder, recurrent severe without psychotic features"
    ]
    assert cells(html, "Code") == ["ICD-10-CM F33.2"]
    assert cells(html, "Onset") == ["1 Apr 2023"]
    assert cells(html, "Severity", "diagnoses") == ["severe"]
    assert cells(html, "Kind") == ["depression · cited as the referral's reason"]
    assert cells(html, "Source", "diagnoses") == ["Condition/mdd-1"]
    text = section(html, "diagnosis")
    assert "Current episode from 1 Apr 2023." in text
    assert "Bipolar disorder: none on record." in text


def test_diagnosis_names_exclusions_and_says_when_conditions_could_not_be_read() -> None:
    bipolar = Finding(
        FindingKind.BIPOLAR, "F31.81", ICD10CM, "Bipolar II disorder", date(2021, 5, 2)
    )
    record = dataclasses.replace(
        packet_record(), context=ClinicalContext(findings=(DIAGNOSIS, bipolar))
    )
    assert "Bipolar disorder: Bipolar II disorder (ICD-10-CM F31.81, since 2 May 2021)" in section(
        render_packet(record, POLICY), "diagnosis"
    )
    unread = dataclasses.replace(
        packet_record(),
        context=ClinicalContext(),
        gaps=(
            DataGap(
                DataDomain.CONDITIONS,
                "Condition: not sent",
                whole_domain=True,
                cause=GapCause.NOT_PROVIDED,
            ),
        ),
    )
    text = section(render_packet(unread, POLICY), "diagnosis")
    assert "Depression diagnosis: the condition list was not available" in text
    assert "none on record" not in text  # an absence it could not see is never "none"


def test_severity_history_lists_every_scale_with_its_band_and_item_9() -> None:
    record = dataclasses.replace(
        packet_record(),
        scores=(
            Score("PHQ-9", 21, date(2024, 3, 18), item9=2, source=SourceRef("Observation", "o1")),
            Score("GAD-7", 12, date(2024, 3, 18)),
            Score("PHQ-2", 4, date(2024, 1, 5)),
            Score("PHQ-9", 26, date(2024, 6, 1), item9=2, item9_inferred=True),
            Score("PHQ-9", 9, date(2024, 9, 1), total_computed=True),
        ),
    )
    html = render_packet(record, POLICY)
    assert cells(html, "Date") == [
        "5 Jan 2024",
        "18 Mar 2024",
        "18 Mar 2024",
        "1 Jun 2024",
        "1 Sep 2024",
    ]
    assert cells(html, "Scale") == ["PHQ-2", "GAD-7", "PHQ-9", "PHQ-9", "PHQ-9"]
    assert cells(html, "Score") == ["4", "12", "21", "26", "9 (sum of the answered items)"]
    assert cells(html, "Severity", "scores") == ["–", "moderate", "severe", "severe", "mild"]
    assert cells(html, "PHQ-9 item 9") == ["–", "–", "2", "at least 2 (from the total)", "–"]
    assert '<td data-label="PHQ-9 item 9" class="positive">2</td>' in html
    text = section(html, "severity")
    assert "Latest: PHQ-9 9 (mild) on 1 Sep 2024." in text
    assert "Severity bands: GAD-7: Spitzer 2006; PHQ-9: Kroenke 2001." in text


def test_every_trial_with_doses_dates_weeks_adherence_and_outcome() -> None:
    html = render_packet(packet_record(), POLICY)
    assert cells(html, "Drug (class)") == [
        "sertraline (SSRI)",
        "venlafaxine (SNRI)",
        "escitalopram (SSRI)",
        "aripiprazole (antipsychotic)",
    ]
    assert cells(html, "Dates", "trials") == [
        "5 Jun 2023 – 30 Oct 2023",
        "30 Oct 2023 – 24 Jun 2024",
        "24 Jun 2024 – ongoing",
        "7 Oct 2024 – 16 Dec 2024",
    ]
    assert cells(html, "Weeks at adequate dose") == ["21", "12", "37.6", "10"]
    assert cells(html, "Adherence") == [
        "refills on time (PDC 94 %)",
        "poor; PDC 58 %; gap 15 wk from 2024-01-29",
        "refills on time (PDC 91 %)",
        "not judged: the course ended for intolerance",
    ]
    assert cells(html, "PHQ-9 before → after") == [
        "19 (30 May 2023) → 15 (23 Oct 2023)",
        "15 (23 Oct 2023) → 17 (17 Jun 2024)",
        "17 (17 Jun 2024) → 16 (3 Mar 2025)",
        "14 (1 Oct 2024) → 14 (13 Jan 2025)",
    ]
    outcomes = cells(html, "Outcome")
    assert outcomes[0] == "failed (adequate; < 50 % PHQ-9 drop)"
    assert outcomes[1].startswith("not adequate: adherence contradicted by refill data")
    assert outcomes[3].endswith("not tolerated: akathisia (2024-12-16)")
    # Counted as the payer (L37086) counts: failed adequate trials of the episode.
    assert cells(html, "Counted for TMS") == [
        "yes: failed",
        "no",
        "yes: failed",
        "no: augmentation",
    ]
    assert "Counted for TMS: 2 (sertraline, escitalopram; 1 class: SSRI)." in section(
        html, "trials"
    )


def test_a_trial_of_an_earlier_episode_is_listed_but_not_counted() -> None:
    record = packet_record()
    earlier = trial(
        "fluoxetine",
        "SSRI",
        Role.ANTIDEPRESSANT,
        ((date(2019, 1, 7), date(2019, 5, 6), 40.0),),
        min_mg=20.0,
        max_mg=80.0,
    )
    html = render_packet(dataclasses.replace(record, trials=(earlier, *record.trials)), POLICY)
    assert cells(html, "Drug (class)")[0] == "fluoxetine (SSRI)"
    assert cells(html, "Counted for TMS")[0] == "no: earlier episode"


def test_psychotherapy_by_type_with_dates_and_sessions() -> None:
    cbt = [
        ProcedureRecord(ProcedureKind.PSYCHOTHERAPY, "228557008", SNOMED, date(2024, 2, d))
        for d in (5, 12, 19)
    ]
    undated = ProcedureRecord(ProcedureKind.PSYCHOTHERAPY, "90837", CPT, None)
    referral = Referral(
        "psychotherapy", "active", date(2024, 1, 20), SourceRef("ServiceRequest", "sr-1")
    )
    record = dataclasses.replace(packet_record(), procedures=(*cbt, undated), referrals=(referral,))
    html = render_packet(record, POLICY)
    assert cells(html, "Type") == [
        "Cognitive and behavioral therapy (regime/therapy) (SNOMED CT 228557008)",
        "Psychotherapy, 60 minutes with patient (CPT 90837)",
    ]
    assert cells(html, "Dates", "therapy") == ["5 Feb 2024 – 19 Feb 2024", "undated"]
    assert cells(html, "Sessions") == ["3 sessions", "1 session (1 undated)"]
    assert "Psychotherapy referral: active, 20 Jan 2024" in section(html, "psychotherapy")
    none = dataclasses.replace(packet_record(), procedures=())
    assert (
        "Psychotherapy sessions: no psychotherapy procedure, visit or referral on record."
        in section(render_packet(none, POLICY), "psychotherapy")
    )


def test_earlier_tms_and_ect_are_named() -> None:
    tms = tuple(
        ProcedureRecord(ProcedureKind.TMS, "90868", CPT, date(2022, 3, d)) for d in range(1, 31)
    )
    html = render_packet(dataclasses.replace(packet_record(), procedures=tms), POLICY)
    text = section(html, "neuromodulation")
    assert "TMS: 30 sessions, 1 Mar 2022 – 30 Mar 2022" in text
    assert "ECT: none on record." in text


def test_safety_screen_names_contraindications_items_to_screen_and_unread_lists() -> None:
    html = render_packet(packet_record(), POLICY)
    text = section(html, "safety")
    assert "To screen before TMS (caution)" in text
    assert "Presence of cardiac pacemaker (ICD-10-CM Z95.0, since 4 Mar 2019)" in text
    assert "Contraindications on record" not in text
    clip = Finding(
        FindingKind.IMPLANTED_DEVICE,
        "Z98.890",
        ICD10CM,
        "Aneurysm clip",
        None,
        SourceRef("Device", "d1"),
    )
    record = dataclasses.replace(
        packet_record(),
        context=ClinicalContext(findings=(DIAGNOSIS, clip)),
        gaps=(
            DataGap(
                DataDomain.DEVICES,
                "Device: not sent",
                whole_domain=True,
                cause=GapCause.NOT_PROVIDED,
            ),
        ),
    )
    text = section(render_packet(record, POLICY), "safety")
    assert "Contraindications on record (TMS not suggested)" in text
    assert "Aneurysm clip (ICD-10-CM Z98.890, date not recorded, Device/d1)" in text
    assert "Not available: device list." in text
    clean = dataclasses.replace(packet_record(), context=ClinicalContext(findings=(DIAGNOSIS,)))
    assert "no other TMS safety item recognised" in section(render_packet(clean, POLICY), "safety")


def test_payer_criteria_each_with_status_evidence_and_source() -> None:
    html = render_packet(packet_record(), POLICY)
    assert cells(html, "Status") == [
        "Met",
        "Met",
        "Not met",
        "Not met",
        "Met, to confirm",  # psychotherapy: "without improvement" is not in the chart
        "Not on record",
        "Met",
    ]
    text = section(html, "payer")
    assert text.startswith(
        "Payer criteria Clinic default rule set, from Medicare LCD L37086: not met: Severity; "
        "Medication trials · not on "
        "record: Contraindications."
    )
    assert "All " not in text  # never "criteria met" with a criterion missing
    assert "To document: a current score in the severe band" in text
    assert "Required of the TMS service:" in text


def test_all_criteria_met_only_when_every_one_is() -> None:
    html = render_packet(meets_l37086(), POLICY)
    # L37086's "without improvement" after psychotherapy is not in the chart: met, and said to
    # be confirmed before sending (review 6 finding 4).
    assert set(cells(html, "Status")) == {"Met", "Met, to confirm"}
    assert (
        "All 7 criteria of the clinic default rule set, from Medicare LCD L37086, are met; to "
        "confirm before sending: "
        "psychotherapy: no improvement after it." in section(html, "payer")
    )
    # With something left unread, met means met on what could be read.
    gap = DataGap(
        DataDomain.MEDICATIONS,
        "medication reference not found",
        SourceRef("MedicationRequest", "m"),
    )
    incomplete = dataclasses.replace(meets_l37086(), gaps=(gap,))
    assert "are met on the data that could be read; to confirm" in section(
        render_packet(incomplete, POLICY), "payer"
    )


def test_a_criterion_resting_on_unread_data_is_not_available() -> None:
    gap = DataGap(
        DataDomain.PROCEDURES, "Procedure: not sent", whole_domain=True, cause=GapCause.NOT_PROVIDED
    )
    record = dataclasses.replace(meets_l37086(), procedures=(), gaps=(gap,))
    html = render_packet(record, POLICY)
    assert "Not available" in cells(html, "Status")
    assert "not available: " in section(html, "payer")


def test_without_a_payer_evaluation_the_clinic_criteria_are_shown_never_met() -> None:
    html = render_packet(packet_record(), POLICY, payer=None)
    text = section(html, "payer")
    assert text.startswith("Payer criteria No payer rule set was evaluated for this summary")
    assert cells(html, "Status") == []
    met = section(render_packet(meets_l37086(), POLICY, payer=None), "payer")
    assert "The clinic's TMS criteria (policy) are met on the data that could be read." in met


def test_data_not_read() -> None:
    html = render_packet(packet_record(), POLICY)
    assert (
        "1 medication record could not be read (medication reference not found): "
        "MedicationRequest/mr-9" in section(html, "unread")
    )
    clean = render_packet(dataclasses.replace(packet_record(), gaps=()), POLICY)
    assert section(clean, "unread") == "Data not read Everything the EHR sent could be read."


def test_an_empty_record_still_renders_every_section() -> None:
    record = PatientRecord(patient=Patient(None, None, None), as_of=AS_OF)
    html = render_packet(record, POLICY)
    assert [a["id"] for t, a in read(html).tags if t == "section"] == SECTIONS
    assert "No antidepressant trials on record." in section(html, "trials")
    assert "No rating-scale results on record." in section(html, "severity")
    assert '<p class="meta">Patient · record as of 14 Mar 2025</p>' in html
