"""patient-view: a long QTc with a QT-prolonging antidepressant running (review 12 finding 3).

Before, a QTc was read only where a drug is ordered or proposed (the order checks, the switch
list's line): a man on amitriptyline and methadone with a QTc of 492 ms got no card on chart
open. Here, on chart open, the latest QTc this service can compare (lab_safety.latest_readable),
when recent (policy.lab_recent_days), with the running drugs that prolong the QT interval: those
data/lab_safety.csv has a QTc row for (citalopram, escitalopram, gepirone, the tricyclics) and
those data/qt_drugs.csv lists (methadone, haloperidol, pimozide, thioridazine, ziprasidone, ...),
each with its source. It speaks when:

- the QTc is above a running antidepressant's own stop line (qtc-stop: citalopram's 500 ms,
  gepirone's 450 ms, the tricyclics' 500 ms), or
- the QTc is above a running antidepressant's middle band (qtc-warning: 480 ms, ICH E14), where
  an order of the same drug already gets a warning (order_checks/qtc.py: review s24 RM finding
  3); session 25 review RA finding 9: QTc 485 ms on citalopram at 78 gave no card on chart open,
  though the patient is already taking the drug an order of which would be warned about, or
- the QTc is above a running antidepressant's caution line (qtc-caution: 450 ms, ICH E14) and
  another QT-prolonging drug runs beside it: the combination is the risk factor the literature
  names (Wenzel-Seifert 2011: torsades "as a rule" only with additional risk factors), or
- the QTc is above a drug's older-adult line (qtc-older: citalopram 450 ms from 60, the age the
  FDA gave its 20 mg/day cap for because of QT prolongation; escitalopram from 65, MHRA 2011),
  the patient's age being that added risk factor (session 25 review RA finding 9), or
- the QTc is above 500 ms with any running antidepressant that has no QTc row of its own
  (qtc-high: sertraline at 520 ms gave no card, review s26 RQ finding 2): above 500 ms the QTc is
  high-risk whatever the drug (AHA/ACCF 2010, APA 2018); kept to > 500 to stay quiet at 450-500,
  or
- the lab called the QTc critical (AA, HH, "Critical") while its value is under the drug's stop
  (or qtc-high) line: "flagged critical by the lab, though not above 500 ms by its value: read
  the ECG first", as the order check says it (labs38 item 1; recheck K27b s31 finding 6).

The safer reading for these two middle cases: the order hook already warns at them, and a
prescriber opening the chart of a patient taking the drug is deciding whether to keep it. A long
QTc under 480 with one drug and no older age, or QT-prolonging drugs with a normal QTc, makes no
card (noise): the order checks and switch list still say the QTc where a drug is chosen. The card
names the result, each drug with its dose, start and source and why it is listed, and the rows'
advice; nothing is offered as an order (what to change is the prescriber's decision). Warning,
snoozable with a reason; its fingerprint is the result and the drugs, so a new ECG ends a snooze.
While it is shown, the optimise card's medication proposals are text, not one click: a higher
dose or an added drug can lengthen the QTc further.

A drug started after the ECG is named as such ("QTc 485 ms on 2026-08-20, before citalopram
started"; its line "This ECG predates it: no QTc on it since"), never "with
citalopram running" (s25 RK1 finding 7): the reading is not the drug's effect, but a long QTc
before a QT-prolonging drug is the baseline its label warns about, so the card still speaks (the
safer reading) and asks for an ECG on the drug.
"""

from __future__ import annotations

from collections.abc import Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache

from fhir_mapping.record import LabResult
from services import cards, lab_safety, screen, screen_refs, tables
from services.interaction_table import Taking
from services.lab_safety import LabRule
from services.pathway_options import unverified_mark
from services.recommendation import Recommendation
from services.rules import one_click_hold, running_cautions
from services.rules.context import RuleContext

TOPIC = "running-drug-qtc"
_TEST = "qtc"


@dataclass(frozen=True, slots=True)
class QtDrug:
    taking: Taking
    why: str  # "its label's QTc line (Celexa label 5.2)", "known risk of torsades (...)"


