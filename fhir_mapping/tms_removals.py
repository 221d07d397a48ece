"""A device removal recorded, read for the TMS safety screen (review s21 RR finding 6).

"VNS removal" (CPT 64570), "Generator removal" (CPT 61888) and "Cochlear implant explantation"
were read as implants, so the optimise card said "contraindication: VNS removal" and gave no way
forward. A removal is not itself metal in the head, but leads are often left in place, so it is
never a clearance either: the TMS service is asked (a caution).

- A Procedure records a removal when its code is a removal row of data/tms_removal_codes.csv, or
  when no code names an implant and its text names the removal of the screened item itself:
  every clause naming a TMS safety term holds a removal word of that table, not negated
  ("Cochlear implant explantation", "Vagus nerve stimulator removed"; not "Cochlear implant not
  removed"), and no word of a device put in (`keeps` rows: "reimplantation", "replaced",
  "implanted", "placement", "new device", "new implant fitted", "re-sited") is anywhere in it,
  and it names no single side ("Right cochlear implant removed; left side unchanged": the
  other side's device may remain) unless it says both were removed (`removal`). One removal never
  lowers another implant the words name ("Vagus nerve stimulator removed and deep brain
  stimulator implanted": review s22 RR finding 2, it read as a caution). Its TMS finding is then a caution
  named "<what the chart wrote>: removal recorded: confirm with the TMS service that nothing
  remains (leads are often left in place)", never an absolute one (`as_removal`). A removal word
  about something else ("Cochlear implant insertion; wound hematoma removed", "Deep brain
  stimulator placement. Sutures removed") removes nothing: the implant stays absolute (session
  22: it read as a caution). When unsure the finding stays absolute, the safer reading: the TMS
  card is then not shown, and the optimise card names the implant.
- A removal code that removes a whole device (64570: the VNS array and generator) turns the
  implants it removes, dated on or before it, into one caution naming both dates
  (`with_removals`): the TMS card then stays, with the safety screen line. A code that may be a
  revision, or removes a generator only (61888), removes nothing: the implant stays a
  contraindication (the safer reading); only its own record is a caution.

Also here (tms_safety.py is at its size limit): a coded finding of a "type not coded" row
(Z96.89 "Presence of other specified functional implants") is named by the chart's own words
when it wrote some ("Spinal cord stimulator"), so the TMS service reads what the implant is
(`with_written_type`).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources

from fhir_mapping import tms_safety
from fhir_mapping.code_systems import canonical_system
from fhir_mapping.record import Finding, FindingKind

_ABSOLUTE = FindingKind.IMPLANTED_DEVICE
_CAUTION = FindingKind.TMS_CAUTION
_CONFIRM = "confirm with the TMS service that nothing remains (leads are often left in place)"
# The row words of data/tms_safety_codes.csv `what` that mark a code naming no device type.
_TYPE_NOT_CODED = "type not coded"


# Where a clause of a procedure's words ends: a full stop, semicolon or comma (as a negation's
# scope ends in tms_safety.py), or a word joining two acts ("explantation and reimplantation");
# local, not a text_bounds boundary: the joining words are this reader's.
_CLAUSE = re.compile(r"[.;,]|\b(?:and|with|then|but|after|plus|followed by)\b")


@dataclass(frozen=True, slots=True)
class _Table:
    codes: dict[tuple[str, str], frozenset[tuple[str, str]]]  # removal -> the implants it removes
    words: re.Pattern[str] | None
    keeps: re.Pattern[str] | None  # words of a device put back in (no removal then)
    sides: re.Pattern[str] | None  # words naming one side (the other may still hold a device)
    both: re.Pattern[str] | None  # words naming both sides (a side word then keeps nothing)
    not_side: re.Pattern[str] | None  # "leads left in situ": "left" as a verb, no side


def _alternation(words: list[str]) -> re.Pattern[str] | None:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b") if words else None


def _word(code: str) -> str:
    word = re.escape(code.strip().lower().rstrip("*"))
    return word + (r"\w*" if code.strip().endswith("*") else "")


@cache
def _table() -> _Table:
    text = resources.files("fhir_mapping").joinpath("data/tms_removal_codes.csv")
    codes: dict[tuple[str, str], frozenset[tuple[str, str]]] = {}
    listed: dict[str, list[str]] = {
        "word": [],
        "keeps": [],
        "side": [],
        "both": [],
        "not_side": [],
    }
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        if row["kind"] in listed:
            listed[row["kind"]].append(_word(row["code"]))
            continue
        removes = [p.split("|") for p in row["removes"].split(";") if p.strip()]
        codes[(canonical_system(row["system"]), row["code"].strip())] = frozenset(
            (canonical_system(s), c.strip()) for s, c in removes
        )
    return _Table(
        codes,
        _alternation(listed["word"]),
        _alternation(listed["keeps"]),
        _alternation(listed["side"]),
        _alternation(listed["both"]),
        _alternation(listed["not_side"]),
    )


def removal(coded: Iterable[tuple[str, str, str]], text: str) -> bool:
    """Whether a Procedure (its codings, its text) records a device removal."""
    table = _table()
    coded = tuple(coded)
    if any((s, c) in table.codes for s, c, _ in coded):
        return True
    # The text is read only when no code names an implant: a code that does says what was done
    # ("aneurysm clipping" coded, "hematoma removal" in its text, keeps the clip absolute).
    if any(tms_safety.code_rows(s, c, "procedure") for s, c, _ in coded):
        return False
    return _removes_named(table, tms_safety.normalise_text(text))


def _clauses(text: str) -> list[tuple[int, int]]:
    """The (start, end) of each clause of `text` between `_CLAUSE` separators."""
    spans, start = [], 0
    for sep in _CLAUSE.finditer(text):
        spans.append((start, sep.start()))
        start = sep.end()
    spans.append((start, len(text)))
    return spans


def _removes_in(table: _Table, text: str, start: int, end: int) -> bool:
    """Whether text[start:end] holds a removal word not negated ("Cochlear implant not
    removed": the tms_safety negation scope, its NegEx cues)."""
    assert table.words is not None
    return any(
        not tms_safety.negated(text, start + m.start(), start + m.end())
        for m in table.words.finditer(text, start, end)
    )


def _removes_named(table: _Table, text: str) -> bool:
    """Whether the words remove every screened item they name (module docstring): each clause
    that names a TMS safety term holds a removal word of its own, not negated, and no word of a
    device put in ("implanted", "placement", "new device") is anywhere in the text. One removal
    does not lower another implant the text names ("Vagus nerve stimulator removed and deep
    brain stimulator implanted"), and a removal word in a clause naming nothing is about
    something else (the wound's hematoma, the sutures). When unsure, the implant stays
    absolute, the safer reading."""
    if table.words is None or table.words.search(text) is None:
        return False  # nearly every procedure
    if table.keeps is not None and table.keeps.search(text) is not None:
        return False  # "explantation and reimplantation": a device is in place
    if _one_side(table, text):
        return False  # "Right cochlear implant removed; left side unchanged": the other stays
    removing: list[tuple[int, int]] = []
    for start, end in _clauses(text):
        if not tms_safety.text_rows(text[start:end], "procedure"):
            continue
        if not _removes_in(table, text, start, end):
            return False  # an implant named with no removal of its own: it stays
        removing.append((start, end))
    if not removing:
        return False
    # A term read across clauses ("aneurysm, clipped": a proximity term spans a comma) is in
    # no single clause: the text without the removing clauses must name none.
    rest = text
    for start, end in reversed(removing):
        rest = rest[:start] + " " * (end - start) + rest[end:]
    return not tms_safety.text_rows(rest, "procedure")


def _one_side(table: _Table, text: str) -> bool:
    """Whether the words name a side and not both ("Right cochlear implant removed": the left
    one may still be in place), so the removal lowers nothing: the safer reading (review s22
    RR2 finding 6)."""
    if table.not_side is not None:
        text = table.not_side.sub(" ", text)
    if table.sides is None or table.sides.search(text) is None:
        return False
    return table.both is None or table.both.search(text) is None


def as_removal(findings: tuple[Finding, ...], label: str) -> tuple[Finding, ...]:
    """A removal Procedure's TMS findings as one caution (module docstring)."""
    screened = [f for f in findings if f.kind in (_ABSOLUTE, _CAUTION)]
    if not screened:
        return findings
    first = screened[0]
    caution = replace(
        first, kind=_CAUTION, display=f"{label or first.display}: removal recorded: {_CONFIRM}"
    )
    return tuple(f for f in findings if f not in screened) + (caution,)


def _removes(finding: Finding) -> frozenset[tuple[str, str]]:
    return _table().codes.get((finding.system, finding.code), frozenset())


def with_removals(findings: set[Finding]) -> set[Finding]:
    """`findings` with each implant a later whole-device removal removes read as one caution
    naming both dates, that removal's own caution then said by it (module docstring)."""
    removals = [f for f in findings if f.kind is _CAUTION and f.source and _removes(f)]
    if not removals:
        return findings  # nearly every chart
    out = set(findings)
    for implant in [f for f in findings if f.kind is _ABSOLUTE]:
        later = [
            r
            for r in removals
            if (implant.system, implant.code) in _removes(r)
            and (implant.onset or date.min) <= (r.onset or date.max)
        ]
        if not later:
            continue
        last = max(later, key=lambda r: r.onset or date.min)
        implanted = implant.onset.isoformat() if implant.onset else "date not recorded"
        removed = last.onset.isoformat() if last.onset else "date not recorded"
        out.discard(implant)
        out.discard(last)
        out.add(
            replace(
                implant,
                kind=_CAUTION,
                display=(
                    f"{implant.display}, implanted {implanted}; removal recorded {removed} "
                    f"({last.coding}): {_CONFIRM}"
                ),
            )
        )
    return out


def with_written_type(
    findings: Iterable[Finding], label: str, applies_to: str
) -> tuple[Finding, ...]:
    """Each coded TMS finding of a "type not coded" row named by the chart's words `label` when
    it wrote some other than the code's display (module docstring)."""
    out = []
    for f in findings:
        rows = tms_safety.code_rows(f.system, f.code, applies_to) if f.code else ()
        typeless = any(_TYPE_NOT_CODED in r.what for r in rows)
        if typeless and label and label.lower() != f.display.lower():
            f = replace(f, display=f"{label} ({f.display})")
        out.append(f)
    return tuple(out)
