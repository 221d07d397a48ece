"""The augmentations used in this episode, as every surface counts them: the adjunct courses of
the episode (PathwayFacts.augmentations), and an add-on that went on alone after the course it
was added to ended (Trial.alone_from, fhir_mapping/went_on_alone.py, role 48).

Such an add-on is the antidepressant trial now, but was an augmentation until its base ended:
the Maudsley staging counts it as augmentation used (staging.py; review K56a finding 9), so the
payer's augmentation criterion counts it too (fix tms50: "Augmentation 1 (used)" on the TMS card
beside the payer line "Not on record: no augmentation trial in this episode", on mirtazapine 30 mg
added to venlafaxine for a month, then alone for nine weeks)."""

from __future__ import annotations

from fhir_mapping.record import Trial
from services.pathway import PathwayFacts


def went_alone(facts: PathwayFacts) -> tuple[Trial, ...]:
    """This episode's add-ons that went on alone (their weeks beside the base were an
    augmentation), not already among the augmentations."""
    named = {t.ingredient for t in facts.augmentations}
    return tuple(
        t
        for t in facts.episode_trials
        if t.alone_from is not None and t.added_to and t.ingredient not in named
    )


def added_words(trial: Trial) -> str:
    """ "mirtazapine (added to venlafaxine)": how a went-alone add-on is named as augmentation."""
    return f"{trial.ingredient} (added to {' and '.join(trial.added_to)})"


def alone_words(trial: Trial, start: str) -> str:
    """ "mirtazapine (added to venlafaxine from 2026-08-28, alone since 2026-09-29)": the payer
    line's evidence, `start` the course's start as written."""
    alone = f", alone since {trial.alone_from.isoformat()}" if trial.alone_from else ""
    return f"{trial.ingredient} (added to {' and '.join(trial.added_to)} from {start}{alone})"