@dataclass(frozen=True, slots=True)
class LongQtc:
    lab: LabResult  # the latest comparable QTc: recent, above `line`
    line: LabRule  # the line crossed: stop, middle band, caution (with a second drug) or older
    stop: bool  # `line` is a stop line
    drugs: tuple[QtDrug, ...]  # the running QT-prolonging drugs, antidepressants first
    unread: LabResult | None  # a later QTc that could not be compared
    age: int | None = None  # the patient's age, said with the older-adult line
    # Under `line` (a stop line) by its value, but the lab called the QTc critical (AA or HH:
    # lab_safety.called_critical): the call acts on chart open as at order-sign (labs38 item 1;
    # recheck K27b s31 finding 6: a QTc of 440 or 470 ms flagged "Critical" said nothing here,
    # or only the caution band's words).
    called: bool = False


@cache
def qt_drugs() -> dict[str, tuple[str, str]]:
    """data/qt_drugs.csv: ingredient -> (risk, cite), the cite as a card prints it ("Wenzel-Seifert
    2011", with " (UNVERIFIED)" where the row says so). A card cites, it never prints a table's
    `source` notes (the pimozide row's source names another table)."""
    return {
        row["ingredient"].strip(): (
            row["risk"].strip(),
            row["cite"].strip() + unverified_mark(row["status"].strip()),
        )
        for row in tables._rows("qt_drugs.csv")
    }


def _rows_for(check: str, taking: Taking, drug_class: str) -> list[LabRule]:
    return [
        r
        for r in lab_safety.rules()
        if r.check == check and r.applies_to(taking.ingredient, drug_class)
    ]


def _why_listed(taking: Taking, drug_class: str) -> str | None:
    """Why a running drug is named as QT-prolonging: its own QTc row (data/lab_safety.csv), else
    its data/qt_drugs.csv row; None for a drug neither names."""
    own = _rows_for("qtc-stop", taking, drug_class) or _rows_for("qtc-caution", taking, drug_class)
    if own:
        return f"its label's QT warning ({own[0].effect_cite or own[0].cite})"
    listed = qt_drugs().get(taking.ingredient)
    if listed is None:
        return None
    risk, cite = listed
    return f"{risk} risk of torsades ({cite})"


def running_beside(ctx: RuleContext, ingredient: str) -> tuple[QtDrug, ...]:
    """The running QT-prolonging drugs other than `ingredient`, for the QTc card of an order of
    it (services/order_checks/labs.py): citalopram drafted with ondansetron running is the
    combination the chart-open card names, so the order names it too."""
    found: list[QtDrug] = []
    for taking, drug_class in running_cautions.running(ctx):
        if taking.ingredient == ingredient:
            continue
        why = _why_listed(taking, drug_class)
        if why is not None:
            found.append(QtDrug(taking, why))
    return tuple(found)


def long_qtc(ctx: RuleContext) -> LongQtc | None:
    """The finding the card states, or None (nearly every chart: no recent long QTc)."""
    lab = lab_safety.latest_readable(ctx.record, _TEST)
    if lab is None or not lab_safety.is_recent(ctx.record, ctx.policy, lab):
        return None
    listed = qt_drugs()
    age = ctx.record.patient.age
    stops: list[LabRule] = []
    bands: list[LabRule] = []  # qtc-warning (480 ms) crossed: speaks with one drug
    cautions: list[LabRule] = []
    older: list[LabRule] = []  # qtc-older crossed at or above the row's age: speaks alone
    # qtc-high crossed by an antidepressant with no QTc row of its own (sertraline at 520 ms:
    # review s26 RQ finding 2): above 500 ms the QTc is high-risk whatever the drug.
    high: list[LabRule] = []
    called: list[LabRule] = []  # stop / qtc-high lines the lab's critical call stands for
    labelled: list[QtDrug] = []  # antidepressants with a QTc row of their own: named first
    others: list[QtDrug] = []  # data/qt_drugs.csv drugs running beside them
    for taking, drug_class in running_cautions.running(ctx):
        own_stop = _rows_for("qtc-stop", taking, drug_class)
        own_caution = _rows_for("qtc-caution", taking, drug_class)
        if own_stop or own_caution:
            cite = (own_stop or own_caution)[0]
            labelled.append(
                QtDrug(taking, f"its label's QT warning ({cite.effect_cite or cite.cite})")
            )
            stops += [r for r in own_stop if lab_safety.above(r, lab)]
            # (a drug with a caution row only, trazodone or mirtazapine: the class's qtc-high line)
            lines = own_stop or _rows_for("qtc-high", taking, drug_class)
            called += [r for r in lines if lab_safety.called_critical(r, lab)]
            bands += [
                r for r in _rows_for("qtc-warning", taking, drug_class) if lab_safety.above(r, lab)
            ]
            cautions += [r for r in own_caution if lab_safety.above(r, lab)]
            older += [
                r
                for r in _rows_for("qtc-older", taking, drug_class)
                if age is not None
                and r.min_age is not None
                and age >= r.min_age
                and lab_safety.above(r, lab)
            ]
        elif taking.ingredient in listed:
            risk, listed_cite = listed[taking.ingredient]
            others.append(QtDrug(taking, f"{risk} risk of torsades ({listed_cite})"))
        else:
            rows = _rows_for("qtc-high", taking, drug_class)
            crossed = [r for r in rows if lab_safety.above(r, lab)]
            calls = [r for r in rows if lab_safety.called_critical(r, lab)]
            if crossed or calls:
                high += crossed
                called += calls
                others.append(QtDrug(taking, "an antidepressant whose label sets no QTc line"))
    drugs = (*labelled, *others)
    unread = lab_safety.unread_after(ctx.record, lab)
    if stops:
        return LongQtc(lab, _lowest(stops), True, drugs, unread)
    if high:
        return LongQtc(lab, _lowest(high), True, drugs, unread)
    if called:  # the lab's critical call outranks the caution, middle and older-adult bands
        return LongQtc(lab, _lowest(called), False, drugs, unread, called=True)
    # A second QT-prolonging drug is named as the combination whatever the band (its card's
    # words); one drug alone at the middle band or at an older age gets that line's words.
    if cautions and len(drugs) >= 2:
        return LongQtc(lab, _lowest(cautions), False, drugs, unread)
    if bands:
        return LongQtc(lab, _lowest(bands), False, drugs, unread)
    if older:
        return LongQtc(lab, _lowest(older), False, drugs, unread, age)
    return None


