"""Where a TMS or ECT course ended a drug's scoring window, on the drug's lane (s25 RT finding 7).

The packet and the cards say the drug's later PHQ-9 was the course's outcome, not the drug's
(Trial.outcome_note); the lane said only "PHQ-9 18 → 16: no response" while the PHQ-9 line fell
to 8 under the drug's bar. The lane now says up to which day the drug was scored, and a dashed
tick on its bars marks that day (Trial.device_cut_on, set by fhir_mapping/score_windows.py from
device_course_scores.device_cut_off: the one rule the verdict is read by), when the verdict
rests on the scores up to it (services/scored_weeks.scored_to).
"""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.scored_weeks import course_words, scored_to
from services.timeline.scale import TimeScale
from services.timeline.svg import INK, el, tooltip
from services.timeline.wording import day_text


def cut_line(trial: Trial) -> str | None:
    """ "Scored to 25 Aug 2025: a TMS course from then" for the lane's text; None when no course
    cut the drug's window."""
    cut = scored_to(trial)
    if cut is None:
        return None
    return f"Scored to {day_text(cut)}: {course_words(trial)} from then"


def cut_tick(trial: Trial, scale: TimeScale, baseline: float, room: float) -> str:
    """A dashed tick over the lane's bars at the cut, with its words as hover text; "" when the
    verdict does not rest on a cut window (scored_weeks.scored_to) or the day is off the bars."""
    cut, said = scored_to(trial), cut_line(trial)
    if cut is None or said is None or not trial.start <= cut <= trial.end:
        return ""
    x = scale.x(cut)
    return el(
        "g",
        tooltip(f"{said}: later scores are the course's outcome, not {trial.ingredient}'s"),
        el(
            "line",
            x1=x,
            x2=x,
            y1=baseline - room - 4,
            y2=baseline + 4,
            stroke=INK,
            stroke_width=1.5,
            stroke_dasharray="2 2",
        ),
        cls="scoring-cut",
        data_date=cut.isoformat(),
    )
