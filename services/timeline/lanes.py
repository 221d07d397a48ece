"""One lane per trial: dose segments against the adequate range, refill gaps, margin text."""

from __future__ import annotations

from datetime import date

from fhir_mapping.record import DoseBasis, DoseSegment, RefillGap, Role, Trial
from services import trial_dates
from services.card_format import plural
from services.dose_units import per_day
from services.policy import Policy
from services.scored_weeks import weeks_scored
from services.site_ceiling import site_ceiling
from services.timeline.cut_mark import cut_line, cut_tick
from services.timeline.dose_labels import bar_label, dose_labels, visible_centre
from services.timeline.layout import LINE, MARGIN, Layout
from services.timeline.listed import covered_gaps, lane_name, listed_box, verdict_line
from services.timeline.scale import TimeScale
from services.timeline.style import (
    CATEGORY_TEXT,
    TAPER_TEXT,
    DoseCategory,
    TimelineStyle,
    category_fill,
    dose_category,
)
from services.timeline.svg import (
    INK,
    MUTED,
    Attr,
    el,
    num,
    svg_text,
    text_width,
    tooltip,
    wrap,
)
from services.timeline.wording import (
    adherence_text,
    day_text,
    display_name,
    end_not_recorded_text,
    mg_text,
    not_tolerated_lines,
    outcome_text,
    range_text,
    reasons_text,
    segment_dose_text,
    verdict_text,
    written_dates_text,
)
from services.trial_adherence_text import supply_lapses
from services.trial_dose_text import (
    fills_below_order,
    per_administration,
    to_confirm_mg,
    to_confirm_text,
    weeks_not_applicable,
)
from services.trial_table import fixed_course_text


def _lane_lines(
    trial: Trial, layout: Layout, policy: Policy, raised: str | None
) -> list[tuple[str, int, int, str]]:
    """The text of a lane (in the gutter, or above the bars): (text, font size, weight, colour)
    per line."""
    width = layout.text_width
    name = lane_name(trial)  # "(listed)" for a course only a listing keeps (s23 RP finding 2)
    lines = [(t, 14, 700, INK) for t in wrap(name, 14, width)]
    kind = "augmentation" if trial.role is Role.AUGMENTATION else trial.drug_class
    lines += [
        (t, 12, 400, MUTED)
        for t in wrap(f"{kind} · adequate {range_text(trial, policy)}", 12, width)
    ]
    verdict = verdict_text(trial)
    # A fixed course (zuranolone) or a drug dosed per session (esketamine: review s20 item 3) has
    # no weeks at a mg/day dose to reach.
    if fixed_course_text(trial) is None and weeks_not_applicable(trial) is None:
        # Cut by a TMS/ECT course: the weeks scored first, as the packet says (s25 RT finding
        # 9); the day of the cut has its own line (cut_mark.cut_line).
        weeks, scored = num(trial.weeks_at_adequate_dose), weeks_scored(trial)
        verdict += (
            f" · {weeks} wk at adequate dose"
            if scored is None
            else f" · {num(scored)} wk at adequate dose scored ({weeks} in all)"
        )
        if trial.written_dates is not None:  # the shortest reading of partial dates
            verdict = verdict.replace(" · ", " · at least ", 1)
        elif trial.end_not_recorded and not trial.ongoing:  # counted to the day it was recorded
            verdict = verdict.replace(" · ", " · at most ", 1)
        if trial.alone_from is not None:  # counted from the day it went on alone (role 49)
            verdict += f" (alone since {day_text(trial.alone_from)})"
    lines += [(t, 12, 700, INK) for t in wrap(verdict_line(trial, verdict), 12, width)]
    if trial.patient_reported:
        # Only the patient's statements: the cards say "self-reported" where they count the
        # trial; so does its row, under the verdict it qualifies (review 18b M4).
        lines += [(t, 12, 700, INK) for t in wrap("Self-reported: no order or fill", 12, width)]
    elif trial.statement_only:  # a clinician's or unsourced statement (review s27 RA 2)
        lines += [
            (t, 12, 700, INK) for t in wrap("Medication list only: no order or fill", 12, width)
        ]
    written = written_dates_text(trial)
    if written is not None:
        lines += [(t, 12, 400, INK) for t in wrap(written, 12, width)]
    stopped = end_not_recorded_text(trial)
    if stopped is not None:  # the stop's day only, not a recorded last dose (W2 item 1)
        lines += [(t, 12, 400, INK) for t in wrap(stopped, 12, width)]
    if trial.reasons:
        lines += [(t, 12, 400, INK) for t in wrap(f"Why: {reasons_text(trial)}", 12, width)]
    for said in not_tolerated_lines(trial):  # in bold: a reaction, not a verdict (R4 item 6)
        lines += [(t, 12, 700, INK) for t in wrap(said, 12, width, max_lines=4)]
    lines += [(t, 12, 400, INK) for t in wrap(adherence_text(trial), 12, width)]
    outcome = outcome_text(trial, raised)
    if outcome and raised:  # the raise and its reassessment day, whole (R4 item 9)
        lines += [(t, 12, 400, INK) for t in wrap(outcome, 12, width, max_lines=4)]
    elif outcome:
        lines.append((outcome, 12, 400, INK))
    cut = cut_line(trial)  # a TMS/ECT course ended its scoring window (s25 RT finding 7)
    if cut is not None:
        lines += [(t, 12, 400, INK) for t in wrap(cut, 12, width)]
    return lines


