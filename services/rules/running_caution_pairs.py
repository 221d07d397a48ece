"""The pairs of the running-drug caution card (running_cautions.py says which rows apply and
why): each running drug (`running`: the latest running course of each ingredient, not on hold,
then the drugs an active resource lists without a readable date) against the drug_cautions.csv
rows, a raised transaminase standing for liver disease (nefazodone, duloxetine), and the
condition_drug_rules.csv "never" rows whose finding or screen is on record; a pair a pathway card
of this screen already names is left to it. `Pair` is how the card names one.

Apart from the card because it is what the card is about, read from the record and the tables,
not how the card says it; `running` is read by the other running-drug cards (QTc, sodium, renal,
hepatic, blood pressure, anticholinergic burden, lithium level) as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from fhir_mapping.record import Finding, FindingKind, Trial
from services import (
    cards,
    drug_rules,
    drugs,
    finding_words,
    pacing,
    tables,
    transaminases,
    trial_dates,
)
from services.card_format import record_cite
from services.drug_rules import Choice
from services.finding_words import resolved_text
from services.interaction_table import Taking
from services.rules import optimize_switch_augment, populations
from services.rules.context import RuleContext
from services.rules.per_context import once_per_context
from services.rules.populations import Restriction

# What the card asks when a row says nothing of its own about a running course.
REVIEW = "review whether it should continue"
_NEVER = Choice.NEVER
_LIVER = FindingKind.LIVER_DISEASE


@dataclass(frozen=True, slots=True)
class Pair:
    """A running drug and a row that rules against it for a finding on record."""

    taking: Taking
    kind: FindingKind
    # How the finding is named: "Epilepsy (http://hl7.org/fhir/sid/icd-10-cm G40.909, since
    # 2019-03-04; Condition/c1)", or a screen with what it is read as.
    finding: str
    # For the summary: the finding's display, or "AUDIT-C 10 on 2025-05-19" (never how the total
    # was got: "computed from items" is said in `finding`).
    short: str
    onset: str | None  # Finding.onset_phrase: "since 2024 (year only)", "recorded 2026-01-05"
    note: str
    advice: str  # what to do with the running course
    cite: str  # the short citation ("Cymbalta label 5.2"); "" for drug_cautions.csv rows
    # What the bullet's "Source:" names: a drug_cautions.csv row's `cite` ("" for the rows whose
    # cite follows the note). Never a table's `source` notes (how each fact was read), which stay
    # in the table for auditors (review 11; H14).
    source: str
    unverified: bool = False
    screen: bool = False  # a screening score stands for the finding: no diagnosis coded
    # The code set a condition row narrows its finding kind to ("alcohol-use": duloxetine's
    # row); "" for a row about the whole kind.
    code_set: str = ""
    # What the record adds to the finding in the summary, after its date: " (resolved
    # 2025-01-10)" for a finding no longer active, whose onset ("since ...") is then left out
    # (s26 item 1: a resolved complete heart block read "on record since 2026-09-01" as a
    # current block); " and a pacemaker in use" beside a paced block (s26 item 2). "" mostly.
    state: str = ""
    # The finding's code ("system|code"; "" for a screen or a result standing for it) and whether
    # it is active: the optimise card's hold names one reason per drug and code, the active
    # finding before the same code resolved (`one_per_finding`).
    code: str = ""
    active: bool = True
    # The row is critical for a running course (drug_rules.RunningCaution.indicator, as the
    # record's pacing leaves it: pacing.Pacing.critical): the card is critical, as the order
    # card for the same row is (review s26 RN finding 3: an unpaced complete heart block beside
    # running nortriptyline was a warning that only asked to review).
    critical: bool = False
    # What the summary asks of the running course: the row's `running_short` while it is
    # critical ("contraindicated (ECG and cardiology now; do not stop it abruptly)"), else REVIEW.
    ask: str = REVIEW
    # An information pair (a teratogen running where pregnancy is possible, none on record:
    # rules/running_childbearing.py): the card is information when its pairs all are, and the
    # optimise card holds nothing for it. `key` stands for the kind in the snooze fingerprint;
    # `short_note` for the note in the summary ("" for both: the kind's value, the note).
    info: bool = False
    key: str = ""
    short_note: str = ""

    def with_finding(self, dated: bool = False) -> str:
        """ "with Epilepsy on record", "with AUDIT-C 10 on 2025-05-19" (a screen, not a record
        of a diagnosis); `dated`: with the finding's onset ("on record since 2024-03-01")."""
        head = f"with {self.short}" if self.screen else f"with {self.short} on record"
        when = f" {self.onset}" if dated and self.onset else ""
        return f"{head}{when}{self.state}"

    def dosed(self) -> str:
        """ "bupropion 300 mg/day", "paroxetine (dose not read)", "thioridazine 50 mg/day listed
        (last confirmed 2016)" for a course only an old statement keeps running."""
        t = self.taking
        dose = f"{cards.fmt_mg(t.mg_per_day)} mg/day" if t.mg_per_day is not None else ""
        head = f"{t.ingredient} {dose}" if dose else f"{t.ingredient} (dose not read)"
        return head if t.confirmed else f"{head} {t.state()}"

    def drug(self) -> str:
        """ "Bupropion 300 mg/day since 2024-09-02": `dosed` with the course's start."""
        t, dosed = self.taking, self.dosed()
        if t.start is None or not t.confirmed:
            return f"{dosed[0].upper()}{dosed[1:]}"
        if t.mg_per_day is None:
            return f"{dosed[0].upper()}{dosed[1:]} since {t.start.isoformat()}"
        # "Bupropion since 2024-09-02; 300 mg/day since 2025-01-06" when the dose began later
        # (trial_dates.named_since: review s20 item 1).
        dose = f"{cards.fmt_mg(t.mg_per_day)} mg/day"
        named, since = trial_dates.named_since(
            t.ingredient, dose, t.start.isoformat(), t.dose_began
        )
        return f"{named[0].upper()}{named[1:]} {since}"

    def text(self, ask: bool = True) -> str:
        """One markdown bullet: the drug, the finding, the row's note, what to do, the source.
        `ask` False: a listed course said without asking whether it is still taken (Taking.text:
        another line of the card asks it)."""
        taking = self.taking.text(ask)
        return (
            f"- **{self.taking.ingredient.capitalize()} with {self.short}:** "
            f"{taking[0].upper()}{taking[1:]}; {self.finding}. {self._advice()}"
        )

    def consequence(self) -> str:
        """The bullet without the finding, for a card that names the finding once above its
        lines (rules/alcohol_once.py): "- **Duloxetine 60 mg/day, running since 2025-12-01:**
        Ordinarily not prescribed ... (Cymbalta label 5.2): review whether it should continue."
        """
        taking = self.taking.text()
        return f"- **{taking[0].upper()}{taking[1:]}:** {self._advice()}"

    def _advice(self) -> str:
        """The row's note with its cite, what to do, and the source."""
        flag = " (UNVERIFIED)" if self.unverified else ""
        # The flag goes with the cite the bullet prints: after "Source:", else after the note's.
        cite = f" ({self.cite}{'' if self.source else flag})" if self.cite else ""
        note = f"{self.note[0].upper()}{self.note[1:]}{cite}"
        # The row's own advice for a running course is a sentence of its own (paroxetine: the
        # note says "avoid starting it", the advice what to do once it runs).
        advice = (
            f"{note}: {self.advice}."
            if self.advice == REVIEW
            else f"{note}. {self.advice[0].upper()}{self.advice[1:]}."
        )
        return advice + (f" Source: {self.source}{flag}." if self.source else "")


