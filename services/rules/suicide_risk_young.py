"""The suicide-risk card's acute-risk treatments below an age (s25 RK1 extra item): the card named
ECT and esketamine nasal spray (data/acute_risk.csv) for a child as for an adult. The age rows the
optimise card reads (data/young_age_treatments.csv, services/young_age_treatments.py) apply here
too:

- esketamine below 18: approved for adults only (SPRAVATO label), so it is left out, as where its
  label contraindicates it (the acute_risk.csv "-no-esketamine" rows);
- ECT from 12 to 17: still named (NICE NG134 keeps it for very severe depression with
  life-threatening symptoms, suicidal behaviour among them), with the row's line saying it is
  decided with child and adolescent psychiatry, never a one-click referral;
- ECT below 12: not recommended (NICE NG134), so neither it nor esketamine is named (the
  "-child" rows), and the card says why in one line;
- the adult line of ECT after a discharge (CANMAT 2023 para 215) is not said below 18.

The age is the one the rules below an age read (the youngest a birth year allows: the safer
side); an unknown age is not assumed young (young_age_treatments.row_for).
"""

from __future__ import annotations

from services import young_age_treatments
from services.rules import populations
from services.rules.context import RuleContext
from services.young_age_treatments import YoungAgeRow

_ECT = "ect"
_ESKETAMINE = "esketamine"


def _rows(ctx: RuleContext) -> tuple[YoungAgeRow, ...]:
    """The ECT and esketamine rows of this patient's age (none for an adult or an unknown age)."""
    age = populations.age(ctx)
    found = (young_age_treatments.row_for(t, age) for t in (_ECT, _ESKETAMINE))
    return tuple(r for r in found if r is not None)


def adult_ect(ctx: RuleContext) -> bool:
    """Whether no ECT age row applies (an adult, or no age on record): the adult line of ECT after
    a discharge (CANMAT 2023 para 215) may be said."""
    return young_age_treatments.row_for(_ECT, populations.age(ctx)) is None


def row_key(ctx: RuleContext, base: str, *, no_esketamine: bool) -> str:
    """The data/acute_risk.csv row to say for `base` ("suicide-risk", "suicide-risk-treatment"):
    its "-child" row where ECT is not named at this age (neither is esketamine then), its
    "-no-esketamine" row where esketamine is left out (its label's contraindication,
    `no_esketamine`, or an age below its labelled one), else `base` itself."""
    left_out = {r.treatment for r in _rows(ctx) if not r.named}
    if _ECT in left_out:
        return f"{base}-child"
    if no_esketamine or _ESKETAMINE in left_out:
        return f"{base}-no-esketamine"
    return base


def age_line(ctx: RuleContext) -> str:
    """ "**At age 15:** <the ECT row>; <the esketamine row>." or "" (an adult, no age)."""
    rows = _rows(ctx)
    if not rows:
        return ""
    said = "; ".join(r.said() for r in rows)
    return f"**At age {populations.age(ctx)}:** {said[0].upper()}{said[1:]}."
