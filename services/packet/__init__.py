"""The TMS referral packet: a referral / prior-authorisation summary of the patient's pathway,
generated from the record, as one self-contained printable HTML document.

Pure rendering, no I/O: `render_packet(record, policy)` returns the HTML. It is served at
/packet/{token} (the TMS card's "TMS referral summary" link, the timeline's short-lived token),
attached to the TMS referral as a FHIR DocumentReference (`attach_packet`, `packet_document`),
and written offline by `trd-cds evaluate FILE --packet out.html`.

What it holds, top to bottom: the patient line and a summary box; the diagnosis with code and
date (and bipolar / psychotic features, which rule TMS out); the severity history (every scale
result with date, band, PHQ-9 item 9 and source); every medication trial (drug, class, doses,
dates, weeks at an adequate dose, adherence, PHQ-9 before and after, outcome or intolerance,
whether the TMS criteria counted it); psychotherapy (type, dates, sessions); earlier TMS and ECT;
the TMS contraindication screen; the chosen payer's criteria, met / not met / not on record / not
available; and what could not be read. Nothing is fetched: no scripts, fonts, images or external stylesheets,
system fonts only, and every text from the chart is escaped.

It must read in a 600 px pop-up (tables stack into blocks, nothing shrinks) and print on A4 or
Letter with no table row cut across a page and the table header on every page (style.py).

Modules, one idea each: `html` (elements, escaping, tables), `wording`, `style` (CSS, CSP),
`diagnosis`, `severity`, `trials`, `therapy` (psychotherapy, earlier TMS / ECT), `safety`,
`payer` (the payer criteria section, from services/payer_criteria/'s evaluation), `unread`
(data not read), `summary` (the box at the top), `page` (render_packet), `codes`
(data/packet_codes.csv), `document` (the DocumentReference), `attach` (the referral suggestion
with the packet).
"""

from __future__ import annotations

from services.packet.attach import ATTACH_DESCRIPTION, Attach, attach_packet, attaches
from services.packet.document import packet_document, packet_id, supporting_reference
from services.packet.page import TITLE, render_packet
from services.packet.payer import payer_evaluation, payer_section

__all__ = [
    "ATTACH_DESCRIPTION",
    "Attach",
    "TITLE",
    "attach_packet",
    "attaches",
    "packet_document",
    "packet_id",
    "payer_evaluation",
    "payer_section",
    "render_packet",
    "supporting_reference",
]