def _lowest(lines: list[LabRule]) -> LabRule:
    return min(lines, key=lambda r: r.high or 0.0)


def started_after(drug: QtDrug, lab: LabResult) -> bool:
    """The drug began after the ECG was taken: the reading is not on it. A start known only as
    the day it was listed (trial_dates.listed_undated) is not its start and is not read so."""
    start = drug.taking.start
    return start is not None and not drug.taking.listed_undated and start > lab.date


def _names(found: LongQtc) -> str:
    """ "with citalopram running", ", before citalopram started" (every drug began after the
    ECG), or both ("with methadone running, before citalopram started")."""
    later = [d.taking.ingredient for d in found.drugs if started_after(d, found.lab)]
    during = [d.taking.ingredient for d in found.drugs if not started_after(d, found.lab)]
    said = [f" with {cards.and_list(during)} running"] if during else []
    if later:
        said.append(f"{',' if not said else ''} before {cards.and_list(later)} started")
    return ",".join(said)


def _advice(found: LongQtc) -> str:
    """What the crossed line's row says to do (data/lab_safety.csv if_running)."""
    return found.line.if_running or "repeat the ECG and review the QT-prolonging drugs"


def _acts(found: LongQtc) -> tuple[str, ...]:
    """The row's advice as a summary closes with it, longest first: whole ("repeat the ECG,
    check potassium and magnesium, and review the QT-prolonging drugs"), then its first clause
    ("repeat the ECG"). A summary that named the finding and no action (review s26 RN finding 7:
    "QTc 485 ms ... above 480 ms") left a clinician who reads summaries only with nothing to do;
    the first step is the row's, never a drug change (the prescriber's decision: `detail`)."""
    advice = _advice(found)
    return tuple(dict.fromkeys((f"; {advice}", f"; {advice.split(', ', 1)[0]}")))


def _summary(found: LongQtc) -> str:
    qtc = f"QTc {lab_safety.text(found.lab)}"
    names = _names(found)
    acts = _acts(found)
    if found.called:
        head = f"{qtc}{names}: {lab_safety.called_words(found.line, found.lab)}"
        return cards.fit_summary(
            f"{head}: read the ECG first{acts[-1]}",
            f"{head}: read the ECG first",
            f"{qtc}{names}: {lab_safety.flagged(found.lab)}: read the ECG first",
            head,
        )
    if found.stop:
        head = f"{qtc}{names}: {found.line.beyond(found.lab)}"
        return cards.fit_summary(
            *(f"{head}, {found.line.says}{act}" for act in acts),
            *(f"{head}{act}" for act in acts),
            f"{head}, {found.line.says}",
            head,
        )
    if found.line.check == "qtc-caution":
        head = f"{qtc}{names}: each prolongs the QT interval"
        return cards.fit_summary(
            *(f"{head}{act}" for act in acts),
            head,
            f"{qtc}{names}",
        )
    head = f"{qtc}{names}: {found.line.beyond(found.lab)}{_at_age(found)}"
    return cards.fit_summary(
        *(f"{head}{act}" for act in acts),
        head,
        f"{qtc}{names}",
    )


