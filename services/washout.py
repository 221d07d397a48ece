"""MAOIs and the antidepressants they must not meet: washout intervals (issue 11 item 1).

An MAOI (phenelzine, tranylcypromine, isocarboxazid, transdermal selegiline; moclobemide, a
reversible one; linezolid and intravenous methylene blue, which act as MAOIs) taken with a
serotonergic or noradrenergic antidepressant risks serotonin syndrome or a hypertensive crisis. So:
- starting such an antidepressant needs the MAOI stopped for its interval (14 days; 21 before
  clomipramine or imipramine; 24 hours after linezolid or methylene blue);
- starting an MAOI needs the other drug stopped for 5 half-lives, and never less than the 2 weeks
  of CPS 2023 Table 5 (fluoxetine: 5 weeks, norfluoxetine);
- one MAOI to another needs the first one's interval.
(REFERENCE.md 1.7, CPS 2023 Table 5; Keks, Hope, Keogh, Aust Prescr 2016;39:76-83.)

Beyond antidepressants (review finding 5): serotonergic opioids (tramadol, meperidine, methadone,
tapentadol, fentanyl) and dextromethorphan risk serotonin toxicity with an MAOI, sympathomimetic
stimulants a hypertensive crisis (each row's `risk`), both ways round; oral MAO-B inhibitors
(rasagiline, safinamide) count as MAOIs. Linezolid and IV methylene blue over a serotonergic drug
are not elective MAOI starts (finding 6): the card follows the FDA urgent-use advice (give it,
stop the other drug, monitor) in the row's `urgent_use`, and never asks to wait weeks first.

Intervals and half-lives are data (data/maoi_washout.csv, one row per drug with its source). An
antidepressant with no row is treated as serotonergic with the 2-week interval: the safer guess.
What the record says the patient takes is its trials: running ones, and ended ones by their end date
(the last day covered by a prescription, fill or statement, as the mapping infers it, which is why
the card gives the date it used and an override reason says the real stop date was earlier).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources

from fhir_mapping.record import DraftOrder, PatientRecord, Role, SourceRef, Trial

# maob: an oral MAO-B inhibitor for Parkinson disease (rasagiline, safinamide), whose labels
# still forbid the MAOI combinations (review finding 5).
MAOI_KINDS = frozenset({"maoi", "rima", "maoi-acting", "maob"})
# The drugs an MAOI must not meet: antidepressants (serotonergic, noradrenergic), serotonergic
# opioids and dextromethorphan (serotonin toxicity), sympathomimetic stimulants (hypertensive
# crisis). Which risk a pair carries is each row's `risk` column.
INTERACTING_KINDS = frozenset(
    {"serotonergic", "noradrenergic", "opioid", "antitussive", "stimulant"}
)
_NOT_ANTIDEPRESSANT_KINDS = frozenset({"opioid", "antitussive", "stimulant"})
# CPS 2023 Table 5 (REFERENCE.md 1.7): to or from an irreversible MAOI, 2 weeks. Used for an
# antidepressant the table does not list (the safer guess), never instead of a listed value.
_FALLBACK_DAYS = 14
# What the interval of a row whose `basis` is "minimum" is (review finding 13: the 14 days of a
# short half-life drug are this floor, not 5 half-lives).
_MINIMUM_TEXT = "the 2-week minimum of CPS 2023 Table 5"


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
    _BOTH: RiskWords(
        "serotonin syndrome or a hypertensive crisis",
        "serotonin syndrome risk",
        "serotonin syndrome or hypertensive crisis risk",
        "serotonin syndrome",
    ),
}


@dataclass(frozen=True, slots=True)
class WashoutRow:
    ingredient: str
    # maoi | rima | maoi-acting | maob | serotonergic | noradrenergic | opioid | antitussive |
    # stimulant | none
    kind: str
    half_life_hours: float | None  # the longest-lived active moiety
    # For an MAOI: days off it before a serotonergic or noradrenergic drug may start. For any
    # other drug: days off an irreversible MAOI before this drug may start.
    days_after_maoi: int | None
    days_before_maoi: int | None  # days off this drug before an MAOI may start
    source: str
    status: str
    # serotonin | hypertensive | serotonin-or-hypertensive: what meeting an MAOI risks.
    risk: str = "serotonin-or-hypertensive"
    # The half-life is of an active metabolite (norfluoxetine), not of the drug itself.
    metabolite: bool = False
    # What days_before_maoi is: "half-lives" (5 of them), "minimum" (the 2-week floor of CPS
    # 2023 Table 5, longer than 5 half-lives), "label" (a labelled interval, longer), or
    # "safer-default" (no source gives one: 2 weeks kept as the safer value).
    basis: str = ""
    # maoi-acting drugs given for an infection or an emergency (linezolid, IV methylene blue):
    # the urgent-use advice, with its source (FDA Drug Safety Communications 2011).
    urgent_use: str = ""

    @property
    def is_maoi(self) -> bool:
        return self.kind in MAOI_KINDS

    @property
    def interacts(self) -> bool:
        return self.kind in INTERACTING_KINDS


def _int(text: str) -> int | None:
    return int(text) if text.strip() else None


@cache
def table() -> dict[str, WashoutRow]:
    text = resources.files("services").joinpath("data/maoi_washout.csv").read_text("utf-8")
    return {
        row["ingredient"].strip().lower(): WashoutRow(
            ingredient=row["ingredient"].strip().lower(),
            kind=row["kind"].strip(),
            half_life_hours=float(row["half_life_hours"]) if row["half_life_hours"] else None,
            days_after_maoi=_int(row["days_after_maoi"]),
            days_before_maoi=_int(row["days_before_maoi"]),
            source=row["source"].strip(),
            status=row["status"].strip(),
            risk=row["risk"].strip() or "serotonin-or-hypertensive",
            metabolite=row["metabolite"].strip() == "true",
            basis=row["basis"].strip(),
            urgent_use=row["urgent_use"].strip(),
        )
        for row in csv.DictReader(text.splitlines())
    }


def row_for(ingredient: str, role: Role | None = None) -> WashoutRow | None:
    found = table().get(ingredient.lower())
    if found is None and role is Role.ANTIDEPRESSANT:
        return WashoutRow(
            ingredient=ingredient.lower(),
            kind="serotonergic",
            half_life_hours=None,
            days_after_maoi=_FALLBACK_DAYS,
            days_before_maoi=_FALLBACK_DAYS,
            source=(
                "no row in data/maoi_washout.csv: treated as serotonergic with the 2-week interval "
                "of CPS 2023 Table 5 (REFERENCE.md 1.7)"
            ),
            status="UNVERIFIED",
            basis="minimum",
        )
    return found


def days_text(days: int) -> str:
    """ "1 day", "14 days" (24 hours after linezolid is one day)."""
    return "1 day" if days == 1 else f"{days} days"


def risk_words(a: WashoutRow, b: WashoutRow) -> RiskWords:
    """What an MAOI meeting the other drug risks: the non-MAOI row's `risk` ("a hypertensive
    crisis" for a stimulant, serotonin toxicity for an opioid); both for two MAOIs."""
    other = b if a.is_maoi else a
    key = other.risk if not other.is_maoi else _BOTH
    return _RISK_WORDS.get(key, _RISK_WORDS[_BOTH])


