"""patient-view: a drug already running that a condition on record rules against.

The switch lists and the order hooks check data/drug_cautions.csv and data/condition_drug_rules.csv
before a drug is proposed or ordered; a course started before the finding was coded (epilepsy
diagnosed after bupropion was started, a pregnancy on paroxetine, cirrhosis on duloxetine) ran on
without a word. Here every running course is checked against them, and all the pairs found make
ONE warning card, each pair with the drug's dose and start, the finding's code and date, the row's
note and source. Nothing is one click: whether to stop, taper or switch is the prescriber's call
(stopping some of these drugs abruptly carries its own risk).

Which rows apply to a running drug (a clinician's reading):
- every drug_cautions.csv row: label contraindications (bupropion and Auvelity with seizure
  disorders, a current or prior eating disorder, abrupt alcohol or sedative withdrawal) and the
  label's "avoid" (duloxetine in chronic liver disease or cirrhosis; paroxetine in pregnancy,
  where the row's `if_running` says what the label advises once pregnancy occurs on it);
- the condition_drug_rules.csv "never" rows (a finding that bars the drug): their risk does not
  end once the order is signed (bupropion with psychotic features; duloxetine with substantial
  alcohol use, Cymbalta label 5.2: an active alcohol use disorder, or a recent AUDIT-C or AUDIT at
  or above the clinic's cut-off, named as the score and its date);
- the condition_drug_rules.csv "caveat" rows of a pregnancy (esketamine, lithium, zuranolone,
  brexanolone: populations.running_caveat): the risk they name is of fetal exposure, which a
  course running in pregnancy already is (review s28 RI finding 2: esketamine running in
  pregnancy got no card while its row says to stop it once pregnancy occurs, Spravato label
  8.1); the optimise card then names the drug as running and points here.
Not the "not-one-click" rows (antipsychotics in pregnancy: about how a card proposes, not about a
drug that runs) nor the other "caveat" rows (lactation: a choice about breastfeeding, said on the
optimise card), nor the age rows (no finding on record: the age list is about what is
proposed; a running drug the age list says not to use under 18 is named in the card's age
paragraph instead, population_notes._running_never_line: review s21 RD finding 11).

Duloxetine with heavy alcohol use is said here, as duloxetine with cirrhosis is (review 10 R10):
the Cymbalta label (5.2) puts "substantial alcohol use" and "chronic liver disease" in one
sentence, so the two get the same warning. It used to sit on the diagnosis review, as information
when only an AUDIT-C said it, beside a TSH reminder, where it was easily dismissed.

Said once a screen (issue 12): a pair another card of this screen already names is left to it,
where it sits beside the finding it rests on. The optimise card's psychotic-depression variant
names a barred running antidepressant ("Current antidepressant: ... consider changing it"); it is
a pathway card (an active depression only), so in remission, or with no antidepressant tried in
this episode, the pair is said here instead. A row that both tables hold (paroxetine in
pregnancy) is said once, from drug_cautions.csv.

A safety card: it speaks whatever the pathway stage (a contraindication does not lapse with
remission), as the interaction card does. Snoozable with a reason (data/topics.csv): continuing
paroxetine in pregnancy after discussion, or duloxetine with hepatology's agreement, is a
deliberate decision. The snooze holds for the pairs it was given on (`fingerprint`): a pair that
appears later brings the card back.

Nefazodone and duloxetine with no liver disease coded but a recent ALT or AST at or above the
policy's multiple of its upper limit of normal (services/transaminases.py; review 12 H10): the
pair names the result (value, date, ULN), as an alcohol screen is named; nefazodone's label says
to withdraw it at 3x the ULN or more.

While the card is shown, the optimise card's proposals that keep a drug of a pair going (a higher
dose of it, an adjunct added to it as the running antidepressant) are text, not one click (audit
13 UNSAFE 2, WRONG 3: one-click aripiprazole "adjunct to the current antidepressant" beside
"bupropion ... contraindicated with bulimia: review whether it should continue"): whether it
continues comes first (rules/one_click_hold.py). The optimise card still names them.

A course on hold is not taken now and is left out (as the diagnosis review leaves it out); an ended
course is not running. A drug an active order or statement lists without a readable date (a
DataGap's `taken_now`) is checked too, named as such: the gap itself is reported on the cards whose
domains it touches (services/data_gaps.py).

This module holds the card (`rule`: its summary, detail and snooze fingerprint) and the hold it
puts on the optimise card's proposals (`hold_one_click`). Which pairs there are (`Pair`, `pairs`)
and what runs (`running`, which the other running-drug cards read too) are
running_caution_pairs.py; their names stay importable from here.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet

from services import cards, screen
from services.recommendation import Indicator, Recommendation, Suggestion
from services.rules import one_click_hold, running_caution_pairs, running_unidentified
from services.rules.context import RuleContext
from services.rules.running_caution_pairs import REVIEW, Pair, one_per_finding, running
from services.rules.running_childbearing import childbearing_pairs
from services.rules.running_hcg_ask import asked_pairs

# The names other modules and tests use, kept importable from here (`running`, which the other
# running-drug cards read, among them).
__all__ = [
    "NOT_AN_ORDER",
    "REVIEW",
    "TOPIC",
    "Pair",
    "fingerprint",
    "hold_one_click",
    "pairs",
    "rule",
    "running",
]

TOPIC = "running-drug-caution"
# The card's closing line (also the alcohol card's: rules/alcohol_once.py).
NOT_AN_ORDER = (
    "Not offered as an order: whether to stop, taper or switch is the prescriber's decision "
    "(stopping some of these drugs abruptly carries its own risk)."
)


def _summary(found: list[Pair]) -> str:
    # A critical pair leads (review s26 RN finding 3): its summary says the row's own words for
    # a running course (Pair.ask: "contraindicated (ECG and cardiology now; do not stop it
    # abruptly)"), never the note's "cardiology first" of a new start nor only "review".
    first = next((p for p in found if p.critical), found[0])
    if first.critical:
        name, more = first.taking.ingredient.capitalize(), len(found) - 1
        plus = f" (+{more} more)" if more else ""
        with_finding = first.with_finding()
        dosed = f"{first.dosed()[0].upper()}{first.dosed()[1:]}"
        return cards.fit_summary(
            f"{first.drug()} {first.with_finding(dated=True)}: {first.ask}{plus}",
            f"{dosed} {with_finding}: {first.ask}{plus}",
            # "on record" gives way before the dose and its listing ("50 mg/day listed").
            f"{dosed} with {first.short}{first.state}: {first.ask}{plus}",
            f"{name} {with_finding}: {first.ask}{plus}",
            f"{name} with {first.short}: {first.ask}{plus}",
        )
    if len(found) == 1 and (said := running_unidentified.summary(first)) is not None:
        return said  # beside a medication not identified: no condition on record (fix drug49)
    if len(found) == 1:
        # Most to least: the finding's date, then the course's start give way before the row's
        # note (why it matters); the note before the dose; what to do is said when nothing else
        # fits. The finding's code, the sources and the note in full are in the detail.
        drug, dosed = first.drug(), first.dosed()
        note = first.short_note or first.note
        dosed = f"{dosed[0].upper()}{dosed[1:]}"
        # The finding's state (resolved, paced) is in every alternative, its date in the first.
        with_finding, dated = first.with_finding(), first.with_finding(dated=True)
        return cards.fit_summary(
            f"{drug} {dated}: {note}",
            f"{drug} {with_finding}: {note}",
            f"{dosed} {with_finding}: {note}",
            f"{first.taking.ingredient.capitalize()} {with_finding}: {note}",
            f"{drug} {dated}: {REVIEW}",
            f"{dosed} {with_finding}: {REVIEW}",
            f"{first.taking.ingredient.capitalize()} running {with_finding}: {REVIEW}",
        )
    # Several pairs: every drug named, with its findings while they fit, else how many pairs.
    by_drug: dict[str, list[Pair]] = {}
    for pair in found:
        by_drug.setdefault(pair.taking.ingredient, []).append(pair)

    def listed(dosed: bool) -> str:
        return cards.and_list(
            [
                f"{p[0].dosed() if dosed else name} ({', '.join(q.short for q in p)})"
                for name, p in by_drug.items()
            ]
        )

    lead = "Conditions on record weigh against running"
    return cards.fit_summary(
        f"{lead} {listed(True)}",
        f"{lead} {listed(False)}",
        f"{lead} {cards.and_list(list(by_drug))} ({len(found)} pairs): review each",
        f"{first.drug()} {first.with_finding()} (+{len(found) - 1} more)",
    )


def fingerprint(found: list[Pair]) -> str:
    """The card's own snooze fingerprint (screen.pairs_key): each pair as its drug and the kind
    of finding. A snooze of the card for bupropion beside epilepsy ends when paroxetine in a
    pregnancy joins it; a new code or date of the same finding, or a dose change, does not."""
    return screen.pairs_key(f"{p.taking.ingredient}|{p.key or p.kind.value}" for p in found)


def pairs(ctx: RuleContext) -> list[Pair]:
    """The card's pairs (running_caution_pairs.pairs), then a drug with a pregnancy row beside an
    hCG asked about (rules/running_hcg_ask.py), then the information pairs of a teratogen
    running where pregnancy is possible (rules/running_childbearing.py)."""
    found = running_caution_pairs.pairs(ctx)
    found += asked_pairs(ctx, frozenset(p.taking.ingredient for p in found))
    said = frozenset(p.taking.ingredient for p in found)
    return found + childbearing_pairs(ctx, said)


def rule(ctx: RuleContext) -> Recommendation | None:
    found = [running_unidentified.reworded(p) for p in pairs(ctx)]
    if not found:
        return None
    # Critical when a pair's row is (drug_cautions.csv `running_indicator`, as pacing leaves
    # it: running_caution_pairs), as the order card for the same row; information when every
    # pair is (running_childbearing.py); else the topic's warning.
    critical = any(p.critical for p in found)
    indicator = Indicator.INFO if all(p.info for p in found) else None
    card = cards.make(
        TOPIC,
        indicator=Indicator.CRITICAL if critical else indicator,
        summary=_summary(found),
        detail=cards.join_sections(
            "\n".join(p.text() for p in found),
            NOT_AN_ORDER,
        ),
    )
    return screen.with_fields(card, evidence_key=fingerprint(found))


# --- the optimise card while this card is open --------------------------------------------------


def hold_one_click(
    ctx: RuleContext, recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's proposals that keep a drug this card asks to review going
    as text while the card is on the screen (not in `hidden`): see the module docstring."""
    if not one_click_hold.shown(recs, TOPIC, hidden):
        return list(recs)
    # The findings are named on that card in full (said once a screen, issue 12): the line
    # names the drug and points to it; the summary names the finding in a few words (review s24
    # RN finding 7: "held: a condition on record weighs against it" named none). An information
    # pair holds nothing (running_childbearing.py).
    found = [p for p in pairs(ctx) if not p.info]
    if not found:
        return list(recs)
    drugs = frozenset(pair.taking.ingredient for pair in found)

    def line(held: list[Suggestion]) -> str:
        antidepressants = one_click_hold.running_antidepressants(ctx)
        kept = [
            d
            for d in sorted(drugs)
            if any(one_click_hold.keeps_running(s, {d}, antidepressants) for s in held)
        ]
        return one_click_hold.held_line(
            "while a condition on record weighs against the running drug",
            held,
            f"Each raises or keeps running {cards.and_list(kept)}, which the running-drug "
            "caution card asks to review: decide whether it continues first; if it is switched, "
            "choose the next step for the new antidepressant.",
        )

    return one_click_hold.hold_for_drugs(ctx, recs, drugs, line, held_by=_held_by(found))


def _held_by(found: Sequence[Pair]) -> str:
    """The hold's reason as the optimise summary says it: each drug with its finding once (the
    active one where the same code is also on record resolved: `one_per_finding`),
    "duloxetine with alcohol dependence, uncomplicated on record", "duloxetine with AUDIT-C 9
    on 2026-11-02"; a display's capital kept for an abbreviation ("PTSD")."""
    said = []
    # The critical card says the finding and what to do; the hold points at it, never restates
    # it, nor the drug's other pairs on it (review s26 RN finding 3: three cards on one drug).
    ruled_out = {p.taking.ingredient for p in found if p.critical}
    for pair in one_per_finding(found):
        if pair.taking.ingredient in ruled_out:
            said.append(f"see the {pair.taking.ingredient} contraindication card")
            continue
        short = pair.short
        if len(short) > 1 and not short[1].isupper():
            short = short[:1].lower() + short[1:]
        on_record = "" if pair.screen else " on record"
        said.append(f"{pair.taking.ingredient} with {short}{on_record}{pair.state}")
    return "; ".join(dict.fromkeys(said))
