"""How the interaction card words a lithium pair from its dates (review s24 RN finding 9).

The lithium rows of data/drug_interactions.csv (an ACE inhibitor, an ARB, a thiazide or an NSAID
beside lithium) ask for "a lithium level in 5-7 days": the labels' check after either drug is
started, stopped or its dose changed. Said on every chart open, it fit a NEW pair only: lisinopril
taken since 2017 beside lithium since 2026-09-10, with a level drawn on 2026-11-20, read as if
the combination had just begun (rf21, lithium_target_age, lithium_level21 L3 and L4), and beside
the lithium card's own "repeat the level 5-7 days after" the dose change of 2026-11-17 it asked
for the same level twice (L1).

Here the pair is dated:

- it began on the later of the two starts, or the partner's latest dose change (`PairTiming.
  began`): the events the rows name. Lithium's own dose change is not the pair's: a level 5-7
  days after any lithium change is lithium's own check, with or without the partner, asked by
  the optimise card's lithium line (optimize/adjunct_level.py); the detail still names it here
  when no level at steady state follows it, so a chart without that card is not silent;
- NEW while no level drawn at steady state after it (data/level_monitoring.csv steady_from_days)
  is on record: "lithium level 5-7 days after 2026-11-28" within the steady window, "no lithium
  level since 2026-11-02: check one" after it;
- LONG-STANDING once such a level is on record: the summary cites it ("long-standing, last level
  0.3 on 2026-11-20") and asks for nothing new; "level due" when it is older than lithium's
  monitoring interval (level_monitoring.csv due_days);
- a partner with no readable start (an undated active record) keeps the row's own action: its
  start says nothing of how long the two have run together, and the safer reading is a new pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.record import LabResult
from services import cards, drug_names, lab_safety, level_monitoring, local_levels
from services.interaction_table import Pair, Taking
from services.level_monitoring import LevelInterval
from services.rules.context import RuleContext
from services.rules.lithium_level_reading import judged, latest_judged

LITHIUM = "lithium"


@dataclass(frozen=True, slots=True)
class PairTiming:
    lithium: Taking
    partner: Taking
    began: date  # the pair's latest start (or the partner's dose change)
    what: str  # what happened that day: "lithium started", "lisinopril dose changed"
    level: LabResult | None  # the latest readable lithium level
    steady: LevelInterval
    as_of: date
    # A later lithium result no check can compare (no value read, a unit not stated or not
    # read): named, never "no lithium level since" (session 29 RL: li02, li12)
    unread: LabResult | None = None
    # Lab results could not all be obtained: an absent level is "not checked" (li20)
    missing: str = ""
    # A later level named under a local code only, its value as read by the name ("1.6 mmol/L
    # on 2026-11-25": services/local_levels.py), dated then: never "no lithium level since"
    # beside it (labs70, review K71a finding 2). "" when none.
    local: str = ""
    local_date: date | None = None

    def _local_since(self) -> bool:
        return bool(self.local) and self.local_date is not None and self.local_date >= self.began

    def _settled_by(self) -> date:
        """The first day a level is that of the pair at steady state."""
        return self.began + timedelta(days=self.steady.steady_from_days)

    @property
    def checked(self) -> bool:
        """A level drawn at steady state after the pair began is on record: long-standing."""
        return self.level is not None and self.level.date >= self._settled_by()

    def _short_level(self) -> str:
        """ "0.3 on 2026-11-20": the summary's words for the last level."""
        assert self.level is not None
        number = lab_safety.value(self.level)
        if number is not None:
            # A bound keeps its sign (labs31 item 4: "> 3.0 mmol/L" read "last level 3").
            sign = f"{self.level.comparator} " if self.level.comparator else ""
            if self.level.value is not None and number != self.level.value:
                # Converted from mg/dL, mg/L or umol/L (labs71 finding 2: 0.5 mg/dL read
                # "last level 0.7205"): two decimals with the unit compared, as a level is said.
                shown = f"{number:.2f}".rstrip("0").rstrip(".")
                return f"{sign}{shown} mmol/L on {self.level.date.isoformat()}"
            return f"{sign}{cards.fmt_mg(number)} on {self.level.date.isoformat()}"
        # Not in a unit compared (session 29 RL: "last level a level on ..."): as sent, or the
        # lab's flag when no value came.
        if self.level.value is not None:
            return lab_safety.text(self.level)
        # "critical" alone for a critical call with no side (v3 AA: labs37 item 2)
        flag = self.level.flag
        side = (f"critical {flag}" if flag else "critical") if self.level.critical else flag
        return f"flagged {side} by the lab on {self.level.date.isoformat()}"

    def due(self) -> bool:
        """The last level is older than lithium's monitoring interval (level_monitoring.csv)."""
        return self.level is not None and self.steady.is_due(self.level.date, self.as_of)

    def act(self) -> str:
        """What the summary asks, in place of the row's "lithium level in 5-7 days"."""
        if self.checked:
            if self.due():
                return f"long-standing, level due (last {self._short_level()})"
            return f"long-standing, last level {self._short_level()}"
        if (self.as_of - self.began).days <= self.steady.steady_to_days:
            return f"lithium level {self.steady.steady_days()} after {self.began.isoformat()}"
        if self.unread is not None and self.unread.date >= self.began:
            return f"lithium level on {self.unread.date.isoformat()} not compared: read it"
        if self._local_since():  # short: the pair's summary has room for it
            return f"level {self.local} under a local code: read it"
        if self.level is None and self.missing:
            return f"lithium level not checked: {self.missing}"
        if self.level is not None and self.level.date >= self.began:
            # A level since, drawn before steady state (L1's 3 days): not the pair's level.
            return f"no steady-state lithium level since {self.began.isoformat()}: check one"
        return f"no lithium level since {self.began.isoformat()}: check one"

    def line(self) -> str:
        """The detail's sentence on the pair's dates and what follows from them."""
        began = f"Together since {self.began.isoformat()} ({self.what})"
        if self.checked:
            assert self.level is not None
            due = (
                f"; the level is due ({self.steady.interval}, {self.steady.cite})"
                if self.due()
                else ""
            )
            said = (
                f"{began}, with a level drawn since (on {self.level.date.isoformat()}): a "
                f"long-standing pair, no new level asked for it{due}. Check one "
                f"{self.steady.steady_days()} after either drug is started, stopped or its dose "
                "changed."
            )
        elif (self.as_of - self.began).days <= self.steady.steady_to_days:
            said = (
                f"{began}: a new pair; check a lithium level {self.steady.steady_days()} after "
                "that day, when it is at steady state."
            )
        elif self.unread is not None and self.unread.date >= self.began:
            said = (
                f"{began}: a lithium level on {self.unread.date.isoformat()} could not be "
                f"compared ({lab_safety.unread_words(self.unread)}): read its value and unit in "
                "the lab's report."
            )
        elif self._local_since():
            said = (
                f"{began}: a lithium level {self.local} under a local code: its code is one this "
                "service does not know, so it is not compared with a target: read its value and "
                "unit in the lab's report."
            )
        elif self.level is None and self.missing:
            said = f"{began}: lithium level not checked: {self.missing}."
        elif self.level is not None and self.level.date >= self.began:
            days = (self.level.date - self.began).days
            said = (
                f"{began}: the last level came {days} day{'s' if days != 1 else ''} after it, "
                f"before steady state ({self.steady.steady_days()}): check one now."
            )
        else:
            said = (
                f"{began}: no lithium level since; steady state is {self.steady.steady_days()} "
                "after it: check one now."
            )
        return said + self._lithium_change()

    def _lithium_change(self) -> str:
        """Lithium's own dose change after the pair began, with no level at steady state after
        it: lithium's own check (module docstring), named so no chart is silent on it."""
        changed = self.lithium.dose_began
        if changed is None or changed <= self.began:
            return ""
        steady = changed + timedelta(days=self.steady.steady_from_days)
        if self.level is not None and self.level.date >= steady:
            return ""
        return (
            f" Lithium's dose changed on {changed.isoformat()}: a level "
            f"{self.steady.steady_days()} after it is lithium's own check, with or without "
            f"{drug_names.shown(self.partner.ingredient)}."
        )