def risk_text(a: WashoutRow, b: WashoutRow) -> str:
    return risk_words(a, b).text


def days_needed(old: WashoutRow, new: WashoutRow) -> int | None:
    """Days off `old` before `new` may start; None when the pair needs no MAOI washout."""
    if old.ingredient == new.ingredient:
        return None
    if old.is_maoi and new.is_maoi:
        return old.days_after_maoi
    if old.is_maoi and new.interacts:
        own = old.days_after_maoi or 0
        # 24 hours after linezolid whatever follows; after a true MAOI the longer of the two
        # (clomipramine and imipramine need 3 weeks, CPS 2023 Table 5).
        return own if old.kind == "maoi-acting" else max(own, new.days_after_maoi or 0)
    if old.interacts and new.is_maoi:
        return old.days_before_maoi
    return None


@dataclass(frozen=True, slots=True)
class Exposure:
    """A drug the patient takes, took, or is being ordered alongside the draft."""

    ingredient: str
    row: WashoutRow
    running: bool  # running on the as-of date, or on this same order
    on_order: bool
    start: date | None
    end: date | None  # the last day of an ended course
    source: SourceRef | None


@dataclass(frozen=True, slots=True)
class Conflict:
    new: str  # the drug being started
    new_row: WashoutRow
    old: Exposure
    days: int  # the washout needed between them
    as_of: date

    @property
    def into_maoi(self) -> bool:
        return self.new_row.is_maoi and not self.old.row.is_maoi

    @property
    def maoi(self) -> str:
        return self.new if self.into_maoi else self.old.ingredient

    @property
    def risk(self) -> str:
        """ "serotonin toxicity (serotonin syndrome)", "a hypertensive crisis", or both."""
        return risk_text(self.old.row, self.new_row)

    @property
    def risk_short(self) -> str:
        """ "serotonin syndrome risk" or "hypertensive crisis risk", for a card summary."""
        return risk_words(self.old.row, self.new_row).short

    @property
    def urgent_use(self) -> bool:
        """Linezolid or IV methylene blue ordered over a serotonergic drug: not an elective MAOI
        start. The FDA advice is to give it when urgent (stopping the other drug and
        monitoring), so the card must never ask for weeks of washout first (finding 6)."""
        return self.into_maoi and bool(self.new_row.urgent_use)

    @property
    def earliest_start(self) -> date | None:
        """The first day the new drug may start; None while the old one is still taken."""
        if self.old.running or self.old.end is None:
            return None
        return self.old.end + timedelta(days=self.days)

    def state(self) -> str:
        """Where the old drug stands, as the end of a sentence about it: "is running (since
        2024-01-08)", "was last taken on 2024-05-13 as recorded (20 days ago)"."""
        old = self.old
        if old.on_order:
            return "is on this same order"
        if old.running:
            return f"is running (since {old.start.isoformat()})" if old.start else "is running"
        assert old.end is not None
        ago = (self.as_of - old.end).days
        return f"was last taken on {old.end.isoformat()} as recorded ({ago} days ago)"

    def interval_text(self) -> str:
        """ "35 days (5 weeks; 5 half-lives of fluoxetine, t½ about 168 h with its active
        metabolite)"; "14 days (2 weeks; the 2-week minimum of CPS 2023 Table 5, longer than 5
        half-lives of sertraline, t½ about 26 h)". What the interval is comes from the row's
        `basis`: a half-life is named as the reason only where 5 of them make the interval
        (review finding 13), and "with its active metabolite" only where the row says so."""
        row = self.old.row
        extra = []
        if self.days % 7 == 0 and self.days >= 14:
            extra.append(f"{self.days // 7} weeks")
        if self.into_maoi and row.days_before_maoi == self.days:
            extra.extend(part for part in (_basis_text(row, self.old.ingredient),) if part)
        return f"{self.days} days" + (f" ({'; '.join(extra)})" if extra else "")

    def why(self) -> str:
        """One markdown paragraph: the pair, where the old drug stands, the risk, when the new
        drug may start, and the source of the interval."""
        old, new = self.old, self.new
        if self.into_maoi:
            pair = f"**{old.ingredient.capitalize()} → {new} ({_KIND_TEXT[self.new_row.kind]})**"
        else:
            pair = f"**{old.ingredient.capitalize()} ({_KIND_TEXT[old.row.kind]}) → {new}**"
        cite = f" ({old.source})" if old.source is not None and not old.on_order else ""
        start = self.earliest_start
        if old.on_order:
            when = (
                f"they cannot start together: {new} needs at least {self.interval_text()} off "
                f"{old.ingredient}"
            )
        elif start is None:
            when = (
                f"stop {old.ingredient}, then allow at least {self.interval_text()} before the "
                f"first dose of {new}"
            )
        else:
            when = (
                f"{new} not before {start.isoformat()}: at least {self.interval_text()} after "
                f"{old.ingredient}"
            )
        # The interval comes from the row of the drug being stopped, except after an MAOI where
        # the new drug needs longer (clomipramine, imipramine): then that drug's row is the basis.
        # A drug that is not an antidepressant (an opioid, a stimulant) after an MAOI: its own
        # row holds the labelled interval after an MAOI, the MAOI's row only the antidepressant one.
        basis_row = old.row
        if old.row.is_maoi and (
            (self.new_row.days_after_maoi == self.days and old.row.days_after_maoi != self.days)
            or self.new_row.kind in _NOT_ANTIDEPRESSANT_KINDS
        ):
            basis_row = self.new_row
        unverified = " (UNVERIFIED)" if basis_row.status == "UNVERIFIED" else ""
        if self.urgent_use:
            return self._urgent_why(pair, cite, basis_row, unverified)
        return (
            f"{pair}: {old.ingredient} {self.state()}{cite}. {_article(kind_label(self.maoi_row))}"
            f" with {old.ingredient if self.into_maoi else new} risks {self.risk}: "
            f"{when}. Interval: {basis_row.source}{unverified}."
        )

    @property
    def maoi_row(self) -> WashoutRow:
        return self.new_row if self.into_maoi else self.old.row

    def _urgent_why(self, pair: str, cite: str, basis_row: WashoutRow, unverified: str) -> str:
        """Linezolid / IV methylene blue over a serotonergic drug (FDA Drug Safety
        Communications 2011): give it when urgent, stop the other drug and monitor; otherwise
        an alternative. Never "wait weeks before the antibiotic"."""
        old, new = self.old, self.new
        after = self.new_row.days_after_maoi or 1
        last = "24 hours" if after == 1 else f"{after} days"
        stop = "" if old.end is not None and not old.running else f"stop {old.ingredient}, "
        return (
            f"{pair}: {old.ingredient} {self.state()}{cite}. {new.capitalize()} acts as an MAOI; "
            f"with {old.ingredient} it risks {self.risk}. **If the indication is urgent or "
            f"life-threatening, do not delay {new}:** {stop}give {new}, and monitor for "
            f"{self.risk} until {self.days} days after the last {old.ingredient} dose (its "
            f"washout) or until {last} after the last {new} dose, whichever comes first. If it "
            f"is not urgent, consider an alternative to {new}. Advice: {self.new_row.urgent_use}"
            f" ({self.new_row.status}). Washout of {old.ingredient}: {basis_row.source}"
            f"{unverified}."
        )