def _named(finding: Finding) -> str:
    when = finding.onset_phrase or "date not recorded"
    if finding.state != "active":
        # History with its dates (as pathway_contraindications names one): "since" alone read a
        # resolved heart block as current (s26 item 1).
        when = f"{finding.onset_text or 'onset not recorded'}, {resolved_text(finding)}"
    # The Condition's id only when it has no onset to name it by (cards.record_cite).
    source = record_cite(finding.source, finding.onset is not None, "; {}")
    return f"{finding.display} ({finding.coding}, {when}{source})"


def _state(finding: Finding) -> tuple[str | None, str]:
    """(the onset a summary dates the finding by, what it adds after it): a finding no longer
    active is dated by when it ended, never "since" its onset (s26 item 1)."""
    if finding.state == "active":
        return finding.onset_phrase, ""
    return None, f" ({resolved_text(finding, '')})"


def _code(finding: Finding) -> str:
    return f"{finding.system}|{finding.code}"


def one_per_finding(found: Sequence[Pair]) -> list[Pair]:
    """One pair per drug and finding code, in order: the active finding's pair where the same
    code is on record active and resolved (two table rows, the current block's and the past
    block's, each found the Condition of its own state). The optimise card's hold names each
    reason once (review s26 RK1 finding 1: "nortriptyline with complete heart block on record;
    nortriptyline with complete heart block on record (resolved 2025-01-10)"); the active one is
    what holds the raise now. A pair with no code (a screen) is one finding by its words."""
    kept: dict[tuple[str, str], Pair] = {}
    for pair in found:
        key = (pair.taking.ingredient, pair.code or pair.short.casefold())
        before = kept.get(key)
        if before is None or (pair.active and not before.active):
            kept[key] = pair  # a replaced value keeps its key's place: the order stands
    return list(kept.values())


