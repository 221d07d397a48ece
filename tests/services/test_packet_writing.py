"""The packet's fast writing (issue 14) says exactly what the plain way says: escaping as
html.escape, the attached copy's base64 and id as encoding and hashing the whole page, and a
payer evaluation passed in (the TMS rule's own) the same as one computed here.

Byte-identity over every fixture is checked by the golden outputs of the speed work; these tests
pin the pieces a later change could break without a fixture noticing.
"""

from __future__ import annotations

import base64
import hashlib
import html
import uuid
from datetime import date

import pytest

from services.packet import packet_document, render_packet
from services.packet.html import esc, table
from services.packet.page import HEAD
from services.pathway import derive_facts
from services.payer_criteria import evaluate_payer_criteria
from services.policy import Policy
from tests.browser.packet_example import packet_record

POLICY = Policy()


@pytest.mark.parametrize(
    "text",
    ["", "plain", "&", "<>", "\"'", "&amp;", "x<&>\"y'z", "a & b < c > d", "–·→ & é", "&&<<"],
)
def test_esc_is_html_escape(text: str) -> None:
    assert esc(text) == html.escape(text, quote=True)


def test_esc_writes_what_is_not_text_as_str() -> None:
    assert esc(12) == "12"
    assert esc(None) == "None"


def test_table_cells_are_escaped_and_classed_as_the_element_builder_would() -> None:
    out = table(
        ("A", "B&C"),
        [("x<y", ("it's", "ref")), ("–", ("z", "a b"))],
        caption="Cap <1>",
        cls="t",
        stack=True,
    )
    assert out == (
        '<table class="stack t"><caption>Cap &lt;1&gt;</caption>'
        '<thead><tr><th scope="col">A</th><th scope="col">B&amp;C</th></tr></thead><tbody>'
        '<tr><td data-label="A">x&lt;y</td><td data-label="B&amp;C" class="ref">it&#x27;s</td></tr>'
        '<tr><td data-label="A">–</td><td data-label="B&amp;C" class="a b">z</td></tr>'
        "</tbody></table>"
    )


def test_a_table_row_of_the_wrong_width_is_refused() -> None:
    with pytest.raises(ValueError, match="2 columns"):
        table(("A", "B"), [("only one",)], caption="c", cls="t")


def test_the_attached_copy_is_the_whole_page_encoded_and_hashed() -> None:
    page = render_packet(packet_record(), POLICY)
    assert page.startswith(HEAD)  # the prefix whose base64 is computed once
    document = packet_document(patient_id="p1", html=page, created=date(2025, 6, 2))
    data = document["content"][0]["attachment"]["data"]
    assert data == base64.b64encode(page.encode("utf-8")).decode("ascii")
    digest = hashlib.sha256(f"p1\n{page}".encode()).hexdigest()
    namespace = uuid.uuid5(uuid.NAMESPACE_URL, "urn:trd-cds:tms-referral-summary")
    assert document["id"] == str(uuid.uuid5(namespace, digest))


def test_a_passed_payer_evaluation_renders_as_one_computed_here() -> None:
    record = packet_record()
    facts = derive_facts(record, POLICY)
    evaluation = evaluate_payer_criteria(record, facts, POLICY)
    assert render_packet(record, POLICY, facts=facts, payer=evaluation) == render_packet(
        record, POLICY, facts=facts
    )
