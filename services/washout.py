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

This module holds the checks (what a start would run into); the table is washout_table.py, its
wording washout_words.py, the washout line of a switch card washout_switch.py, the conflicts
of one draft of the order by the drafts' timing washout_drafts.py, and what the patient takes
and from which day each washout counts washout_exposures.py, where such a drug stands as a
card says it washout_state.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.record import DraftOrder, PatientRecord, Role
from services import cards, drug_names
from services.card_format import plural

# Re-exported: the exposures live apart (washout_exposures.py); callers read them from here.
from services.washout_exposures import Exposure as Exposure
from services.washout_exposures import exposures as exposures
from services.washout_state import old_state
from services.washout_table import (
    AS_NEEDED_KINDS,
    NOT_ANTIDEPRESSANT_KINDS,
    WashoutRow,
    days_needed,
    is_maoi,
    row_for,
)
from services.washout_words import KIND_TEXT, article, basis_text, risk_text, risk_words

# Re-exported: the order check (order_checks/maoi.py) words its cards with them, as
# washout.days_text and washout.kind_label (which the conflicts below use too).
from services.washout_words import days_text as days_text
from services.washout_words import kind_label as kind_label


@dataclass(frozen=True, slots=True)
class Conflict:
    new: str  # the drug being started
    new_row: WashoutRow
    old: Exposure
    days: int  # the washout needed between them
    as_of: date
    # The new drug's first dose day when its draft is dated after `as_of` (draft_timing.py);
    # None: it starts on `as_of`.
    starts: date | None = None

    @property
    def first_day(self) -> date:
        return self.starts if self.starts is not None else self.as_of

    @property
    def tapered(self) -> bool:
        """The old drug is taken down to a stop on a dated day by a draft of this same order
        (a switch written as a taper of the old drug and a later start of the new one)."""
        return self.old.on_order and self.old.end is not None

    def gap_text(self) -> str:
        """How the new drug's first dose stands to the old one's last: "5 days after", "on the
        day of", "before" (dates of the old drug's end, for a summary or a sentence)."""
        assert self.old.end is not None
        gap = (self.first_day - self.old.end).days
        if gap > 0:
            return f"{plural(gap, 'day')} after"
        return "on the day of" if gap == 0 else "before"

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

    @property
    def basis(self) -> str | None:
        """The short cite a card's source names for this conflict when it is not the MAOI
        topic's guideline (CPS 2023 Table 5 / Keks 2016), else None (review 14 i16, t04: the FDA
        methylene blue communication and the Emsam label cards carried the Keks 2016 source).
        Linezolid or IV methylene blue: the FDA communication its advice follows; otherwise
        the cite of the row the interval comes from, up to its first ";" (the rest is a note
        on that cite, kept in the detail)."""
        if self.urgent_use:
            return f"FDA Drug Safety Communication 2011 ({self.new})"
        cite = self.basis_row.cite
        if not cite or "CPS 2023 Table 5" in cite or "Keks" in cite:
            return None
        return cite.split(";", 1)[0].strip()

    @property
    def basis_row(self) -> WashoutRow:
        """The row the interval comes from: the drug being stopped, except after an MAOI where
        the new drug needs longer (clomipramine, imipramine), or a drug that is not an
        antidepressant (an opioid, a stimulant) after an MAOI: its own row holds the labelled
        interval after an MAOI, the MAOI's row only the antidepressant one."""
        old = self.old
        if old.row.is_maoi and (
            (self.new_row.days_after_maoi == self.days and old.row.days_after_maoi != self.days)
            or self.new_row.kind in NOT_ANTIDEPRESSANT_KINDS
        ):
            return self.new_row
        return old.row

    def state(self) -> str:
        """Where the old drug stands, as the end of a sentence about it (washout_state.py)."""
        return old_state(self.old, self.new, self.as_of)

    def days_off(self) -> str:
        """ "6 days" since the old drug's end, as a summary says it; "at least 6 days" when that
        end is only the day the record says it had ended by (`Exposure.ended_by`) or its
        order was recorded stopped by (`Exposure.supply_end`, `Exposure.end_not_recorded`)."""
        old = self.old
        ago = plural((self.as_of - old.end).days if old.end is not None else 0, "day")
        bound = old.ended_by or old.supply_end or old.end_not_recorded
        return f"at least {ago}" if bound else ago

    def confirm_text(self) -> str:
        """For an old drug whose last dose is not recorded, only the day its order was recorded
        stopped by (`Exposure.supply_end`): the last dose that would let the new drug start on
        its first day, to confirm with the patient. "" for every other conflict."""
        old = self.old
        if old.supply_end is None or old.end is None:
            return ""
        latest = self.first_day - timedelta(days=self.days)
        new, name = drug_names.shown(self.new), drug_names.shown(old.ingredient)
        return (
            f" Confirm the last {name} dose with the patient and the pharmacy record: if it was "
            f"on or before {latest.isoformat()}, {new} may start {self.first_day.isoformat()}"
        )

    def interval_text(self) -> str:
        """ "35 days (5 weeks; 5 half-lives of fluoxetine, t½ about 168 h with its active
        metabolite)"; "14 days (2 weeks; the 2-week minimum of CPS 2023 Table 5, longer than 5
        half-lives of sertraline, t½ about 26 h)". What the interval is comes from the row's
        `basis`: a half-life is named as the reason only where 5 of them make the interval
        (review finding 13), and "with its active metabolite" only where the row says so."""
        row = self.old.row
        extra = []
        if self.days % 7 == 0 and self.days >= 14:
            extra.append(f"{plural(self.days // 7, 'week')}")
        if self.into_maoi and row.days_before_maoi == self.days:
            extra.extend(part for part in (basis_text(row, self.old.ingredient),) if part)
        return f"{plural(self.days, 'day')}" + (f" ({'; '.join(extra)})" if extra else "")

    def why(self) -> str:
        """One markdown paragraph: the pair, where the old drug stands, the risk, when the new
        drug may start, and the source of the interval."""
        old = self.old
        # Display names ("St John's wort": review 14 recheck t04), never the table's lower case.
        name, new = drug_names.shown(old.ingredient), drug_names.shown(self.new)
        head = drug_names.shown_first(old.ingredient)
        if self.into_maoi:
            pair = f"**{head} → {new} ({KIND_TEXT[self.new_row.kind]})**"
        else:
            pair = f"**{head} ({KIND_TEXT[old.row.kind]}) → {new}**"
        cite = "" if old.on_order else cards.record_cite(old.cited, old.start is not None)
        start = self.earliest_start
        if start is not None and (self.tapered or self.starts is not None):
            # A dated switch (review s20 RB 1): the new drug's written start against the old
            # one's last dose, and the first safe day.
            assert old.end is not None
            when = (
                f"{new} is drafted to start {self.first_day.isoformat()}, {self.gap_text()} the "
                f"last {name} dose ({old.end.isoformat()}): not before {start.isoformat()}, at "
                f"least {self.interval_text()} after {name}"
            )
        elif old.on_order:
            when = (
                f"they cannot start together: {new} needs at least {self.interval_text()} off "
                f"{name}"
            )
        elif start is None and self.into_maoi and old.running and old.row.stopping_harm:
            # An opioid whose stopping has its own harm (WashoutRow.stopping_harm): the pair is
            # not to be made, and the card does not ask to stop the opioid for the MAOI.
            when = (
                f"{new} is not to be started while {name} runs, nor within "
                f"{self.interval_text()} of its last dose"
            )
        elif start is None:
            when = (
                f"stop {name}, then allow at least {self.interval_text()} before the "
                f"first dose of {new}"
            )
            if self.starts is not None:
                last = self.starts - timedelta(days=self.days)
                when += (
                    f" ({new} is drafted to start {self.starts.isoformat()}: the last {name} "
                    f"dose no later than {last.isoformat()})"
                )
        else:
            when = (
                f"{new} not before {start.isoformat()}: at least {self.interval_text()} after "
                f"{name}"
            )
        basis_row = self.basis_row
        unverified = " (UNVERIFIED)" if basis_row.status == "UNVERIFIED" else ""
        if self.urgent_use:
            return self._urgent_why(pair, cite, basis_row, unverified)
        return (
            f"{pair}: {name} {self.state()}{cite}. {article(kind_label(self.maoi_row))}"
            f" with {name if self.into_maoi else new} risks {self.risk}: "
            f"{when}.{self.confirm_text()}{'.' if old.supply_end else ''}{self._not_during()}"
            f" Interval: {basis_row.shown_cite}{unverified}."
        )

    def _not_during(self) -> str:
        """An MAOI ordered over a drug taken as needed (a triptan, WashoutRow.kind): stopping
        it once does not end it, the pack stays at home, so the card says it is not to be taken
        during the MAOI nor for the MAOI's interval after it (review s23 RD leftover 1)."""
        if not self.into_maoi or self.old.row.kind not in AS_NEEDED_KINDS:
            return ""
        after = self.old.row.days_after_maoi
        if after is None:
            return ""
        name, new = drug_names.shown(self.old.ingredient), drug_names.shown(self.new)
        return (
            f" Nor is {name} to be taken while {new} is taken or within "
            f"{plural(after, 'day')} of its last dose: plan another acute treatment."
        )

    @property
    def maoi_row(self) -> WashoutRow:
        return self.new_row if self.into_maoi else self.old.row

    def _urgent_why(self, pair: str, cite: str, basis_row: WashoutRow, unverified: str) -> str:
        """Linezolid / IV methylene blue over a serotonergic drug (FDA Drug Safety
        Communications 2011): give it when urgent, stop the other drug and monitor; otherwise
        an alternative. Never "wait weeks before the antibiotic"."""
        old = self.old
        name, new = drug_names.shown(old.ingredient), drug_names.shown(self.new)
        after = self.new_row.days_after_maoi or 1
        last = "24 hours" if after == 1 else f"{plural(after, 'day')}"
        stop = "" if old.end is not None and not old.running else f"stop {name}, "
        return (
            f"{pair}: {name} {self.state()}{cite}. {drug_names.shown_first(self.new)} acts as an MAOI; "
            f"with {name} it risks {self.risk}. **If the indication is urgent or "
            f"life-threatening, do not delay {new}:** {stop}give {new}, and monitor for "
            f"{self.risk} until {plural(self.days, 'day')} after the last {name} dose (its "
            f"washout) or until {last} after the last {new} dose, whichever comes first. If it "
            f"is not urgent, consider an alternative to {new}. Advice: {self.new_row.urgent_use}"
            f" ({self.new_row.status}). Washout of {name}: {basis_row.shown_cite}"
            f"{unverified}."
        )