_KIND_TEXT = {
    "maoi": "MAOI",
    "rima": "reversible MAOI",
    "maoi-acting": "acts as an MAOI",
    "maob": "MAO-B inhibitor",
}


def _article(label: str) -> str:
    """ "An MAOI", "A reversible MAOI", "A drug that acts as an MAOI", "An MAO-B inhibitor"."""
    if label.startswith("acts"):
        return f"A drug that {label}"
    return ("An " if label[:1] in "AEIOUM" else "A ") + label


def _basis_text(row: WashoutRow, name: str) -> str:
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
        return _MINIMUM_TEXT + longer
    if row.basis == "label":
        return "the labelled interval" + longer
    if row.basis == "safer-default":
        return "no source gives an interval for this direction: 2 weeks kept as the safer value"
    return ""


def kind_label(row: WashoutRow) -> str:
    """ "MAOI", "reversible MAOI" or "acts as an MAOI" (linezolid)."""
    return _KIND_TEXT.get(row.kind, row.kind)


def _latest_per_ingredient(trials: Iterable[Trial]) -> list[Trial]:
    latest: dict[str, Trial] = {}
    for trial in sorted(trials, key=lambda t: (t.end, t.ongoing)):
        latest[trial.ingredient] = trial
    return list(latest.values())


def exposures(record: PatientRecord, *, drafts: Sequence[DraftOrder] = ()) -> list[Exposure]:
    """Every course on record with a washout row (any role, any verdict: trazodone at night is
    still serotonergic), its latest course only, and the other drafts of the same order."""
    found: list[Exposure] = []
    for trial in _latest_per_ingredient(record.trials):
        row = row_for(trial.ingredient, trial.role)
        if row is None or not (row.is_maoi or row.interacts):
            continue
        found.append(
            Exposure(
                ingredient=trial.ingredient,
                row=row,
                running=trial.ongoing,
                on_order=False,
                start=trial.start,
                end=None if trial.ongoing else trial.end,
                source=trial.sources[-1] if trial.sources else None,
            )
        )
    found.extend(_taken_without_dates(record, {e.ingredient for e in found}))
    for draft in drafts:
        row = row_for(draft.ingredient, draft.role)
        if row is None or not (row.is_maoi or row.interacts):
            continue
        found.append(Exposure(draft.ingredient, row, True, True, None, None, draft.source))
    return found


