"""The cards', packet's and payer criteria's fast paths (issue 14, speed round 4) say what the
plain readings they replace said: the attached document encoded part by part, the UUID written
out, the payer criteria's cells rendered once per criterion, a class-only attribute, markdown rows
looked at once, links to the source by a compiled pattern, and the short cuts taken when a chart
has no data gaps."""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import date

import pytest

from fhir_mapping.record import (
    DataDomain,
    DataGap,
    FindingKind,
    GapCause,
    PatientRecord,
    Score,
    SourceRef,
)
from services import cards, suggestions
from services.packet import (
    attach_packet,
    document,
    html,
    packet_document,
    payer,
    render_packet,
    safety,
    therapy,
)
from services.packet import diagnosis as diagnosis_section
from services.packet.page import packet_parts
from services.pathway import PathwayFacts, derive_facts
from services.payer_criteria import (
    Criterion,
    CriterionKind,
    CriterionResult,
    PayerEvaluation,
    builtin_rule_sets,
    evaluate_payer_criteria,
)
from services.payer_criteria.findings import _FINDING_NAMES, finding_names
from services.payer_criteria.inputs import DOMAINS, Inputs
from services.policy import Policy
from tests.browser.packet_example import packet_record
from tests.services import factories as f

POLICY = Policy()
AWKWARD = 'O\'Brien <b> & "quoted" 100 % {x}'


def _records() -> list[PatientRecord]:
    """The packet example (every kind of criterion result, a data gap), the same with nothing
    left unread, a minimal TRD chart, and one whose chart text needs escaping everywhere."""
    example = packet_record()
    awkward = f.trd_record(findings=(f.mdd(display=AWKWARD),))
    return [example, dataclasses.replace(example, gaps=()), f.trd_record(), awkward]


def _evaluations(record: PatientRecord) -> list[tuple[PathwayFacts, PayerEvaluation]]:
    facts = derive_facts(record, POLICY)
    return [
        (
            facts,
            evaluate_payer_criteria(record, facts, dataclasses.replace(POLICY, payer_criteria=n)),
        )
        for n in sorted(builtin_rule_sets())
    ]


# --- the attached document -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "a", "0" * 64, "é → ü"])
def test_the_uuid_written_out_is_uuid5(name: str) -> None:
    assert document._uuid5(name) == str(uuid.uuid5(document._NAMESPACE, name))


@pytest.mark.parametrize("record", _records())
def test_the_attached_document_is_the_rendered_page_encoded(record: PatientRecord) -> None:
    """The parts, each encoded on its own, make the page render_packet writes, and the attached
    DocumentReference is packet_document of that page."""
    patient_id = record.patient.id
    assert patient_id is not None  # a record without one is attached nothing
    facts = derive_facts(record, POLICY)
    evaluation = evaluate_payer_criteria(record, facts, POLICY)
    page = render_packet(record, POLICY, facts=facts, payer=evaluation)
    assert "".join(packet_parts(record, POLICY, facts=facts, payer=evaluation)) == page
    referral = suggestions.service_request(
        patient_id=patient_id, concept="tms-evaluation", text="Refer for TMS"
    )
    attached = attach_packet(
        suggestions.create("Refer", referral), record, facts, POLICY, payer=evaluation
    )
    resource = attached.actions[-1].resource
    assert resource == packet_document(patient_id=patient_id, html=page, created=record.as_of)


# --- the payer criteria section ----------------------------------------------------------------


def _plain_row(r: CriterionResult) -> tuple[html.Cell, ...]:
    """A criterion's row as the section wrote it before its cells were rendered once."""
    evidence = "; ".join(r.evidence) or "–"
    if r.to_document:
        evidence += f". To document: {r.to_document}"
    status = (r.status.label, payer._STATUS_CLASS[r.status])
    if r.to_confirm:  # a met criterion with a part the chart cannot show (review 6 finding 4)
        evidence += f". To confirm: {r.to_confirm}"
        status = (f"{r.status.label}, to confirm", "status met to-confirm")
    source = r.source if r.source_status == "confirmed" else f"{r.source} ({r.source_status})"
    return (
        f"{r.label}: {r.wording}",
        status,
        (evidence, "ref"),
        (source, "ref"),
    )