def of(ctx: RuleContext, pair: Pair) -> PairTiming | None:
    """The dates of a lithium pair of two drugs taken (not an order's draft); None for any
    other pair, a partner with no readable start, or no steady window on file."""
    if pair.ordered or LITHIUM not in pair.names():
        return None
    lithium, partner = (
        (pair.first, pair.second) if pair.first.ingredient == LITHIUM else (pair.second, pair.first)
    )
    steady = level_monitoring.interval_for(LITHIUM)
    if lithium.start is None or partner.start is None or steady is None:
        return None
    if not steady.steady_to_days:
        return None
    name = drug_names.shown(partner.ingredient)
    li = "lithium ordered, no fill yet" if lithium.awaiting_fill else "lithium started"  # orders39
    events = [(lithium.start, li), (partner.start, f"{name} started")]
    if partner.dose_began is not None:
        events.append((partner.dose_began, f"{name} dose changed"))
    began, what = max(events, key=lambda e: e[0])
    level = latest_judged(ctx.record)  # a lithium the lab called critical counts (labs37)
    last = lab_safety.latest(ctx.record, LITHIUM)
    unread = (
        last
        if last is not None and not judged(last) and (level is None or last.date > level.date)
        else None
    )
    record = ctx.record
    missing = lab_safety.labs_unread_words(record) if lab_safety.labs_missing(record) else ""
    local = local_levels.local_level(record, LITHIUM)
    return PairTiming(
        lithium,
        partner,
        began,
        what,
        level,
        steady,
        record.as_of,
        unread,
        missing,
        local_levels.value_words(local) if local is not None else "",
        local.date if local is not None else None,
    )
