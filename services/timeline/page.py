"""The HTML page around the picture, with a Content-Security-Policy that loads nothing.

The page holds the picture in both layouts (layout.py) and shows one by the window's width: the
wide one where it scales to legible text (a window of at least 1260 px: its smallest labels,
11 px, stay at 10 px or more), the narrow one below that, as in an EHR's pop-up, drawn for a
600 px window at about 1:1 and never enlarged past 1.4 times. Nothing reflows inside an SVG, so
the narrow layout is its own drawing: text above the bars, the plot across the window.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime
from xml.sax.saxutils import escape

from fhir_mapping.draft_medication import is_unidentified_draft
from fhir_mapping.fill_order_drug import from_order
from fhir_mapping.gap_counts import counted
from fhir_mapping.gaps import ANOTHER_PATIENT, is_record_status, status_line
from fhir_mapping.record import DataDomain, DataGap, PatientRecord
from services.pending_fills import pending_fills
from services.policy import Policy
from services.site_ceiling import DEFAULT_POLICY
from services.timeline.layout import NARROW
from services.timeline.picture import DEFAULT_TITLE, render_svg
from services.timeline.to_confirm import not_drawn
from services.timeline.wording import day_text

_PAGE_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #FFFFFF; color: #1A1A1A;
  font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
    'Liberation Sans', 'DejaVu Sans', sans-serif; }
main { padding: 14px 20px 20px; max-width: 1360px; }
h1 { font-size: 20px; margin: 0 0 4px; }
p.lede { font-size: 14px; margin: 0 0 10px; color: #444444; max-width: 100ch; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; max-width: 1360px; display: block; }
figure .layout-narrow { display: none; }
figure .layout-narrow svg { max-width: 780px; }
figcaption { font-size: 13px; color: #444444; margin-top: 8px; }
@media (max-width: 1259px) {
  figure .layout-wide { display: none; }
  figure .layout-narrow { display: block; }
}
@media (max-width: 720px) {
  main { padding: 10px 12px 16px; }
  h1 { font-size: 19px; }
}
"""


def _style_hash(css: str) -> str:
    digest = hashlib.sha256(css.encode("utf-8")).digest()
    return "sha256-" + base64.b64encode(digest).decode("ascii")


def render_page(
    record: PatientRecord,
    *,
    expires_at: datetime | None = None,
    policy: Policy = DEFAULT_POLICY,
) -> str:
    """A complete HTML document showing the timeline; nothing in it loads from anywhere.
    `policy`: the site's, as `render_svg` takes it (the ranges' tops the cards state).

    The Content-Security-Policy admits only the page's own stylesheet (by hash): no scripts, no
    fetches, no forms. frame-ancestors cannot be set from a meta tag; the route's headers do that.
    """
    caption = f"Generated from the record as of {day_text(record.as_of)}"
    if expires_at is not None:
        caption += f"; this link expires {_timestamp(expires_at)}"
    caption += ". Reconstructed from coded EHR data: check against the chart before acting."
    csp = (
        f"default-src 'none'; style-src '{_style_hash(_PAGE_CSS)}'; img-src 'none'; "
        "base-uri 'none'; form-action 'none'"
    )
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="referrer" content="no-referrer">',
            '<meta name="robots" content="noindex, nofollow">',
            f"<title>{escape(DEFAULT_TITLE)}</title>",
            f"<style>{_PAGE_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
            "<h1>Treatment timeline</h1>",
            '<p class="lede">Antidepressant trials with each dose against the drug\'s adequate '
            "range, refill gaps, PHQ-9 scores and procedures.</p>",
            *_unread_line(record),
            *_pending_line(record),
            *_status_line(record),
            "<figure>",
            f'<div class="layout-wide">{render_svg(record, policy=policy)}</div>',
            f'<div class="layout-narrow">{render_svg(record, layout=NARROW, policy=policy)}</div>',
            f"<figcaption>{escape(caption)}</figcaption>",
            "</figure>",
            "</main>",
            "</body>",
            "</html>",
            "",
        ]
    )


def _unread(record: PatientRecord) -> list[DataGap]:
    """This patient's medication records that could not be read: each could be a trial the
    picture does not draw (review 18b M5; the cards list them under "Data not read"). A draft
    whose drug was not identified is the order's matter, not the history's, another patient's
    record left out is none of this patient's, and the Patient record's own status
    (merged, inactive) is no medication record at all (`_status_line` says it; fix 19a): none of
    them is counted."""
    pending = pending_fills(record)  # drawn as its order's next fill (`_pending_line`)
    return [
        g
        for g in record.gaps
        if g not in pending
        and g.domain is DataDomain.MEDICATIONS
        and g.source is not None
        and g.reason != ANOTHER_PATIENT
        and not is_record_status(g)
        and not is_unidentified_draft(g)
        and not from_order(g)  # read, with its order's drug (fill_order_drug.py)
    ]


def unread_medications(record: PatientRecord) -> int:
    """How many of this patient's medication records could not be read (`_unread`)."""
    return len({g.source for g in _unread(record)})


def _unread_line(record: PatientRecord) -> list[str]:
    """ "1 medication record could not be read: see the card." under the lede, or nothing; an
    order and its fills counted as one medication, as the cards count them (gap_counts.py)."""
    unread = _unread(record)
    if not unread:
        return []
    lines = [f'<p class="lede">{escape(counted(unread))} could not be read: see the card.</p>']
    # A drug such a record says is (or may be) taken has no bar: named, as the card names it
    # (review s20 R4 item 1).
    lines += [f'<p class="lede">To confirm: {escape(line)}.</p>' for line in not_drawn(record)]
    return lines


def _pending_line(record: PatientRecord) -> list[str]:
    """ "Dated after today, not drawn: 1 fill of an order on record (dated 2026-12-07)." under
    the lede, or nothing (services/pending_fills.py: no card lists such a fill)."""
    pending = sorted(pending_fills(record), key=lambda g: (g.stated, str(g.source)))
    if not pending:
        return []
    fills = "1 fill" if len(pending) == 1 else f"{len(pending)} fills"
    dates = ", ".join(dict.fromkeys(g.stated for g in pending if g.stated))
    said = f"Dated after today, not drawn: {fills} of an order on record" + (
        f" ({dates})" if dates else ""
    )
    return [f'<p class="lede">{escape(said)}.</p>']


def _status_line(record: PatientRecord) -> list[str]:
    """ "This Patient record is marked inactive (active: false): the history may be incomplete
    or held under another record; see the card." under the lede, as the cards say it, or
    nothing: the picture may then miss trials charted on the record in use."""
    said = status_line(record.gaps)
    if said is None:
        return []
    return [f'<p class="lede">{escape(said)}; see the card.</p>']


def _timestamp(moment: datetime) -> str:
    text = f"{day_text(moment.date())} {moment:%H:%M}"
    offset = moment.utcoffset()
    if offset is None:
        return text
    return text + (" UTC" if not offset else f" (UTC{moment:%z})")