def trial_lane(
    trial: Trial,
    index: int,
    scale: TimeScale,
    top: float,
    style: TimelineStyle,
    layout: Layout,
    policy: Policy,
    raised: str | None = None,
) -> tuple[str, str, float]:
    """(the lane's stripe, painted under the grid; the lane; its height). `policy`: the site's,
    whose market sets the top of the range drawn (site_ceiling), as on the cards. `raised`: a
    raise not judged yet (timeline/raise_wait.py), said in place of a non-response."""
    lines = _lane_lines(trial, layout, policy, raised)
    if layout.labels_above:  # the text, then the bar strip under it
        height = 8 + LINE * len(lines) + layout.bar_area
    else:  # the text in the gutter, beside the bars
        height = max(layout.bar_area, 12 + LINE * len(lines) + 12)
    fill = "#F3F3F3" if index % 2 == 0 else "#FFFFFF"
    stripe = el("rect", x=0, y=top, width=layout.width, height=height, fill=fill)
    # Narrow: the text stands over the month grid; an outline in the stripe's colour keeps the
    # grid lines from crossing it.
    halo: dict[str, Attr] = (
        {"stroke": fill, "stroke_width": 4, "paint_order": "stroke"} if layout.labels_above else {}
    )
    out: list[str] = []
    line_y = top + 20
    for content, size, weight, colour in lines:
        out.append(
            svg_text(
                MARGIN, line_y, content, font_size=size, font_weight=weight, fill=colour, **halo
            )
        )
        line_y += LINE

    # Bars stand on a baseline near the lane's bottom; the strip under it holds gap labels.
    baseline = top + height - 20
    room = (layout.bar_area if layout.labels_above else height) - 36
    doses = [v for s in trial.segments if (v := drawn_mg(trial, s.mg_per_day)) is not None]
    ceiling = site_ceiling(policy, trial)
    scale_to = max([v for v in (*doses, trial.min_adequate_mg, ceiling) if v] or [1.0]) * 1.1

    def bar_height(mg: float | None) -> float:
        if mg is None:
            return room * 0.5  # unknown dose: half height and dotted, never read as a dose
        return max(4.0, room * mg / scale_to)

    end = trial_dates.drawn_end(trial)  # a held course ends at its hold (s27 RA finding 6)
    x_start, x_end = scale.x(trial.start), scale.x(end)
    width = max(x_end - x_start, 3)
    # The adequate range as a band behind the bars, up to the top of the range at this site (the
    # formulation's ceiling, or the market's label below it): a bar that reaches it is in range,
    # one above its top is drawn above maximum.
    lo, hi = trial.min_adequate_mg, ceiling
    if lo is not None:
        y_lo = baseline - bar_height(lo)
        y_hi = baseline - (bar_height(hi) if hi is not None else room)
        out.append(
            el(
                "rect",
                cls="adequate-range",
                x=x_start,
                y=y_hi,
                width=width,
                height=y_lo - y_hi,
                fill=style.adequate,
                fill_opacity=0.15,
            )
        )
        out.append(
            el(
                "line",
                x1=x_start,
                x2=x_start + width,
                y1=y_lo,
                y2=y_lo,
                stroke=style.adequate,
                stroke_width=1.3,
                stroke_dasharray="5 3",
            )
        )
    out.append(
        el("line", x1=x_start, x2=x_start + width, y1=baseline, y2=baseline, stroke="#888888")
    )

    # A trial without any dose still shows when it ran (dose unknown), never as adequate.
    spans: list[tuple[date, date, float | None, DoseSegment | None]] = [
        (s.start, s.end, s.mg_per_day, s) for s in trial.segments
    ] or [(trial.start, end, None, None)]
    if trial_dates.never_filled(trial):
        spans = []  # an order never filled: no dose bar, its listed box only (s23 RP finding 3)
    out.append(listed_box(trial, scale, baseline, room))
    boxes = covered_gaps(trial, gap_boxes(trial))
    gaps = [(scale.x(g.start), scale.x(g.end)) for g, _, _ in boxes]
    labels: list[tuple[str, float, float]] = []
    for start, end, mg, segment in spans:
        svg, (label, x0, x1, label_y) = _segment(
            trial,
            start,
            end,
            mg,
            scale,
            baseline,
            bar_height(drawn_mg(trial, mg)),
            style,
            layout.id_prefix,
            segment,
            policy=policy,
        )
        out.append(svg)
        labels.append((label, visible_centre(x0, x1, gaps), label_y))
    last_gap_label = -1e9
    for gap, long_label, what in boxes:
        gx0, gx1 = scale.x(gap.start), scale.x(gap.end)
        # The long label when it fits the box, else a short one; none when it would run into
        # the previous gap's label (the box's tooltip still says it).
        label = f"{long_label} {gap.days} d"
        if text_width(label, 11) > gx1 - gx0 + 30:
            label = f"gap {gap.days} d"
        half = text_width(label, 11) / 2
        centre = (gx0 + gx1) / 2
        if centre - half < last_gap_label + 4:
            label = ""
        else:
            last_gap_label = centre + half
        out.append(
            el(
                "g",
                tooltip(
                    f"{what}: no supply from {day_text(gap.start)} to {day_text(gap.end)} "
                    f"({plural(gap.days, 'day')})"
                ),
                el(
                    "rect",
                    x=gx0,
                    y=baseline - room - 2,
                    width=max(gx1 - gx0, 3),
                    height=room + 2,
                    fill="#FFFFFF",
                    fill_opacity=0.9,
                    stroke=INK,
                    stroke_width=1.3,
                    stroke_dasharray="4 3",
                ),
                svg_text(
                    centre,
                    baseline + 14,
                    label,
                    font_size=11,
                    font_weight=700,
                    text_anchor="middle",
                    fill=INK,
                )
                if label
                else "",
                cls="refill-gap",
                data_start=gap.start.isoformat(),
                data_days=gap.days,
            )
        )
    out.append(cut_tick(trial, scale, baseline, room))
    # Labels last: over the bars and the refill-gap boxes.
    out.extend(dose_labels(labels, x_start, scale.x1))
    lane = el(
        "g",
        *out,
        cls="lane",
        data_ingredient=trial.ingredient,
        data_role=trial.role.value,
        data_verdict=trial.verdict.value,
    )
    return stripe, lane, height