def conflicts_for(
    ingredient: str,
    role: Role | None,
    record: PatientRecord,
    *,
    drafts: Sequence[DraftOrder] = (),
    known: Sequence[Exposure] | None = None,
    starts: date | None = None,
) -> list[Conflict]:
    """What starting `ingredient` now (or on `starts`, its draft's dated first dose when after
    the as-of day) would run into: courses running or stopped within their washout of that day,
    and other drugs on the same order. `known`: `exposures(record, drafts=drafts)` when the
    caller has read them already (one read for several candidates)."""
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
        day = starts if starts is not None else record.as_of
        # A drug put on hold on this order (Exposure.held) is expected to continue later: a
        # pair whatever the washout (order_checks/maoi_held.py, recheck K5 s28 finding 5).
        if old.running or old.end is None or old.held or (day - old.end).days < days:
            found.append(Conflict(new.ingredient, new, old, days, record.as_of, starts))
    return found


def maoi_on_record(record: PatientRecord) -> bool:
    """Whether any course on record is of an MAOI (running or not): without one, no course on
    record needs a washout before a non-MAOI, so the exposures need not be read at all."""
    return any(is_maoi(t.ingredient) for t in record.trials) or any(
        is_maoi(name) for gap in record.gaps for name in gap.taken_now
    )
