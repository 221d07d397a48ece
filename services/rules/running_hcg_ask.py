"""A drug with a pregnancy row running beside an hCG that is asked about, not asserted: a pair of
the running-drug caution card (session 30 labs35 item 1).

An hCG on a chart recorded male, or at or above the positive cut-off past the pregnancy age, is
not read as a current pregnancy (services/pregnancy_now.py `stale_marker`: in men a tumour marker,
after the menopause often pituitary hCG). Session 29 decided it is asked, not asserted. Yet the
ask was said only as a detail line of the optimise card, while before labs33 item 4 the same
positive on lithium was the running-drug caution warning "Lithium running with positive pregnancy
test". Administrative gender male does not rule out a pregnancy (a trans man), and a running
teratogen is exposure already happening: the question belongs in a card summary, here, for the
running drugs a current pregnancy would have paired (drug_cautions.csv pregnancy rows, the
condition_drug_rules.csv pregnancy "never" rows and the caveat rows populations.running_caveat
says for a running drug; not the antipsychotic "not-one-click" row, as for a current pregnancy).

Named by the hCG's value ("hCG 5200 mIU/mL on 2026-11-25", "hCG positive (qualitative) on
2026-11-25"), never as a positive pregnancy test (the marker's wording), with who is asked: "on a
chart recorded male: can the patient be pregnant?", or the age past which a pregnancy is not
assumed. A warning, as the asserted pair was: the safer reading (a needless question costs a
click; a missed pregnancy a teratogen's exposure). Its snooze key is its own (`KEY`), so a snooze
of the question does not hide a pregnancy recorded later.
"""

from __future__ import annotations

from fhir_mapping.pregnancy_tests import level_words
from fhir_mapping.record import FindingKind
from services import drug_rules
from services.pregnancy_now import marker_words
from services.rules import populations
from services.rules.context import RuleContext
from services.rules.running_caution_pairs import REVIEW, Pair, running

_PREGNANCY = FindingKind.PREGNANCY
# The snooze fingerprint's key for these pairs (running_cautions.fingerprint): never the pregnancy
# kind's own, which a current pregnancy's pair carries.
KEY = "pregnancy-asked"


def _row(ingredient: str, drug_class: str) -> tuple[str, str, str, str, bool] | None:
    """(note, cite, source, what the row says of a running course, unverified) of the pregnancy
    row a running drug would be paired with in a current pregnancy (running_caution_pairs.pairs:
    drug_cautions.csv first), or None."""
    for caution in drug_rules.running_cautions():
        if caution.finding is _PREGNANCY and caution.ingredient == ingredient:
            unverified = caution.status == "UNVERIFIED"
            return caution.note, "", caution.cite, caution.if_running, unverified
    for rule in drug_rules.condition_rules():
        if rule.finding is not _PREGNANCY or not rule.covers(ingredient, drug_class):
            continue
        if rule.choice is drug_rules.Choice.NEVER or populations.running_caveat(rule):
            return rule.note, rule.cite, "", "", False
    return None


def asked_pairs(ctx: RuleContext, said: frozenset[str]) -> list[Pair]:
    """One warning pair per running drug with a pregnancy row when the pregnancy on record is an
    hCG asked about (`stale_marker`); `said`: the drugs another pair of the card already names."""
    now = ctx.facts.pregnancy
    if now is None or not now.stale_marker or now.stale is None:
        return []
    hcg = now.stale
    age = ctx.record.patient.age
    who = (
        "on a chart recorded male"
        if now.stale_male
        else (f"at {age}, past the pregnancy age" if age is not None else "past the pregnancy age")
    )
    short = f"{level_words(hcg)} {who}"
    named = f"{marker_words(now)} ({hcg.coding})"
    found: list[Pair] = []
    for taking, drug_class in running(ctx):
        row = None if taking.ingredient in said else _row(taking.ingredient, drug_class)
        if row is None:
            continue
        note, cite, source, if_running, unverified = row
        found.append(
            Pair(
                taking,
                _PREGNANCY,
                named,
                short,
                None,
                note,
                f"confirm whether {now.whom} can be pregnant; if so, {if_running or REVIEW}",
                cite,
                source,
                unverified,
                screen=True,  # a result asked about, not a pregnancy on record
                key=KEY,
                short_note=f"can {now.whom} be pregnant?",
            )
        )
    return found