def gap_boxes(trial: Trial) -> list[tuple[RefillGap, str, str]]:
    """The stretches with no time on the drug as boxes, by start (gap, label, tooltip head): refill
    and supply gaps (supply_lapses: a 33-day gap drew nothing, review s20 R4 item 4), documented
    holds, and stretches the ward held the drug (ward_adherence.py, review s28 K9 finding 1)."""
    adherence = trial.adherence
    boxes = [(g, "refill gap", "Refill gap") for g in adherence.refill_gaps]
    boxes += [(g, "no supply", "Supply gap") for g in supply_lapses(adherence)]
    boxes += [(g, "held", "Held, not counted") for g in adherence.held_gaps]
    boxes += [(g, "held", "Held on the ward, not counted") for g in adherence.ward_held]
    return sorted(boxes, key=lambda b: b[0].start)


def drawn_mg(trial: Trial, mg: float | None) -> float | None:
    """The dose a bar stands for: a drug dosed per session or injection at its dose per
    administration (56 mg esketamine), never at its segments' time-averaged mg/day (16 mg/day,
    for supply arithmetic only), as the tooltip and every other surface say it (review s20 R4
    item 2); a daily dose as read."""
    if trial.dose_basis is DoseBasis.DAILY:
        return mg
    return trial.mg_per_administration