def _taken_without_dates(record: PatientRecord, known: set[str]) -> list[Exposure]:
    """Drugs an active statement or order says are taken now but whose dates could not be read
    (DataGap.taken_now: left out of the trials): running for the MAOI checks, the safer reading
    of "active" (review: an undated active phenelzine statement hid the MAOI combination)."""
    found: list[Exposure] = []
    for gap in record.gaps:
        for ingredient in gap.taken_now:
            row = row_for(ingredient, None)
            if ingredient in known or row is None or not (row.is_maoi or row.interacts):
                continue
            known.add(ingredient)
            found.append(Exposure(ingredient, row, True, False, None, None, gap.source))
    return found


def conflicts_for(
    ingredient: str,
    role: Role | None,
    record: PatientRecord,
    *,
    drafts: Sequence[DraftOrder] = (),
    known: Sequence[Exposure] | None = None,
) -> list[Conflict]:
    """What starting `ingredient` now would run into: courses running or stopped within their
    washout, and other drugs on the same order. `known`: `exposures(record, drafts=drafts)`
    when the caller has read them already (one read for several candidates)."""
    new = row_for(ingredient, role)
    if new is None or not (new.is_maoi or new.interacts):
        return []
    found = []
    for old in exposures(record, drafts=drafts) if known is None else known:
        if old.ingredient == new.ingredient:
            continue
        days = days_needed(old.row, new)
        if days is None:
            continue
        if old.running or old.end is None or (record.as_of - old.end).days < days:
            found.append(Conflict(new.ingredient, new, old, days, record.as_of))
    return found


