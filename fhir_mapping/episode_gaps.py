"""The treatment-free gaps between an episode's antidepressant courses (rule 1b of
fhir_mapping/episode.py): which courses count as treatment, the time they cover on the widest
reading of their dates, and the gaps between them.

Apart from episode.py because the services read the same gaps once the episode is placed: a
gap of `episode_gap_months` with no PHQ-9 in it is no break (nothing shows remission), so the
episode runs across it, and the staging names it for the clinician to judge
(services/episode_gap_note.py). One reading of the gaps serves both.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from operator import attrgetter

from fhir_mapping.episode_courses import _widest
from fhir_mapping.record import Role, Trial, Verdict

# Enum members compared per trial, as module constants: on Python 3.11 reading a member off its
# Enum class costs about ten times reading a global (issue 14).
_ANTIDEPRESSANT = Role.ANTIDEPRESSANT
_NOT_A_TRIAL = Verdict.NOT_A_TRIAL
_START_END = attrgetter("start", "end")


def treated_courses(trials: Iterable[Trial]) -> list[Trial]:
    """The courses that cover time as antidepressant treatment, by (start, end). Trials judged
    NOT_A_TRIAL (low-dose trazodone for sleep) and augmentation agents are not antidepressant
    treatment of the episode; a past course of unknown dates (Trial.taken_before) states no day
    of treatment."""
    return sorted(
        [
            t
            for t in trials
            if t.role is _ANTIDEPRESSANT
            and t.verdict is not _NOT_A_TRIAL
            and t.taken_before is None
        ],
        key=_START_END,
    )


def covered_spans(treated: Iterable[Trial], as_of: date) -> list[tuple[date, date]]:
    """The time the courses may have run (`_widest`), overlapping spans joined, oldest first."""
    covered: list[tuple[date, date]] = []
    for first, last in sorted([_widest(t, as_of) for t in treated]):
        if covered and first <= covered[-1][1]:
            covered[-1] = (covered[-1][0], max(covered[-1][1], last))
        else:
            covered.append((first, last))
    return covered


def gaps_between(covered: list[tuple[date, date]]) -> list[tuple[date, date]]:
    """(end of one covered span, start of the next): the untreated stretches between courses."""
    return [(a[1], b[0]) for a, b in zip(covered, covered[1:], strict=False)]
