"""Which courses belong to an episode (`in_current_episode`, partial dates read on their widest
side) and the remission a course held (`remission_on`, rule 1d of fhir_mapping/episode.py: a
running course that brought remission before the episode start is the relapse card's).

Apart from episode.py because the services read these per course once the episode start is
known (services/pathway.py, services/rules/relapse.py, recurrence.py, optimize/courses.py);
episode.py re-exports them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from fhir_mapping.record import Score, Trial

# Sort key built at C speed, not by a lambda per score (issue 14).
_DATE_VALUE = attrgetter("date", "value")


def _partial_start(trial: Trial) -> bool:
    written = trial.written_dates
    return written is not None and written.start is not None


def _widest(trial: Trial, as_of: date) -> tuple[date, date]:
    """The time a course may have run: its dates, or the widest reading of partial ones."""
    written = trial.written_dates
    if written is None:
        return trial.start, trial.end
    last = trial.end if trial.ongoing or written.latest_end is None else written.latest_end
    return min(written.earliest_start, trial.start), max(min(last, as_of), trial.end)


def in_current_episode(trial: Trial, episode_start: date | None) -> bool:
    """Whether a course belongs to the episode starting `episode_start` (None: unknown, every
    course does): it started on or after that day, or its start is a partial date and it may
    have run on or after that day (still running, or its end's last day is no earlier). Such a
    course cannot place the episode start (module docstring) and is not left out of the episode
    on a guess either: its adequacy rests on the shortest reading of its dates."""
    if episode_start is None or trial.start >= episode_start:
        return True
    if not _partial_start(trial):
        return False
    written = trial.written_dates
    assert written is not None  # _partial_start
    return trial.ongoing or (written.latest_end or trial.end) >= episode_start


def remission_on(trial: Trial, scores: Iterable[Score], *, before: date) -> tuple[Score, ...]:
    """The latest run of PHQ-9 totals below the trial's remission cut-off taken while it ran and
    before `before`, oldest first (review 11 finding 3: a course that brought remission and is
    still running when the PHQ-9 rises again); () when none was. A score at or above the cut-off
    ends a run: the run returned is the remission the course held last."""
    below = trial.remission_below
    taken = sorted(
        [
            s
            for s in scores
            if s.instrument == "PHQ-9"
            and s.value is not None
            and trial.start <= s.date < before
            and s.date <= trial.end
        ],
        key=_DATE_VALUE,
    )
    runs: list[list[Score]] = []
    current: list[Score] = []
    for score in taken:
        if score.value is not None and score.value < below:
            current.append(score)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return tuple(runs[-1]) if runs else ()
