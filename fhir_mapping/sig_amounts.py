"""The amounts a free-text sig gives as the dose (dose_sig.sig_doses; session 20 item L5-1).

A sig names amounts that are not the dose as well as those that are, and the older reader took
them one by one: "5 mg tablet: take 2 daily" read as 5 mg/day (the product's strength, the count
of 2 lost) and "5 mg or 10 mg daily" as 10 mg/day (the first alternative dropped). Either
under-reads a dose: the optimise card then proposes raising to a dose the patient already takes.

One rule, the one sig_strength.py applies to Epic's "Take 2 tablets (10 mg total)": an amount is
read only when the sig states it unambiguously.
- A strength of one unit times a count is the dose: "5 mg tablet: take 2 daily", "5mg tab - take
  2 tabs daily", "sertraline 50 mg tablet, take 1 tablet daily", "take 2 x 5 mg tablets", "take
  two 5 mg tablets" (a mass followed by a tablet or capsule word: data/dose_units.csv `count`
  rows). A strength with no count after it stays the dose ("100 mg tab daily"). Two strengths
  beside a count ("5 mg tablet and 10 mg tablet, take 1") cannot be multiplied: not read.
- Alternatives are a range, as "5 or 10 mg" and "1-2 tablets" already were: "5 mg or 10 mg",
  "5 mg to 10 mg", "10 mg daily or 20 mg daily" give both ends (the lower end is the dose the
  record proves, the upper one the dose the patient may take: dose.py). Alternatives in different
  units or at different frequencies cannot be one range: not read.
A sig not read gives `UNREAD` (dose_sig.sig_doses), so the line's dose is unknown (the cards say
"dose not read") rather than a part of it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fhir_mapping.dose_tables import unit_factor

# A number as a sig writes it ("2", "0.5", "37.5"): the one pattern dose_sig.py and
# sig_strength.py read amounts with too, so every sig reader takes the same numbers.
NUM = r"\d+(?:\.\d+)?"
AMOUNT = re.compile(
    rf"(?:(?P<lo>{NUM})\s*(?:-|to|or)\s*)?(?P<n>{NUM})\s*(?P<u>\{{[a-z]+\}}|[a-z]+(?:\(s\))?)"
    r"(?![a-z])"
)
# A time word after a bare number: "take 1 1/2 hrs before bed" (sig_numbers.py: "take 1.5 hrs")
# says when, not how much (session 34 fix dose53, review K41a finding 5: read as 1.5 tablets):
# no count is read there, and the order's own dose stands. The number is taken whole ("1.5", never
# its "1" alone). Words of English, not clinical facts.
_TIME_AFTER = r"(?!\s*(?:h|hrs?|hours?|mins?|minutes?|days?|wks?|weeks?|months?)\b)"
BARE_TAKE = re.compile(
    rf"\b(?:take|give|chew)\s+(?:(?P<lo>{NUM})\s*(?:-|to|or)\s*)?(?P<n>{NUM})\b(?!\.\d){_TIME_AFTER}"
)
# The word after a mass that makes it the strength of one unit: "5 mg tablet", "5mg tab(s)".
_UNIT_WORD = re.compile(r"\s*(?:oral\s+)?(?P<w>\{[a-z]+\}|[a-z]+(?:\(s\))?)")
# A count written before a strength: "take 2 x 5 mg tablets", "take 2 5 mg tablets", "2 x 5 mg".
_COUNT_BEFORE = re.compile(
    rf"(?:\b(?:take|give|chew)\s+(?P<n>{NUM})\s*(?:x\s*)?|(?P<x>{NUM})\s*x\s*)$"
)
# The words between two amounts that make them alternatives: "5 mg or 10 mg", "10 mg daily or
# 20 mg", "5 mg-10 mg", "5 mg to 10 mg" (not "increase to": a later dose, dose_sig.governing_step).
_ALTERNATIVE = re.compile(r"\s*(?:-|to)\s*|(?:.*\s)?or\s*")

# The kind of an amount the sig gives but that cannot be read (module docstring).
UNREAD = "unread"


@dataclass(frozen=True, slots=True)
class SigAmount:
    """One amount of a sig: where it stands, both ends ("1-2 tablets": 1, 2) and its kind."""

    start: int
    end: int
    low: float
    high: float
    kind: str


def _ends(match: re.Match[str], factor: float) -> tuple[float, float]:
    """(lower, upper) amount of a sig amount, "1-2 tabs" -> (1, 2), "2 tabs" -> (2, 2)."""
    most = float(match.group("n")) * factor
    least = float(match.group("lo")) * factor if match.group("lo") else most
    return min(least, most), max(least, most)


def _is_unit_word(word: str) -> bool:
    unit = unit_factor(word)
    return unit is not None and unit[0] == "count"


def _strength(text: str, amount: SigAmount) -> bool:
    """Whether a mass amount is the strength of one unit: "5 mg tablet"."""
    if amount.kind != "mass" or amount.low != amount.high:
        return False
    word = _UNIT_WORD.match(text, amount.end)
    return word is not None and _is_unit_word(word.group("w"))


def _found(text: str) -> list[SigAmount]:
    found = []
    for match in AMOUNT.finditer(text):
        unit = unit_factor(match.group("u"))
        if unit is None or unit[0] == "time":
            continue
        found.append(SigAmount(match.start(), match.end(), *_ends(match, unit[1]), unit[0]))
    return found


def _bare_counts(text: str, after: int, taken: list[SigAmount]) -> list[SigAmount]:
    """ "take 2" after a strength: a count without a unit word (`BARE_TAKE`)."""
    spans = [(a.start, a.end) for a in taken]
    counts = []
    for match in BARE_TAKE.finditer(text, after):
        where = match.start("n")
        if any(start <= where < end for start, end in spans):
            continue  # "take 10 mg": an amount with its unit, found already
        counts.append(SigAmount(match.start(), match.end(), *_ends(match, 1.0), "count"))
    return counts


def _times_strength(text: str, found: list[SigAmount]) -> list[SigAmount] | None:
    """The amounts with a strength of one unit multiplied into its count (module docstring);
    None when the sig cannot be read so."""
    strengths = [a for a in found if _strength(text, a)]
    if not strengths:
        return found
    out: list[SigAmount] = []
    alone: list[SigAmount] = []  # strengths with no count written before them
    for amount in found:
        before = _COUNT_BEFORE.search(text, 0, amount.start) if amount in strengths else None
        if before is not None:
            mg = amount.low * float(before.group("n") or before.group("x"))
            out.append(SigAmount(before.start(), amount.end, mg, mg, "mass"))
            continue
        out.append(amount)
        if amount in strengths:
            alone.append(amount)
    if not alone:
        return out
    first = alone[0]
    counts = [a for a in out if a.kind == "count" and a.start > first.start]
    if not counts:
        counts = _bare_counts(text, first.end, out)
        out = sorted(out + counts, key=lambda a: a.start)
    if any(a.kind == "count" and a.start < first.start for a in out):
        return None  # "take 1 tablet daily, 50 mg tablets": a count before the strength
    if not counts:
        return out  # "100 mg tab daily": the strength is the dose
    if len(alone) > 1:
        return None  # two strengths beside a count: which one does it count?
    return [
        SigAmount(a.start, a.end, a.low * first.low, a.high * first.low, "mass")
        if a.kind == "count"
        else a
        for a in out
        if a is not first
    ]


def sig_amounts(text: str) -> list[SigAmount] | None:
    """The amounts a normalised sig gives as doses, in order; [] when it gives none; None when
    it gives one that cannot be read (module docstring). Alternatives are joined later, with
    their frequencies (`alternative`)."""
    found = _found(text)
    if not found:
        return [
            SigAmount(m.start(), m.end(), *_ends(m, 1.0), "count")  # "take 1 daily"
            for m in BARE_TAKE.finditer(text)
        ]
    return _times_strength(text, found)


def alternative(text: str, first: SigAmount, second: SigAmount) -> bool:
    """Whether two amounts in a row are alternatives ("5 mg or 10 mg", "10 mg daily or 20 mg")."""
    return _ALTERNATIVE.fullmatch(text, first.end, second.start) is not None
