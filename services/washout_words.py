"""How the MAOI washout cards word things: the risk of a pair (`RiskWords`, the one wording table),
the kind of MAOI, the interval and why it is that long. Separate from the checks (washout.py) so the
order check and the MAOI combination card word a pair the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from services.card_format import plural
from services.washout_table import WashoutRow

# What the interval of a row whose `basis` is "minimum" is (review finding 13: the 14 days of a
# short half-life drug are this floor, not 5 half-lives).
MINIMUM_TEXT = "the 2-week minimum of CPS 2023 Table 5"


@dataclass(frozen=True, slots=True)
class RiskWords:
    """How the cards word the risk of a pair (a stimulant's risk is not serotonin syndrome)."""

    text: str  # in a sentence: "risks serotonin toxicity (serotonin syndrome)"
    short: str  # in a short summary: "serotonin syndrome risk"
    summary: str  # in a full summary: "serotonin syndrome or hypertensive crisis risk"
    signs: str  # "check for signs of serotonin syndrome"


# By the `risk` column of the non-MAOI row (two MAOIs: both).
_BOTH = "serotonin-or-hypertensive"
_RISK_WORDS = {
    "serotonin": RiskWords(
        "serotonin toxicity (serotonin syndrome)",
        "serotonin syndrome risk",
        "serotonin syndrome risk",
        "serotonin syndrome",
    ),
    "hypertensive": RiskWords(
        "a hypertensive crisis",
        "hypertensive crisis risk",
        "hypertensive crisis risk",
        "a hypertensive crisis",
    ),
    # A triptan metabolised by MAO-A (its label: MAO-A inhibitors raise its exposure, 7-fold
    # for oral sumatriptan; serotonin syndrome reported with triptans and MAO inhibitors).
    "triptan": RiskWords(
        "a several-fold rise in the triptan's blood levels (its label contraindicates the pair) "
        "and serotonin toxicity",
        "contraindicated by the triptan's label",
        "contraindicated by the triptan's label",
        "serotonin syndrome",
    ),
    _BOTH: RiskWords(
        "serotonin syndrome or a hypertensive crisis",
        "serotonin syndrome risk",
        "serotonin syndrome or hypertensive crisis risk",
        "serotonin syndrome",
    ),
}


def days_text(days: int) -> str:
    """ "1 day", "14 days" (24 hours after linezolid is one day)."""
    return plural(days, "day")


def risk_words(a: WashoutRow, b: WashoutRow) -> RiskWords:
    """What an MAOI meeting the other drug risks: the non-MAOI row's `risk` ("a hypertensive
    crisis" for a stimulant, serotonin toxicity for an opioid); both for two MAOIs."""
    other = b if a.is_maoi else a
    key = other.risk if not other.is_maoi else _BOTH
    return _RISK_WORDS.get(key, _RISK_WORDS[_BOTH])


def risk_text(a: WashoutRow, b: WashoutRow) -> str:
    return risk_words(a, b).text


KIND_TEXT = {
    "maoi": "MAOI",
    "rima": "reversible MAOI",
    "maoi-acting": "acts as an MAOI",
    "maob": "MAO-B inhibitor",
}


def article(label: str) -> str:
    """ "An MAOI", "A reversible MAOI", "A drug that acts as an MAOI", "An MAO-B inhibitor"."""
    if label.startswith("acts"):
        return f"A drug that {label}"
    return ("An " if label[:1] in "AEIOUM" else "A ") + label


def basis_text(row: WashoutRow, name: str) -> str:
    """Why `row.days_before_maoi` days (see WashoutRow.basis): true half-life arithmetic only."""
    half = row.half_life_hours
    t_half = (
        f"t½ about {half:g} h" + (" with its active metabolite" if row.metabolite else "")
        if half is not None
        else ""
    )
    if row.basis == "half-lives" and half is not None:
        return f"5 half-lives of {name}, {t_half}"
    longer = f", longer than 5 half-lives of {name}, {t_half}" if half is not None else ""
    if row.basis == "minimum":
        return MINIMUM_TEXT + longer
    if row.basis == "label":
        return "the labelled interval" + longer
    if row.basis == "safer-default":
        return "no source gives an interval for this direction: 2 weeks kept as the safer value"
    return ""


def kind_label(row: WashoutRow) -> str:
    """ "MAOI", "reversible MAOI" or "acts as an MAOI" (linezolid)."""
    return KIND_TEXT.get(row.kind, row.kind)