def _latest(found: tuple[Finding, ...]) -> Finding:
    """The finding with the latest onset (undated ones count as oldest), as populations.py
    names it."""
    return max(found, key=lambda f: f.onset or date.min)


# Asked by every running-drug card of an evaluation (sodium, QTc, renal, hepatic, blood pressure,
# anticholinergic, lithium): read once per evaluation (issue 14).
@once_per_context
def running(ctx: RuleContext) -> tuple[tuple[Taking, str], ...]:
    """Each running drug once, with its drug-table class: the latest running course of each
    ingredient (not on hold), then the drugs an active resource lists without a readable date
    (also the drugs the low-sodium card weighs: rules/running_sodium.py)."""
    latest: dict[str, Trial] = {}
    for trial in sorted(ctx.record.trials, key=lambda t: (t.end, t.start)):
        if trial.ongoing and trial.on_hold is None:
            latest[trial.ingredient] = trial
    found = [(Taking.of_trial(t), t.drug_class) for t in latest.values()]
    known = set(latest)
    for gap in ctx.record.gaps:
        for ingredient in gap.taken_now:
            if ingredient not in known:
                known.add(ingredient)
                info = drugs.info(ingredient)
                taking = Taking(ingredient, None, None, False, gap.source)
                found.append((taking, info.drug_class if info is not None else ""))
    return tuple(found)


def _barring_rows(ctx: RuleContext) -> list[Restriction]:
    """The condition_drug_rules.csv "never" rows whose finding (or screen) is on record, and the
    "caveat" rows said for a running drug (populations.running_caveat)."""
    return [
        r
        for r in ctx.population.applying
        if r.rule.finding is not None
        and (r.rule.choice is _NEVER or populations.running_caveat(r.rule))
    ]


def _said_elsewhere(ctx: RuleContext) -> set[tuple[str, FindingKind]]:
    """(ingredient, finding kind) pairs a pathway card of this screen names for a running drug."""
    facts = ctx.facts
    said: set[tuple[str, FindingKind]] = set()
    if not facts.active:
        return said  # no pathway card is evaluated
    # The psychotic-depression variant of the optimise card names every barred running
    # antidepressant with the first "never" rule populations.never finds for it.
    if optimize_switch_augment.speaks_to_psychotic_features(ctx):
        for trial in facts.ongoing_trials:
            barred = populations.never(ctx, trial.ingredient, trial.drug_class)
            if barred is not None and barred.rule.finding is not None:
                said.add((trial.ingredient, barred.rule.finding))
    return said