def _drug_line(drug: QtDrug, lab: LabResult) -> str:
    """A drug's bullet: what it is and why listed, and, when it began after the ECG, that no QTc
    has been read on it (the card's QTc is the latest this service compares)."""
    line = f"- {drug.taking.text()}: {drug.why}."
    if started_after(drug, lab):
        line += " This ECG predates it: no QTc on it since."
    return line


def _at_age(found: LongQtc) -> str:
    """ " at age 78" for the older-adult line, else ""."""
    return f" at age {found.age}" if found.line.check == "qtc-older" else ""


def detail(found: LongQtc) -> str:
    line, lab = found.line, found.lab
    cite = f"; {line.cite}" if line.cite else ""
    if found.called:
        head = (
            f"**QTc {lab_safety.text(lab)}**: {lab_safety.called_words(line, lab)} "
            f"({line.bounds()}: {line.says}{cite}); the lab may have read the tracing or a range "
            "of its own. "
            "Read the ECG and the lab's report first, with these QT-prolonging drugs running:"
        )
    elif found.stop:
        head = (
            f"**QTc {lab_safety.text(lab)}**: {line.beyond(lab)} ({line.says}{cite}), with "
            f"these {'drugs' if line.check == 'qtc-high' else 'QT-prolonging drugs'} running:"
        )
    elif line.check == "qtc-warning":
        head = (
            f"**QTc {lab_safety.text(lab)}**: {line.beyond(lab)} ({line.cite}: the middle "
            "band, where an order of the drug gets a warning), with these QT-prolonging drugs "
            "running:"
        )
    elif line.check == "qtc-older":
        head = (
            f"**QTc {lab_safety.text(lab)} at age {found.age}**: {line.beyond(lab)} "
            f"({line.cite}); from age {line.min_age} the age itself is a risk factor for torsades "
            f"(the reason for the older-adult dose limit, {line.effect_cite or line.cite}), with "
            "these QT-prolonging drugs running:"
        )
    else:
        head = (
            f"**QTc {lab_safety.text(lab)}**: {line.beyond(lab)} ({cite.lstrip('; ') or 'caution'}"
            "), with more than one QT-prolonging drug running (the combination is a risk factor "
            "for torsades):"
        )
    lines = [head, *(_drug_line(d, lab) for d in found.drugs)]
    advice = _advice(found)
    unread = (
        f"A later QTc ({found.unread.date.isoformat()}) could not be compared: read it before "
        "acting on this one."
        if found.unread is not None
        else ""
    )
    return cards.join_sections(
        "\n".join(lines),
        f"{advice[0].upper()}{advice[1:]}.",
        unread,
        "Not offered as an order: which drug to lower, stop or switch is the prescriber's "
        f"decision. {screen_refs.HOLDS_OPTIMISE}",
    )


def fingerprint(found: LongQtc) -> str:
    """The result (date and value) and the drugs: a new ECG or another such drug ends a snooze."""
    lab = found.lab
    return screen.pairs_key(
        [f"qtc|{lab.date.isoformat()}|{lab.value}|{lab.flag}"]
        + [f"drug|{d.taking.ingredient}" for d in found.drugs]
    )


def rule(ctx: RuleContext) -> Recommendation | None:
    found = long_qtc(ctx)
    if found is None:
        return None
    card = cards.make(TOPIC, summary=_summary(found), detail=detail(found))
    return screen.with_fields(card, evidence_key=fingerprint(found))


def hold_one_click(
    recs: Sequence[Recommendation], hidden: AbstractSet[str] = frozenset()
) -> list[Recommendation]:
    """`recs` with the optimise card's medication proposals as text while this card is shown."""
    return one_click_hold.hold_while_shown(
        recs,
        hidden,
        TOPIC,
        "the QTc is long",
        "A higher dose or an added drug can lengthen it further: settle the QTc and the drugs "
        "first.",
    )
