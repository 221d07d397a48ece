"""The baseline labs of a lithium start or raise (review 11 finding 1).

CANMAT 2023 para 164 (services/data/augmentation_monitoring.csv, the lithium row's `monitoring`
and `baseline_tests`): lithium level, electrolytes, calcium, creatinine/eGFR and TSH at baseline
and every 6-12 months. The order hook used to compare only an existing level, so a lithium start
at 77 with no TSH, sodium or level on record passed silently.

A test counts when a result is on record within policy.lab_recent_days (an older one is named
with its date, as old: a baseline from years ago is not one). The level is asked for only when
lithium already runs (a raise): a level before the first dose measures nothing. A test the
service does not read at all (calcium: no code in fhir_mapping's lab table) is never called
missing: the card says it was not read and asks to check it in the chart, and it alone never
raises the card (every lithium order would get one). So with a TSH whose results may not all
have been received (the `labsSI` key, which carries the TSH assay codes, not sent: review s19
M3): "not known", never "none on record".

A test written "+crcl" in `baseline_tests` is accepted, not asked for (lab61 item 1): a creatinine
clearance on record (LOINC 35591-7, 2164-2: the renal bands read it beside the eGFR since renal50)
is a renal baseline, named with its value and band, but the card names and asks for what the
guideline does ("creatinine or eGFR"), and says "none on record" of those alone, whose absence the
`labs` key proves: the `labsSI` key that carries the clearance not being received leaves a
creatinine still wanting (the safer reading: a lithium start with no renal test seen is asked for).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from importlib import resources

from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.record import DataGap, LabResult
from services import lab_readings, lab_safety, local_levels, renal_doses, renal_table
from services.card_format import plural
from services.rules.context import RuleContext

_LEVEL = "lithium"


@dataclass(frozen=True, slots=True)
class BaselineRow:
    monitoring: str  # what the table says is monitored, as the card quotes it
    cite: str  # the short citation a card gives ("CANMAT 2023 para 164")
    # What the card's Source line prints (the table's `cite`): the long `source` names internal
    # files and review notes and stays in the table (recheck 11 finding 12).
    source_cite: str
    tests: tuple[tuple[str, ...], ...]  # each: the tests any one of which is enough
    # The tests accepted but not named or asked for ("+crcl": module doc, lab61 item 1).
    accepted: frozenset[str]
    source: str
    status: str


@cache
def baseline_row() -> BaselineRow | None:
    """The lithium row of data/augmentation_monitoring.csv (its `baseline_tests`)."""
    text = resources.files("services").joinpath("data/augmentation_monitoring.csv")
    for row in csv.DictReader(text.read_text("utf-8").splitlines()):
        if row["agent"].strip().lower() == "lithium" and row.get("baseline_tests", "").strip():
            return BaselineRow(
                monitoring=row["monitoring"],
                cite=row["baseline_cite"].strip(),
                source_cite=row["cite"].strip(),
                tests=tuple(
                    tuple(t.lstrip("+") for t in group.split("|") if t)
                    for group in row["baseline_tests"].split(";")
                    if group
                ),
                accepted=frozenset(
                    t[1:]
                    for t in row["baseline_tests"].replace(";", "|").split("|")
                    if t[:1] == "+"
                ),
                source=row["source"],
                status=row["status"],
            )
    return None


@dataclass(frozen=True, slots=True)
class BaselineTest:
    name: str  # "TSH", "creatinine or eGFR"
    latest: LabResult | None  # the latest result of any of its tests
    recent: bool  # `latest` is within policy.lab_recent_days
    read: bool  # the service reads this test at all
    # Not found recently, but a key that may carry it was not received (TSH under its assay
    # codes, the `labsSI` key: review s19 M3): its absence is not known.
    unknown: bool = False
    group: tuple[str, ...] = ()  # its lab concepts ("tsh"; "creatinine", "egfr")
    # An open order for it, in a card's words ("ordered 2026-11-25"), set by the lithium
    # monitoring card (rules/lithium_due_orders.py, lab57 item 2); "" when none or not looked up.
    ordered: str = ""
    # Results of its tests named by text under a code this service does not know
    # (lab_readings.unrecognised, lab61), in a card's words ("creatinine clearance of
    # 2026-11-20"): the line points to them (lab63 item 3: "none on record" beside a clearance
    # read by its name said less than the record shows). () when none.
    unread: tuple[str, ...] = ()

    @property
    def wanting(self) -> bool:
        """Not on record recently (a test never read, or one whose results may not all have
        been received, is not said to be missing)."""
        return self.read and not self.recent and not self.unknown

    def line(self, recent_days: int) -> str:
        if not self.read:
            return f"- {self.name}: not read by this service; check it in the chart"
        if self.unknown:
            # The card's gap line (fhir_mapping.gaps.SI_LABS_NOT_RECEIVED) says what was not
            # received; the last result seen, if any, is still named.
            last = f" (last {lab_safety.text(self.latest)})" if self.latest is not None else ""
            return (
                f"- {self.name}: not known{last}: not all results were received from the EHR; "
                "check it in the chart"
            )
        # Already ordered: the card asks for the draw, not an order (lab57 item 2).
        draw = f"; {self.ordered}: check for it (drawn, resulted)" if self.ordered else ""
        # What was named but not read is said on the line it would answer (lab63 item 3).
        seen = (
            f"; {' and '.join(self.unread)} under a code this service does not know, not read: "
            "check its value in the chart (data not read, below)"
            if self.unread
            else ""
        )
        if self.latest is None:
            return f"- {self.name}: **none on record**{seen}{draw}"
        label = lab_safety.LABEL.get(self.latest.test, self.latest.test)
        shown = f"{label} {lab_safety.text(self.latest)}"
        if not self.recent:
            # "TSH: last 2.1 ..."; of a pair, which one: "creatinine or eGFR: last eGFR 38 ..."
            which = shown if " or " in self.name else lab_safety.text(self.latest)
            return (
                f"- {self.name}: **last {which}, over {plural(recent_days, 'day')} ago**"
                f"{seen}{draw}"
            )
        flagged = abnormal(self.latest)
        return f"- {shown}: **{flagged}**" if flagged else f"- {shown}"


def abnormal(lab: LabResult) -> str:
    """Why a baseline result on record is not a reassuring one, or "": an eGFR in a renal band
    of the lithium label (services/data/renal_doses.csv, the renal card's table), else a result
    the lab flagged low or high. Listed bare, an eGFR of 25 read as a satisfied baseline
    (recheck 11 finding 2). The band is found as the renal card finds it (renal_doses.Egfr.row,
    review 11 wave 4): "< 30" is in the band below 30 (severe), never the one from 30; "> 60" is
    in no band."""
    if lab.test in ("egfr", "crcl"):  # a creatinine clearance in the same bands (lab61 item 1)
        number = lab_safety.value(lab)
        egfr = (
            renal_doses.Egfr(lab=lab, value=number, recent=True, later_unread=None, test=lab.test)
            if number is not None
            else None
        )
        row = egfr.row(_LEVEL) if egfr is not None else None
        if row is not None and egfr is not None:
            # A bound ("< 60") that does not settle the band: the worst band it may be in.
            may = f"may be {egfr.may_be(row)}: in the " if egfr.may_be(row) else ""
            said = (
                f"{may}{row.band} band of the lithium label ({row.short}; {renal_doses.cite(row)})"
            )
            # A clearance normalised to 1.73 m2 read on the label's mL/min bands (lab63 item 2).
            indexed = renal_table.indexed_note(lab.test, lab.unit)
            said += f", {indexed}" if indexed else ""
            # The bands the order hook raises a renal card for (the table's at_order); the mild
            # band makes none, so its line is said here in full.
            return f"{said}: see the renal card" if row.at_order else said
    if lab.flag in ("low", "high"):
        return f"flagged {lab.flag} by the lab"
    return ""


def baseline(ctx: RuleContext, *, starting: bool) -> tuple[BaselineTest, ...]:
    """Each baseline test with its latest result; the level only for a raise."""
    row = baseline_row()
    if row is None:
        return ()
    known = lab_ranges()
    found: list[BaselineTest] = []
    for group in row.tests:
        if starting and group == (_LEVEL,):
            continue
        asked = tuple(t for t in group if t not in row.accepted) or group
        name = " or ".join(lab_safety.LABEL.get(t, t) for t in asked)
        read = any(t in known for t in group)
        latest = lab_safety.latest(ctx.record, *group) if read else None
        recent = latest is not None and lab_safety.is_recent(ctx.record, ctx.policy, latest)
        # Only a test the card asks for makes its absence "not known" (module doc).
        unknown = not recent and any(lab_safety.labs_si_missing(ctx.record, t) for t in asked)
        unread = () if recent else _named_unread(ctx, group)
        found.append(BaselineTest(name, latest, recent, read, unknown, group, unread=unread))
    return tuple(found)


def _named_unread(ctx: RuleContext, group: tuple[str, ...]) -> tuple[str, ...]:
    """The results of `group`'s tests within policy.lab_recent_days named by text under a code
    this service does not know (lab_readings.unrecognised), each "creatinine clearance of
    2026-11-20" (lab63 item 3), or with the value its name reads it as, "sodium 127 mmol/L on
    2026-11-20" (data/lab_lookalike_terms.csv `compared named`: labs70, review K71a finding 2)."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.lab_recent_days)
    return tuple(
        f"{lab_safety.LABEL.get(test, test)}" + _of(g)
        for test in group
        for g in lab_readings.unrecognised(ctx.record, test, since)
    )


def _of(gap: DataGap) -> str:
    if gap.lab is not None and gap.lab.value is not None:
        return f" {local_levels.value_words(gap)}"
    return f" of {gap.date.isoformat()}" if gap.date else ""


def short_missing(tests: tuple[BaselineTest, ...], recent_days: int) -> str:
    """ "no TSH or sodium in 365 days": the wanting tests, for a summary (true whether there is
    none at all or only an older one)."""
    names = [t.name for t in tests if t.wanting and not t.unread]
    # One named under a local code is said so, never "no sodium in 365 days" beside a sodium
    # of last week (labs70, review K71a finding 2).
    local = [f"{t.unread[0]} under a local code: read it" for t in tests if t.wanting and t.unread]
    if not names:
        return "; ".join(local)
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
    return "; ".join([f"no {listed} in {plural(recent_days, 'day')}", *local])