def pairs(ctx: RuleContext) -> list[Pair]:
    """Every (running drug, row) pair for a finding on record, drug_cautions.csv rows first, in
    table order; a pair another card names is left out (`_said_elsewhere`)."""
    cautions = ctx.facts.cautions  # the drug_cautions.csv rows whose finding is on record
    barring = _barring_rows(ctx)
    # A recent ALT or AST at or above the policy's multiple of its ULN (review 12 H10): it stands
    # for liver disease for nefazodone and duloxetine only (services/transaminases.py).
    raised = transaminases.raised(ctx.record, ctx.policy)
    if not cautions and not barring and raised is None:
        return []  # nearly every chart
    taken = running(ctx)
    if not taken:
        return []
    # A pacemaker in use makes a row with paced words say them (services/pacing.py, the rule the
    # order hooks follow: s26 item 2); a Device with no status is named, the row unchanged.
    paced = (
        pacing.reading(ctx)
        if any(c.if_paced_running for c in drug_rules.running_cautions())
        else pacing.NOT_PACED
    )
    # A row on record replaces the rows of the same drug it supersedes (a complete heart
    # block's row, a first-degree block's and a past block's), as at an order (tables.superseded,
    # the one rule; review s26 RN finding 3: this card said both pairs).
    coded = {
        c.finding.value for c in drug_rules.running_cautions() if ctx.facts.findings_of(c.finding)
    }
    found: list[Pair] = []
    seen: set[tuple[str, FindingKind]] = set()
    for caution in drug_rules.running_cautions():
        of_kind = ctx.facts.findings_of(caution.finding)
        if not of_kind or caution.finding in tables.superseded(caution.ingredient, coded):
            continue
        # The latest of the kind itself before a single event of it (a seizure disorder before
        # a seizure), a single event said as one (finding_words; review 19 D1).
        finding = _latest(tuple(f for f in of_kind if f.named_as is None) or of_kind)
        held = finding_words.applied(finding)
        onset, state = _state(finding)
        note, advice = caution.note, caution.if_running or REVIEW
        pacer = paced.words(caution.if_paced_running)
        if paced.softens(caution.if_paced_running):
            note, _, advice = caution.if_paced_running.partition(". ")
            state += " and a pacemaker in use"
        critical = paced.critical(caution.indicator, caution.if_paced_running)
        for taking, _ in taken:
            if taking.ingredient != caution.ingredient:
                continue
            seen.add((taking.ingredient, caution.finding))
            found.append(
                Pair(
                    taking,
                    caution.finding,
                    _named(finding) + (f", {held}" if held else "") + pacer,
                    finding_words.short(finding),
                    onset,
                    note,
                    advice,
                    "",
                    caution.cite,
                    caution.status == "UNVERIFIED",
                    state=state,
                    code=_code(finding),
                    active=finding.state == "active",
                    critical=critical,
                    ask=caution.short if critical and caution.short else REVIEW,
                )
            )
    if raised is not None:
        found.extend(_transaminase_pairs(taken, raised, seen))
    for restriction in barring:
        rule = restriction.rule
        kind = rule.finding
        if kind is None:
            continue  # not a condition row (_barring_rows keeps none)
        matching = rule.matching(ctx.facts.findings_of(kind))
        for taking, drug_class in taken:
            if (taking.ingredient, kind) in seen or not rule.covers(taking.ingredient, drug_class):
                continue
            seen.add((taking.ingredient, kind))
            state, code, active = "", "", True
            if matching:  # a coded finding
                latest = _latest(matching)
                named, short = _named(latest), latest.display
                onset, state = _state(latest)
                code, active = _code(latest), latest.state == "active"
            else:  # a screen at the clinic's cut-off (populations.screen_at_cut_off): none coded
                named, short, onset = (
                    f"{restriction.why}: {restriction.basis}",
                    restriction.screen or restriction.why,
                    None,
                )
            found.append(
                Pair(
                    taking,
                    kind,
                    named,
                    short,
                    onset,
                    rule.note,
                    REVIEW,
                    rule.cite,
                    "",  # the cite follows the note
                    screen=not matching,
                    code_set=rule.finding_codes.name if rule.finding_codes is not None else "",
                    state=state,
                    code=code,
                    active=active,
                )
            )
    if not found:
        return []
    elsewhere = _said_elsewhere(ctx)
    return [p for p in found if (p.taking.ingredient, p.kind) not in elsewhere]


def _transaminase_pairs(
    taken: Sequence[tuple[Taking, str]],
    raised: transaminases.Raised,
    seen: set[tuple[str, FindingKind]],
) -> list[Pair]:
    """Running nefazodone or duloxetine with no liver disease coded (a coded one made its pair
    above, from drug_cautions.csv) and a raised transaminase: named as the result, with its value,
    date and ULN, as a screen is (no diagnosis coded)."""
    found: list[Pair] = []
    for taking, _ in taken:
        caution = transaminases.caution_for(taking.ingredient)
        if caution is None or (taking.ingredient, _LIVER) in seen:
            continue
        seen.add((taking.ingredient, _LIVER))
        found.append(
            Pair(
                taking,
                _LIVER,
                f"{raised.text()}; no liver disease coded",
                raised.short(),
                None,
                caution.note,
                caution.if_running or REVIEW,
                caution.cite,
                "",  # the cite follows the note
                caution.status == "UNVERIFIED",
                screen=True,
            )
        )
    return found