def _plain_notes(evaluation: PayerEvaluation) -> str:
    rule_set = evaluation.rule_set
    notes = [f"Policy: {rule_set.name}, {rule_set.url} (read as {rule_set.status})"]
    if rule_set.note:
        notes.append(rule_set.note)
    notes += [f"Not judged from the chart: {line}" for line in rule_set.not_encoded]
    notes += [f"Required of the TMS service: {line}" for line in rule_set.service_requirements]
    return html.bullets(notes, cls="lines note")


@pytest.mark.parametrize("record", _records())
def test_the_payer_section_is_the_plain_table_of_every_rule_set(record: PatientRecord) -> None:
    for facts, evaluation in _evaluations(record):
        rule_set = evaluation.rule_set
        plain = (
            html.table(
                payer._HEADER,
                [_plain_row(r) for r in evaluation.results],
                caption=f"{payer._opening(evaluation.named)}: {rule_set.title}",
                cls="criteria",
                stack=True,
            )
            + _plain_notes(evaluation)
            + "</section>"
        )
        assert payer.payer_section(evaluation, facts).endswith(plain), rule_set.id


@pytest.mark.parametrize("raw", ["plain", AWKWARD, "–", "a'b"])
@pytest.mark.parametrize("cls", [None, "ref", "status not-met"])
def test_a_rendered_cell_is_the_cell_the_table_writes(raw: str, cls: str | None) -> None:
    header = ("Text", "Other")
    cell: html.Cell = raw if cls is None else (raw, cls)
    plain = html.table(header, [(cell, "x")], caption="c", cls="t")
    rendered = html.table(
        header, [(html.rendered_cell("Text", raw, cls), "x")], caption="c", cls="t"
    )
    assert rendered == plain


@pytest.mark.parametrize("cls", ["lines", 'odd"class', "a & b"])
def test_a_class_only_attribute_is_written_as_any_other(cls: str) -> None:
    # With a second attribute (None: dropped) the element takes the general path.
    assert html.text("p", AWKWARD, cls=cls) == html.text("p", AWKWARD, cls=cls, id=None)
    assert html.bullets(["x"], cls=cls) == html.bullets(["x"], cls=cls, id=None)
    assert html.text("p", "x", cls=cls) == f'<p class="{html.esc(cls)}">x</p>'


# --- card text -----------------------------------------------------------------------------------

URL = "https://example.org/guideline?x=1&y=(2)"


@pytest.mark.parametrize(
    "text",
    [
        f"See [CANMAT 2023]({URL}).",
        f"[a]({URL}) and [b [nested]({URL}) and [c](https://other.org) and []({URL})",
        f"no link but ]({URL}) alone; [x] [y]({URL})[z]({URL})",
        f"**Guideline:** [CANMAT]({URL}); [Maudsley](https://m.org).\n[line\nbreak]({URL})",
    ],
)
def test_links_to_the_source_become_their_labels_as_the_regex_template_did(text: str) -> None:
    plain = re.sub(r"\[([^\]]*)\]\(" + re.escape(URL) + r"\)", r"\1", text)
    assert cards._source_links_as_names(text, URL) == plain
    assert cards._source_links_as_names(text, None) == text


@pytest.mark.parametrize(
    "cells",
    [
        ("a", "b", "c"),
        ("a|b", "c", "d\ne"),
        ("", "|", "\n"),
        ("x", "y | z", "w"),
        ("a line", "then\nanother"),  # a line break alone
    ],
)
def test_a_markdown_row_is_escaped_as_cell_by_cell(cells: tuple[str, ...]) -> None:
    plain = "| " + " | ".join(cards._cell(c) for c in cells) + " |"
    assert cards._table_row(cells) == plain


# --- payer criteria and the packet without data gaps ---------------------------------------------


