"""The whole picture: sections stacked on one time axis in one standalone SVG document."""

from __future__ import annotations

from xml.sax.saxutils import escape

from fhir_mapping.record import PatientRecord
from services.policy import Policy
from services.site_ceiling import DEFAULT_POLICY
from services.timeline.contents import event_dates, ordered_trials
from services.timeline.lanes import trial_lane
from services.timeline.layout import (
    AXIS_HEIGHT,
    MARGIN,
    PHQ9_HEIGHT,
    SECTION_GAP,
    WIDE,
    Layout,
    section_heading,
)
from services.timeline.legend import legend_block
from services.timeline.phq9 import phq9_panel
from services.timeline.procedures import procedure_rows
from services.timeline.raise_wait import raise_not_judged
from services.timeline.scale import as_of_label, month_grid, time_axis, time_scale
from services.timeline.style import pattern_defs, timeline_style
from services.timeline.summary import describe
from services.timeline.svg import MUTED, svg_document, svg_text, wrap
from services.timeline.wording import day_text

DEFAULT_TITLE = "Antidepressant treatment timeline"


def render_svg(
    record: PatientRecord,
    *,
    title: str = DEFAULT_TITLE,
    layout: Layout = WIDE,
    policy: Policy = DEFAULT_POLICY,
) -> str:
    """The record's treatment timeline as a standalone SVG document (well-formed XML), in the
    wide layout unless told otherwise (layout.py). `policy`: the site's (the server's and the
    CLI's configured one), whose market sets each range's top as the cards state it
    (site_ceiling.py: mirtazapine 30-45 mg/day at a US site); the documented defaults without."""
    style = timeline_style()
    head = (
        f'<title id="{layout.id("timeline-title")}">{escape(title)}</title>'
        f'<desc id="{layout.id("timeline-desc")}">{escape(describe(record))}</desc>'
    )
    dates = event_dates(record)
    if not dates:
        message = (
            "Nothing to draw: no antidepressant trials, PHQ-9 scores or procedures on record "
            f"as of {day_text(record.as_of)}."
        )
        lines = wrap(message, 15, layout.width - 2 * MARGIN, max_lines=4)
        empty = [
            svg_text(
                layout.width / 2,
                66 + 20 * i,
                line,
                font_size=15,
                text_anchor="middle",
                fill=MUTED,
                cls="empty",
            )
            for i, line in enumerate(lines)
        ]
        return svg_document(
            layout.width, 100 + 20 * len(lines), head, *empty, **_document_attrs(layout)
        )

    scale = time_scale(dates, record.as_of, layout)
    backgrounds: list[str] = []
    body: list[str] = []
    y = float(MARGIN + 12)
    panels_top = y + 14
    bands, phq9, key_height = phq9_panel(record, scale, y, style, layout)
    backgrounds.append(bands)
    body.append(phq9)
    y += 14 + PHQ9_HEIGHT + key_height + SECTION_GAP
    body.append(section_heading(y, "Medication trials"))
    y += 8
    trials = ordered_trials(record)
    for i, trial in enumerate(trials):
        raised = raise_not_judged(record, trial, policy)
        stripe, lane, height = trial_lane(trial, i, scale, y, style, layout, policy, raised)
        backgrounds.append(stripe)
        body.append(lane)
        y += height
    if not trials:
        body.append(
            svg_text(
                (scale.x0 + scale.x1) / 2,
                y + 30,
                "No antidepressant trials on record",
                font_size=14,
                text_anchor="middle",
                fill=MUTED,
            )
        )
        y += 50
    procedures, height = procedure_rows(record, scale, y + 22, style, layout, policy)
    if procedures:
        body.append(procedures)
        y += 22 + height
    panels_bottom = y + 6
    body.append(time_axis(scale, panels_bottom, record.as_of))
    body.append(as_of_label(scale, panels_top - 14, record.as_of, layout))
    legend, legend_height = legend_block(panels_bottom + AXIS_HEIGHT, style, layout)
    body.append(legend)
    height = panels_bottom + AXIS_HEIGHT + legend_height + MARGIN
    # Paint order: band and stripe backgrounds, then the month grid, then the data on top.
    grid = month_grid(scale, panels_top, panels_bottom, record.as_of)
    return svg_document(
        layout.width,
        height,
        head,
        pattern_defs(style, layout.id_prefix),
        *backgrounds,
        grid,
        *body,
        **_document_attrs(layout),
    )


def _document_attrs(layout: Layout) -> dict[str, str]:
    return {"id_prefix": layout.id_prefix, "layout": layout.name}
