"""ECT below 18 on the optimise card's psychotic and catatonic variants (review s25 RA findings
5 and 11): the "Refer for ECT evaluation" one click is held and the card says what NICE NG134
says of ECT at the patient's age instead (data/young_age_treatments.csv: not for depression
under 12; from 12 only for very severe depression with life-threatening or intractable symptoms).
No source was found that supports a ready-to-accept ECT referral for a minor, and whether the
symptoms are life-threatening or intractable is a specialist's judgement the chart does not
show: holding the one click is the safer behaviour.
"""

from __future__ import annotations

from services import cards, young_age_treatments
from services.rules import populations
from services.rules.context import RuleContext
from services.young_age_treatments import YoungAgeRow


def held(ctx: RuleContext) -> YoungAgeRow | None:
    """The ECT row of this patient's age when it holds the one-click referral, else None."""
    row = young_age_treatments.row_for("ect", populations.age(ctx))
    return row if row is not None and not row.one_click else None


def section(ctx: RuleContext) -> str:
    """ "**ECT at age 16:** NICE NG134 keeps ECT under 18 for ... (NICE NG134)." or ""."""
    row = held(ctx)
    if row is None:
        return ""
    return f"**ECT at age {populations.age(ctx)}:** {row.said()}."


def unnamed(ctx: RuleContext) -> YoungAgeRow | None:
    """The ECT row of this age when ECT is not to be named as an option at all (under 12), else
    None: a summary then says so instead of "or ECT"."""
    row = young_age_treatments.row_for("ect", populations.age(ctx))
    return row if row is not None and not row.named else None


def words(ctx: RuleContext, ect: str) -> str:
    """`ect` (the summary's ECT words: "consider ECT evaluation"), or "no ECT under 12 (NICE
    NG134)" at an age where ECT is not named (`unnamed`)."""
    row = unnamed(ctx)
    return ect if row is None else f"no ECT under {row.below_age} ({row.cite})"


def psychotic_summary(ctx: RuleContext, display: str) -> str:
    """The psychotic-features card's summary at an age where ECT is not named: the combination is
    child and adolescent psychiatry's (adult doses, not one click), and no ECT."""
    ect = words(ctx, "")
    return cards.fit_summary(
        f"Psychotic features ({display}): antidepressant plus antipsychotic with child and "
        f"adolescent psychiatry; {ect}",
        f"Psychotic features: antidepressant plus antipsychotic with child psychiatry; {ect}",
    )
