"""How a card writes a drug's name (data/drug_display_names.csv).

The drug tables key every drug by its lower-case ingredient ("st john's wort"), which reads right
mid-sentence for a generic name ("stop phenelzine") but not for a name holding a proper noun:
review 14 recheck t04 printed "stop st john's wort". A drug with a row here is written as the row
says ("St John's wort"); every other drug as its ingredient.
"""

from __future__ import annotations

from functools import cache

from services import tables


@cache
def _displays() -> dict[str, str]:
    return {
        r["ingredient"].strip().lower(): r["display"].strip()
        for r in tables._rows("drug_display_names.csv")
        if r["display"].strip()
    }


def shown(ingredient: str) -> str:
    """The drug's name mid-sentence: "St John's wort", "phenelzine"."""
    return _displays().get(ingredient.strip().lower(), ingredient)


def shown_first(ingredient: str) -> str:
    """The drug's name at the start of a sentence: "St John's wort", "Phenelzine"."""
    name = shown(ingredient)
    return name[:1].upper() + name[1:]
