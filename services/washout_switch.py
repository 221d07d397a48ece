"""The washout line of a card that proposes switching antidepressant: which of the proposed drugs
an MAOI (on record or among them) keeps from starting yet, and for how long. Separate from the
checks it asks (washout.py): only the switch cards (optimize/) use it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache

from fhir_mapping.record import PatientRecord, Role
from services.card_format import plural
from services.washout import conflicts_for, exposures, maoi_on_record
from services.washout_table import is_maoi, table


def switch_note(record: PatientRecord, candidates: Sequence[str]) -> str:
    """The washout line for a card that proposes switching to `candidates`: an MAOI running or
    stopped within its interval means none of them may start yet; an MAOI among the candidates
    needs the running serotonergic drugs stopped first. "" when no switch crosses an MAOI."""
    lines: list[str] = []
    waits: dict[tuple[str, str, int], list[str]] = {}
    if not any(is_maoi(n) for n in candidates) and not maoi_on_record(record):
        return ""  # a washout is needed only into or out of an MAOI (days_needed)
    known = exposures(record)
    for name in candidates:
        for conflict in conflicts_for(name, Role.ANTIDEPRESSANT, record, known=known):
            key = (conflict.old.ingredient, conflict.state(), conflict.days)
            waits.setdefault(key, []).append(name)
    for (old, state, days), names in waits.items():
        target = ", ".join(names)
        if all(is_maoi(n) for n in names):
            lines.append(f"{old} {state}: stop it at least {plural(days, 'day')} before {target}.")
        else:
            lines.append(
                f"{old} (an MAOI) {state}: at least {plural(days, 'day')} off it before {target}."
            )
    if not lines:
        return ""
    return (
        "**Washout (MAOI):** "
        + " ".join(lines)
        + " Serotonin syndrome or a hypertensive crisis otherwise (CPS 2023 Table 5; Keks et al. "
        "Aust Prescr 2016)."
    )


def switch_lines(record: PatientRecord, options: Sequence[str]) -> list[str]:
    """`switch_note` for a card's switch options as written ("SSRI: sertraline, escitalopram",
    "fluoxetine (first choice; NICE NG134)"): the drugs are found by name in the text. [] when no
    option crosses into or out of an MAOI, so the caller can `extend` its lines with it."""
    text = " ".join(options).lower()
    # With no MAOI on record only an MAOI among the options can need a washout (days_needed
    # pairs an MAOI with something), so only the MAOI names are looked for; switch_note gives
    # the same line as with every name found (tests pin it).
    on_record = maoi_on_record(record)
    patterns = _name_patterns() if on_record else _maoi_patterns()
    # The substring test first: most names are not in the text at all, and it is far cheaper
    # than the word-boundary search it guards (which needs the substring to match).
    named = [name for name, word in patterns if name in text and word.search(text)]
    if not named and not on_record:
        return []  # switch_note's own first answer, without asking maoi_on_record again
    note = switch_note(record, named)
    return [note] if note else []


@cache
def _name_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each table ingredient, in table order, with the pattern that finds it as a whole name
    (not inside a longer or hyphenated word)."""
    return tuple(
        (name, re.compile(r"(?<![a-z-])" + re.escape(name) + r"(?![a-z-])")) for name in table()
    )


@cache
def _maoi_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """`_name_patterns` of the MAOIs only."""
    return tuple((name, word) for name, word in _name_patterns() if is_maoi(name))
