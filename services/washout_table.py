"""The MAOI washout table (data/maoi_washout.csv): one row per drug with its kind, half-life,
intervals and source, and the interval a pair of rows needs. Separate from the checks that apply it
(washout.py) and the words that explain it (washout_words.py). See washout.py for the clinical why.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from fhir_mapping.record import Role

# maob: an oral MAO-B inhibitor for Parkinson disease (rasagiline, safinamide), whose labels
# still forbid the MAOI combinations (review finding 5).
MAOI_KINDS = frozenset({"maoi", "rima", "maoi-acting", "maob"})
# The drugs an MAOI must not meet: antidepressants (serotonergic, noradrenergic), serotonergic
# opioids and dextromethorphan (serotonin toxicity), sympathomimetic stimulants (hypertensive
# crisis), serotonergic herbal supplements (St John's wort: the Emsam label), and the triptans
# metabolised by MAO-A (sumatriptan, rizatriptan, zolmitriptan: their labels contraindicate an
# MAO-A inhibitor and the 2 weeks after one; review s23 RD leftover 1), and buspirone, an
# anxiolytic adjunct whose label contraindicates an MAOI and the 14 days either side (fix meds49:
# a phenelzine chart with a buspirone draft got no card).
# Which risk a pair carries is each row's `risk` column.
INTERACTING_KINDS = frozenset(
    {
        "serotonergic",
        "noradrenergic",
        "opioid",
        "antitussive",
        "stimulant",
        "herbal",
        "triptan",
        "anxiolytic",
    }
)
NOT_ANTIDEPRESSANT_KINDS = frozenset(
    {"opioid", "antitussive", "stimulant", "herbal", "triptan", "anxiolytic"}
)
# Kinds taken as needed, for attacks: an MAOI card says such a drug is not to be taken during the
# MAOI either (washout.Conflict), not only "stop it" before the first dose.
AS_NEEDED_KINDS = frozenset({"triptan"})
# CPS 2023 Table 5 (REFERENCE.md 1.7): to or from an irreversible MAOI, 2 weeks. Used for an
# antidepressant the table does not list (the safer guess), never instead of a listed value.
_FALLBACK_DAYS = 14


@dataclass(frozen=True, slots=True)
class WashoutRow:
    ingredient: str
    # maoi | rima | maoi-acting | maob | serotonergic | noradrenergic | opioid | antitussive |
    # stimulant | herbal | triptan | anxiolytic | none
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
    # The short citation a card prints ("CPS 2023 Table 5"); the long `source` (how each
    # interval was derived and checked) stays in the table (recheck 11 finding 12). Empty: the
    # source is printed.
    cite: str = ""
    # An MAO-B inhibitor whose label does not recommend (but does not contraindicate) these
    # antidepressant classes with it (rasagiline: SSRI, SNRI, TCA), and what to say when one is
    # ordered while it runs: watch for serotonin syndrome, not "stop it first" (audit 16 f01:
    # stopping a Parkinson's drug has its own harm). Empty: the washout applies as for any MAOI.
    not_recommended_with: frozenset[str] = frozenset()
    with_running: str = ""
    # A drug whose stopping has its own harm (methadone and buprenorphine, which treat opioid use
    # disorder: withdrawal, relapse and overdose; FDA DSC 2019-04-09): an MAOI ordered while it
    # runs says not to stop it for the MAOI and to prefer another antidepressant, never "stop
    # buprenorphine at least 14 days first" (session 21, review RF's interaction fix). Empty: none.
    stopping_harm: str = ""
    # The MAOI kinds this drug must not meet; empty: every MAOI kind. A triptan's label names
    # MAO-A inhibitors (sumatriptan, zolmitriptan) or MAO-A and non-selective ones (rizatriptan):
    # the MAO-B inhibitors for Parkinson disease are not among them (review s23 RD leftover 1).
    meets_maoi: frozenset[str] = frozenset()

    def meets(self, maoi: WashoutRow) -> bool:
        """Whether this (non-MAOI) drug conflicts with the MAOI row at all."""
        return not self.meets_maoi or maoi.kind in self.meets_maoi

    @property
    def shown_cite(self) -> str:
        return self.cite or self.source

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
            cite=row["cite"].strip(),
            not_recommended_with=frozenset(
                c.strip() for c in (row.get("not_recommended_with") or "").split(";") if c.strip()
            ),
            with_running=(row.get("with_running") or "").strip(),
            stopping_harm=(row.get("stopping_harm") or "").strip(),
            meets_maoi=frozenset(
                k.strip() for k in (row.get("meets_maoi") or "").split(";") if k.strip()
            ),
        )
        for row in csv.DictReader(text.splitlines())
    }


def longest_washout_days() -> int:
    """The longest interval of the table, either way round an MAOI (fluoxetine's 35 days): no
    record to confirm younger than this is set aside (MappingPolicy.maybe_running_days)."""
    days = [
        d
        for row in table().values()
        for d in (row.days_before_maoi, row.days_after_maoi, _FALLBACK_DAYS)
        if d is not None
    ]
    return max(days)


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
                "no washout row for this drug: treated as serotonergic with the 2-week interval "
                "of CPS 2023 Table 5"
            ),
            status="UNVERIFIED",
            basis="minimum",
        )
    return found


def days_needed(old: WashoutRow, new: WashoutRow) -> int | None:
    """Days off `old` before `new` may start; None when the pair needs no MAOI washout."""
    if old.ingredient == new.ingredient:
        return None
    if old.is_maoi and new.is_maoi:
        return old.days_after_maoi
    if old.is_maoi and new.interacts:
        if not new.meets(old):
            return None
        own = old.days_after_maoi or 0
        # 24 hours after linezolid whatever follows; after a true MAOI the longer of the two
        # (clomipramine and imipramine need 3 weeks, CPS 2023 Table 5).
        return own if old.kind == "maoi-acting" else max(own, new.days_after_maoi or 0)
    if old.interacts and new.is_maoi:
        return old.days_before_maoi if old.meets(new) else None
    return None


def is_maoi(ingredient: str) -> bool:
    # The table's own row: a drug without one is read as serotonergic (row_for), never an MAOI.
    return ingredient.lower() in maoi_names()


@cache
def maoi_names() -> frozenset[str]:
    """The ingredients whose row is an MAOI: one set look-up per drug, where is_maoi is asked of
    every trial of a chart several times per evaluation (issue 14)."""
    return frozenset(name for name, row in table().items() if row.is_maoi)
