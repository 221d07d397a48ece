"""The line that names a failed course's episode baseline (Trial.episode_baseline).

A course from PHQ-9 9 to 8 is counted as failed when its episode began at 14 and has not halved
since (review 15 recheck m05; fhir_mapping/episode_baseline.py says why): without the episode's baseline beside it, the
card would count a failure from a score that reads as mild, and the prescriber could not see why
the mild-baseline rule (review 15 W1) did not apply."""

from __future__ import annotations

from collections.abc import Iterable

from fhir_mapping.record import Trial


def _one(trial: Trial) -> str | None:
    peak, before, after = trial.episode_baseline, trial.baseline, trial.on_treatment
    if peak is None or before is None or after is None:
        return None
    return (
        f"{trial.ingredient} {after.instrument} {before.value} ({before.date.isoformat()}) → "
        f"{after.value} ({after.date.isoformat()}) is no response, and the episode, from "
        f"{peak.instrument} {peak.value} ({peak.date.isoformat()}), has not halved either"
    )


def line(failed: Iterable[Trial]) -> str | None:
    """ "**Failing episode, not a mild baseline:** ..." for the failed courses that carry an
    episode baseline; None when none does."""
    parts = [text for text in map(_one, failed) if text is not None]
    if not parts:
        return None
    return (
        "**Failing episode, not a mild baseline:** "
        + "; ".join(parts)
        + ". Counted as a failed trial (response: a >= 50 % drop from the course's baseline, "
        "CANMAT 2023 para 180; a partial response is met by an adjunct or a switch, para 190)."
    )
