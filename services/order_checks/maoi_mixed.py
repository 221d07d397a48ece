"""The MAOI order card's summary when the drafted drug meets drugs stopped within their washout
and drugs still running (review K34, session 32: "Phenelzine (MAOI) ordered 20 days after
fluoxetine stopped: not before 2026-12-16 (35-day washout)" said nothing of the sertraline and
trazodone running, and its date holds only once they are stopped too). The summary names each
stopped drug with its stop day and the days left until the draft may start after it, and each
running one with its dose ("also running: sertraline 100 mg/day, trazodone 50 mg/day"), as
the chart card does (services/washout_partners.py). Any other shape keeps maoi_summary.py's
words: a partner only listed, on the same order, tapered on it, whose stop is not recorded,
linezolid or IV methylene blue, or an opioid not to be stopped.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import DraftOrder, PatientRecord
from services import drug_names, washout, washout_partners
from services.card_format import plural
from services.order_checks.maoi_summary import stops_with_harm
from services.washout_state import stop_said


def _plain_stop(c: washout.Conflict) -> bool:
    """Stopped on a recorded day, before this order: its first safe day is a plain count."""
    old = c.old
    return (
        c.earliest_start is not None
        and not c.tapered
        and c.starts is None
        and old.supply_end is None
        and not old.end_not_recorded
        and not old.ended_by
    )


def _plain_running(c: washout.Conflict) -> bool:
    return c.earliest_start is None and c.old.running and not c.old.reordered


def mixed_summary(
    record: PatientRecord, draft: DraftOrder, found: Sequence[washout.Conflict]
) -> tuple[str, ...]:
    """The summary forms naming every partner, for a draft meeting at least one drug stopped
    within its washout and one still running, none of another shape; () otherwise."""
    if any(
        c.old.listed or c.old.on_order or c.urgent_use or stops_with_harm(c) for c in found
    ) or not all(_plain_stop(c) or _plain_running(c) for c in found):
        return ()
    stopped = [c for c in found if _plain_stop(c)]
    running = [c.old for c in found if _plain_running(c)]
    if not stopped or not running:
        return ()
    new = drug_names.shown_first(draft.ingredient)
    if found[0].new_row.is_maoi:
        new = f"{new} ({washout.kind_label(found[0].new_row)})"

    def left(c: washout.Conflict) -> int:
        assert c.earliest_start is not None
        return (c.earliest_start - c.first_day).days

    def head(c: washout.Conflict, compact: bool) -> str:
        assert c.old.end is not None
        name = drug_names.shown(c.old.ingredient)
        if c.old.row.is_maoi:
            name = f"{name} ({washout.kind_label(c.old.row)})"
        # What the stop rests on, as washout_state.stop_said words it (fix maoi56, as wash66
        # did for the other MAOI cards): "fluoxetine supply ran out 2026-10-31" of a fill's
        # supply end, "fluoxetine stopped 2026-10-31" only of a recorded stop.
        stop = stop_said(c.old, name, c.old.end.isoformat())
        if compact:
            return f"{stop} ({plural(left(c), 'day')} left)"
        return f"{stop}, {washout_partners.left_text(left(c))}"

    full = ", ".join(head(c, False) for c in stopped)
    compact = ", ".join(head(c, True) for c in stopped)
    # "washout left: fluoxetine 15 days, tranylcypromine 9 days"
    days = ", ".join(
        f"{drug_names.shown(c.old.ingredient)} {plural(left(c), 'day')}" for c in stopped
    )
    # The longest wait the record implies leads (review K36a finding 7): a running partner must
    # be stopped and then washed out into the draft (fluoxetine 35 days, most others 14: the
    # washout table), an interval counted from a stop not yet made, so it outlasts any stopped
    # drug's days left. "Phenelzine (MAOI) stopped 2026-11-21, 4 days of washout left; also
    # running: fluoxetine" read as "start in 4 days".
    waits = [(c.old, c.days) for c in found if _plain_running(c)]
    doses = washout_partners.stop_then_wait(record, waits)
    # A dose to confirm said in full ("fluoxetine (dose to confirm, up to 100 mg/day)": fix
    # order47) where it fits; else the clear doses beside it are kept before none is.
    clear = washout_partners.stop_then_wait(record, waits, to_confirm=False)
    bare = washout_partners.stop_then_wait(record, waits, with_dose=False)
    # The shortest forms still give each stopped drug its days left (finding 8: "fluoxetine and
    # tranylcypromine stopped within washout" dropped them) after the longest interval, each
    # running drug named, under its claim where that fits.
    longest = f"then up to {plural(max(d for _, d in waits), 'day')}"
    claims: dict[str, list[str]] = {}
    for e, _ in waits:
        claims.setdefault(e.claim.bare, []).append(drug_names.shown(e.ingredient))
    said = ", ".join(washout_partners.claimed(names, claim) for claim, names in claims.items())
    names = ", ".join(n for group in claims.values() for n in group)
    # "fluoxetine 15, tranylcypromine 9 days left"
    short = ", ".join(f"{drug_names.shown(c.old.ingredient)} {left(c)}" for c in stopped)
    short += f" {'day' if stopped[-1] and left(stopped[-1]) == 1 else 'days'} left"
    return (
        f"{new} ordered: {doses}; {full}",
        f"{new}: {doses}; {compact}",
        f"{new}: {doses}; washout left: {days}",
        f"{new}: {clear}; {compact}",
        f"{new}: {clear}; washout left: {days}",
        f"{new}: {bare}; {compact}",
        f"{new}: {bare}; washout left: {days}",
        f"{new}: stop {said}, {longest}; washout left: {days}",
        f"{new}: stop {said}, {longest}; {short}",
        f"{new}: stop {names}, {longest}; {short}",
    )
