"""A trial that was not a fair test of a drug the record now contraindicates (review s26 RK2
finding 4): said as "not to retry", never as a dose to review.

The adherence card asks of a trial below the minimum adequate dose to "review dose and adherence
before counting failures" ("Not a fair test yet ... below the minimum adequate 75 mg/day"). Of
nortriptyline 25 mg/day, stopped, beside an active unpaced complete heart block (I44.2) that read
as an invitation to retry the tricyclic at 75 mg/day, and the block was never named: the
running-drug card that calls it contraindicated speaks only while the drug runs.

Which trials: the drug has a drug_cautions.csv row whose finding is on record and active and
which is critical as the record leaves it (`running_indicator` critical, not softened by a
pacemaker in use: pacing.Pacing.critical, the one rule both hooks follow; not a row another row
on record supersedes: tables.superseded). The same rows that make the running-drug card
critical, read for a course whether it runs or not: the contraindication is the patient's, not
the course's.

Counted? Such a trial stays out of the failed-trial count, as any inadequate trial does
(fhir_mapping verdicts; pathway.failed_trials), and the card says so. It was not a test of the
drug's efficacy (below its adequate dose), and counting it would move the patient towards TMS,
esketamine or ECT on a trial that proved nothing; nor may it be completed, so it is named as
closed ("not to retry"), not as one still to judge. The safer reading for the patient: no
higher-dose retrial of a contraindicated drug is suggested, and the count is not inflated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from fhir_mapping.record import Finding, Trial
from services import cards, drug_rules, finding_words, pacing, tables
from services.rules.context import RuleContext


@dataclass(frozen=True, slots=True)
class Barred:
    """A trial whose drug an active, critical contraindication on record rules out."""

    trial: Trial
    finding: Finding

    @property
    def short(self) -> str:
        """ "nortriptyline not to retry: contraindicated with Complete heart block" """
        return (
            f"{self.trial.ingredient} not to retry: contraindicated with "
            f"{finding_words.short(self.finding)}"
        )

    @property
    def line(self) -> str:
        """The detail's words after the trial's own reasons."""
        onset = f", {self.finding.onset_phrase}" if self.finding.onset_phrase else ""
        return (
            f"not to retry at any dose: contraindicated with "
            f"{finding_words.short(self.finding)} ({self.finding.coding}{onset}); not counted "
            "as a failed trial (it was not a test of the drug)"
        )


def barring(ctx: RuleContext, trial: Trial) -> Finding | None:
    """The active finding whose critical drug_cautions.csv row rules out `trial`'s drug, or None."""
    rows = [c for c in drug_rules.running_cautions() if c.ingredient == trial.ingredient]
    if not rows:
        return None  # nearly every trial
    coded = {c.finding.value for c in rows if ctx.facts.findings_of(c.finding)}
    superseded = tables.superseded(trial.ingredient, coded)
    paced = pacing.reading(ctx) if any(c.if_paced_running for c in rows) else pacing.NOT_PACED
    for caution in rows:
        if caution.finding in superseded or not paced.critical(
            caution.indicator, caution.if_paced_running
        ):
            continue
        active = [f for f in ctx.facts.findings_of(caution.finding) if f.state == "active"]
        if active:
            return active[-1]
    return None


def split(ctx: RuleContext, trials: Sequence[Trial]) -> tuple[list[Trial], list[Barred]]:
    """(the trials to review as before, the trials not to retry), each in the given order."""
    fair: list[Trial] = []
    barred: list[Barred] = []
    for trial in trials:
        finding = barring(ctx, trial)
        if finding is None:
            fair.append(trial)
        else:
            barred.append(Barred(trial, finding))
    return fair, barred


def summary(barred: Sequence[Barred]) -> str:
    """The card's summary when every flagged trial is one not to retry."""

    parts = "; ".join(b.short for b in barred)
    count = len(barred)
    noun = "trial" if count == 1 else "trials"
    return cards.fit_summary(
        f"{count} {noun} not adequate and not counted ({parts})",
        f"{count} {noun} not counted ({parts})",
        f"{count} {noun} not to retry: contraindicated on record ({cards.names([b.trial for b in barred])})",
        f"{count} {noun} not to retry: contraindicated on record",
    )