def _gaps(record: PatientRecord) -> list[PatientRecord]:
    """The record without gaps and with a gap of each cause in each domain."""
    out = [dataclasses.replace(record, gaps=())]
    for domain in DataDomain:
        for cause in GapCause:
            gap = DataGap(domain, "not read", SourceRef("Observation", "x"), cause=cause)
            out.append(dataclasses.replace(record, gaps=(gap,)))
    return out


def test_the_no_gap_short_cuts_say_what_the_domains_say() -> None:
    for record in _gaps(f.trd_record()):
        facts = derive_facts(record, POLICY)
        inputs = Inputs(record, facts, POLICY)
        for kind in CriterionKind:
            assert inputs.unseen(kind) == any(record.incomplete(d) for d in DOMAINS[kind])
        evaluation = evaluate_payer_criteria(record, facts, POLICY)
        domains = {d for c in evaluation.rule_set.criteria for d in DOMAINS[c.kind]}
        assert evaluation.incomplete == bool(record.gaps_in(*domains))
        assert safety.unchecked_lists(record) == [
            name for domain, name in safety.SCREENED if record.unavailable(domain)
        ]
        for line, domain in (
            (diagnosis_section._none_line(record, "X"), DataDomain.CONDITIONS),
            (therapy._absence(record, "X"), DataDomain.PROCEDURES),
        ):
            if record.unavailable(domain):
                assert "not available" in line
            elif record.incomplete(domain):
                assert "incomplete" in line
            elif domain is DataDomain.CONDITIONS and record.gaps_in(domain):
                # An entry left out may be the diagnosis (fix bip67, review K61a finding 4).
                assert line == (
                    "X: none in the conditions that could be read (an entry could not be read)."
                )
            else:
                assert line == "X: none on record."


def test_finding_names_and_cut_offs_as_the_plain_readings() -> None:
    for kinds in [(), tuple(FindingKind), (FindingKind.EPILEPSY, FindingKind.TMS_CAUTION)]:
        plain = ", ".join(_FINDING_NAMES.get(k, k.value.replace("-", " ")) for k in kinds)
        assert finding_names(kinds) == plain
    criterion = Criterion(
        id="s",
        kind=CriterionKind.SEVERITY,
        label="Severity",
        wording="severe",
        to_document="a score",
        source="test",
        status="confirmed",
        instruments=("PHQ-9", "MADRS"),
        min_band="severe",
        min_scores=(("PHQ-9", 15), ("MADRS", 30), ("PHQ-9", 18)),
    )
    for instrument in ("PHQ-9", "MADRS", "HAM-D17", "unknown"):
        own = dict(criterion.min_scores).get(instrument)
        expected = (own, f"{instrument} >= {own}") if own is not None else None
        if own is None:
            assert criterion.cut_off(instrument) == dataclasses.replace(
                criterion, min_scores=()
            ).cut_off(instrument)
        else:
            assert criterion.cut_off(instrument) == expected


def test_the_latest_accepted_score_wins_whatever_the_order_on_record() -> None:
    """The severity criterion filters before it sorts: ties on a date keep the record's order,
    as sorting every score and skipping the rest did."""
    day = date(2024, 5, 20)
    scores = (
        Score("PHQ-9", 21, day, source=SourceRef("Observation", "a")),
        Score("PHQ-2", 6, day),
        Score("PHQ-9", 12, day, source=SourceRef("Observation", "b")),
        Score("PHQ-9", None, date(2024, 5, 21)),
        Score("PHQ-9", 9, date(2024, 5, 1)),
    )
    for order in (scores, tuple(reversed(scores))):
        record = f.trd_record(scores=order)
        facts = derive_facts(record, POLICY)
        severity = next(
            r
            for r in evaluate_payer_criteria(record, facts, POLICY).results
            if r.kind is CriterionKind.SEVERITY
        )
        last_on_the_day = [s for s in order if s.instrument == "PHQ-9" and s.date == day][-1]
        assert severity.evidence[0].startswith(f"PHQ-9 {last_on_the_day.value} on 2024-05-20")