def _segment(
    trial: Trial,
    start: date,
    end: date,
    mg: float | None,
    scale: TimeScale,
    baseline: float,
    height: float,
    style: TimelineStyle,
    id_prefix: str,
    segment: DoseSegment | None = None,
    *,
    policy: Policy,
) -> tuple[str, tuple[str, float, float, float]]:
    """(the bar, (its label, the bar's left and right x, the label's baseline y))."""
    as_needed = segment is not None and segment.as_needed
    # A dose taken only as needed is no daily dose: never drawn as in the adequate range.
    category = DoseCategory.UNKNOWN if as_needed else dose_category(mg, trial, policy)
    x0, x1 = scale.x(start), scale.x(end)
    # Esketamine per session: never the segments' time-averaged mg/day (review s19 M2).
    per_dose = per_administration(trial.dose_basis, trial.mg_per_administration)
    dose = per_dose or (segment_dose_text(segment, trial.ingredient) if segment else "dose unknown")
    # The latest dose its lines leave to confirm, as the cards say it (s25 RT finding 6).
    top = None if per_dose or segment is None else to_confirm_mg(trial, segment)
    beside = fills_below_order(trial, per_day(trial.ingredient)) if not per_dose else None
    if top is not None:
        dose += f", {to_confirm_text(top, per_day(trial.ingredient))}"
    elif beside is not None and segment is not None and segment == trial.segments[-1]:
        dose += f" ({beside})"  # the fills' dose, the order's higher one beside (RK4 16)
    what = "taken only as needed, not a daily dose" if as_needed else CATEGORY_TEXT[category]
    if trial.tapered_throughout(start, end):
        what = TAPER_TEXT  # a step off the drug, never "adequate dose" (s25 FW item 3)
    # Dates to the year or month only: the bar's days are a reading, not the record's.
    written = trial_dates.written_text(trial)
    when = written if written is not None else f"{day_text(start)} to {day_text(end)}"
    if trial.taken_before is not None:  # drawn at the day it was entered, taken before it
        when = f"taken before {day_text(trial.taken_before)}, dates not recorded"
    tip = f"{display_name(trial.ingredient)} {dose}, {when}: {what} (adequate {range_text(trial, policy)})"
    rect = el(
        "rect",
        x=x0,
        y=baseline - height,
        width=max(x1 - x0, 3),
        height=height,
        fill=category_fill(category, style, id_prefix),
        stroke=INK,
        stroke_width=0.8,
        stroke_dasharray="3 2" if category is DoseCategory.UNKNOWN else None,
    )
    svg = el(
        "g",
        tooltip(tip),
        rect,
        cls=f"dose-segment {category.value}",
        data_mg=mg_text(shown) if (shown := drawn_mg(trial, mg)) is not None else "",
        data_category=category.value,
        data_start=start.isoformat(),
        data_end=end.isoformat(),
    )
    if per_dose:  # "56 mg per session", as the tooltip says it
        label = per_dose if trial.mg_per_administration is not None else "dose ?"
    else:
        label = bar_label(segment, mg, top, trial.ingredient)
    return svg, (label, x0, x1, baseline - height - 5)
