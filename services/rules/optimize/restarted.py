"""The optimise card's line on a failed trial counted on its verdict before a supply gap whose
restart after the gap responded (fhir_mapping/verdict_before_gap.py, session 21 G and G2).

The failure before the gap still counts (trial count, Maudsley staging, TMS criteria). While the
restart responds now (verdict_before_gap.responding_now) the card is the responding course's
(optimize/dose.toward_remission: optimise toward remission, no switch or adjunct) and the line
says the earlier failure still counts, so the count beside "responding" is not read as an
error. When the response is not current (the supply ran out again since) the card holds its
next step and the line says the restart had responded, to weigh before switching or adding.
"""

from __future__ import annotations

from collections.abc import Sequence

from fhir_mapping.record import Trial
from fhir_mapping.verdict_before_gap import responding_now


def line(failed: Sequence[Trial]) -> str:
    """A failed trial counted on its verdict before a supply gap whose restart after the gap
    responded (fhir_mapping/verdict_before_gap.py: the failure stands, the count does not
    fall). While the restart responds now (verdict_before_gap.responding_now, session 21 G2)
    the card is the responding course's (optimise toward remission, no switch or adjunct) and
    this line says the earlier failure still counts; when the response is not current (the
    supply ran out again since) it is said beside the held next step. "" when there is none."""
    counts, held = [], []
    for t in failed:
        gap = t.before_gap
        if gap is None or gap.after is None:
            continue
        after = gap.after
        if responding_now(t) is not None:
            score = t.on_treatment
            assert score is not None  # a failure before the gap is read on a score
            counts.append(
                f"{t.ingredient} failed as an adequate trial before its supply gap from "
                f"{gap.until.isoformat()} ({score.instrument} {score.value} on "
                f"{score.date.isoformat()}) and still counts as a failed trial (trial count, "
                f"Maudsley staging, TMS criteria); this card follows its response since "
                f"restarting on {gap.resumed.isoformat()}"
            )
            continue
        held.append(
            f"{t.ingredient} failed before its supply gap from {gap.until.isoformat()} and "
            f"responded after restarting on {gap.resumed.isoformat()} ({after.instrument} "
            f"{after.value} on {after.date.isoformat()})"
        )
    lines = []
    if counts:
        lines.append("**Earlier failed trial still counts:** " + "; ".join(counts) + ".")
    if held:
        lines.append(
            "**Responded after restarting:** "
            + "; ".join(held)
            + ": the failure still counts; weigh the response before switching or adding to it."
        )
    return "\n\n".join(lines)