def draft_conflicts(record: PatientRecord, draft: DraftOrder) -> list[Conflict]:
    """The conflicts of one draft order with the record and with the order's other drafts."""
    others = [
        d for d in record.draft_orders if d.id != draft.id or d.ingredient != draft.ingredient
    ]
    return conflicts_for(draft.ingredient, draft.role, record, drafts=others)


def _is_maoi(ingredient: str) -> bool:
    # The table's own row: a drug without one is read as serotonergic (row_for), never an MAOI.
    row = table().get(ingredient.lower())
    return row is not None and row.is_maoi


def maoi_on_record(record: PatientRecord) -> bool:
    """Whether any course on record is of an MAOI (running or not): without one, no course on
    record needs a washout before a non-MAOI, so the exposures need not be read at all."""
    return any(_is_maoi(t.ingredient) for t in record.trials) or any(
        _is_maoi(name) for gap in record.gaps for name in gap.taken_now
    )


def switch_note(record: PatientRecord, candidates: Sequence[str]) -> str:
    """The washout line for a card that proposes switching to `candidates`: an MAOI running or
    stopped within its interval means none of them may start yet; an MAOI among the candidates
    needs the running serotonergic drugs stopped first. "" when no switch crosses an MAOI."""
    lines: list[str] = []
    waits: dict[tuple[str, str, int], list[str]] = {}
    if not any(_is_maoi(n) for n in candidates) and not maoi_on_record(record):
        return ""  # a washout is needed only into or out of an MAOI (days_needed)
    known = exposures(record)
    for name in candidates:
        for conflict in conflicts_for(name, Role.ANTIDEPRESSANT, record, known=known):
            key = (conflict.old.ingredient, conflict.state(), conflict.days)
            waits.setdefault(key, []).append(name)
    for (old, state, days), names in waits.items():
        target = ", ".join(names)
        if all(_is_maoi(n) for n in names):
            lines.append(f"{old} {state}: stop it at least {days} days before {target}.")
        else:
            lines.append(f"{old} (an MAOI) {state}: at least {days} days off it before {target}.")
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
    patterns = _name_patterns() if maoi_on_record(record) else _maoi_patterns()
    # The substring test first: most names are not in the text at all, and it is far cheaper
    # than the word-boundary search it guards (which needs the substring to match).
    named = [name for name, word in patterns if name in text and word.search(text)]
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
    return tuple((name, word) for name, word in _name_patterns() if _is_maoi(name))
