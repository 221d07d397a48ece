"""A drug put on hold on this order while an MAOI pair partner is drafted to start after the
washout (recheck K5 s28 finding 5, chart m13: sertraline's draft set on-hold, phenelzine drafted
to start in 20 days, and only the MAOI diet card spoke).

A hold is no stop: FHIR's MedicationRequest status `on-hold` means the order is expected to
continue later (medicationrequest-status: "Actions implied by the prescription are to be
temporarily halted, but are expected to continue later"). The washout counts from today as for a
stop (washout.Conflict.state: "last dose ... at the latest; not to be resumed with ..."), and a
start dated within it keeps the MAOI check's critical card. A start dated after it meets no
washout, but the held drug may still be resumed beside the MAOI, the pair that must never meet:
a warning says so, and that stopping the held drug (not holding it) is what the switch needs. It
offers no removal: the draft starts nothing wrong, the hold is what is to change.
"""

from __future__ import annotations

from fhir_mapping.record import DraftOrder
from services import cards, drug_names, washout, washout_words
from services.order_checks.model import MAOI, OrderCheck
from services.recommendation import Indicator


def past_washout(c: washout.Conflict) -> bool:
    """A partner put on hold on this order (Exposure.held) whose washout the draft's dated
    start clears: a conflict only if the held drug is resumed."""
    start = c.earliest_start
    return c.old.held and start is not None and c.first_day >= start


def held_check(draft: DraftOrder, found: list[washout.Conflict]) -> OrderCheck:
    """The warning for a draft whose every conflict is `past_washout`."""
    new = drug_names.shown_first(draft.ingredient)
    first = found[0]
    held = drug_names.shown(first.old.ingredient)
    maoi = first.new_row if first.into_maoi else first.old.row
    label = washout_words.kind_label(maoi)
    kind = f" ({label})" if first.into_maoi else ""
    held_kind = "" if first.into_maoi else f" ({label})"
    lines = []
    for c in found:
        name = drug_names.shown(c.old.ingredient)
        last = c.old.end.isoformat() if c.old.end is not None else "today"
        lines.append(
            f"**{drug_names.shown_first(c.old.ingredient)} on hold → {drug_names.shown(c.new)}:**"
            f" {name} is put on hold on this order (last dose {last} at the latest), and "
            f"{drug_names.shown(c.new)} is drafted to start {c.first_day.isoformat()}, "
            f"{c.gap_text()} it: the {c.days}-day washout is met. A hold is not a stop: the "
            f"order is expected to continue later (FHIR medicationrequest-status on-hold), and "
            f"{name} resumed while {drug_names.shown(c.new)} is taken, or within its washout "
            f"after it, risks {c.risk}. If the switch is meant, stop {name} rather than hold "
            "it; if the hold is meant, do not resume it with "
            f"{drug_names.shown(c.new)}."
        )
    return OrderCheck(
        MAOI,
        draft,
        cards.fit_summary(
            f"{new}{kind} drafted while {held}{held_kind} is only put on hold on this order: "
            f"{held} must not be resumed with {drug_names.shown(draft.ingredient)}; stop it if "
            "the switch is meant",
            f"{new}{kind} with {held}{held_kind} on hold on this order: not to be resumed with "
            f"{drug_names.shown(draft.ingredient)}; stop it if switching",
            f"{new}{kind}: {held} on hold, not to be resumed with it",
        ),
        "\n\n".join(lines),
        indicator=Indicator.WARNING,
        removable=False,
    )
