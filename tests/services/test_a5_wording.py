"""Audit 13 items 15 and 18: card wording that claimed more than the screen
or the source shows.

1. "While this card is open, the optimise card's medication proposals are not one click" was said
   on a screen with no optimise card (c2: a long-QTc card alone). The sentence now goes with the
   optimise card: shown when that card is on the screen, left out when it is not (or is hidden).
2. Label cautions ("use with extreme caution", "the label advises ECG monitoring", a boxed
   warning's "ordinarily not to be started") rode on `order-drug-contraindicated`: they now have
   `order-drug-caution`; label contraindications keep their topic.
3. The bipolar order card writes an unverified antimanic-dose row's mark through the shared
   `unverified_mark`, as every card does.
4. Order cards citing a label carry its DailyMed URL where data/cite_urls.csv (or guidelines.csv)
   holds one; a cite with none has no URL and never a "None".
"""

from __future__ import annotations

from datetime import date

import pytest

from cds_hooks.cards import to_card
from fhir_mapping.record import PatientRecord
from services import screen_refs, tables
from services.policy import Policy
from services.recommendation import Recommendation
from tests.services import test_cardiac_qtc_h7 as cardiac
from tests.services import test_hepatic_doses as hepatic
from tests.services import test_qtc_cards_show_the_ecg as qtc
from tests.services.test_card_sources import PIMOZIDE_2

pytestmark = pytest.mark.real_drug_table

CAUTION = "order-drug-caution"
CONTRAINDICATED = "order-drug-contraindicated"
OPTIMISE = "optimize-switch-augment"


# --- 1. a sentence about the optimise card only beside it -----------------------------------------


def _long_qtc_chart() -> PatientRecord:
    """QTc 492 ms with amitriptyline and pimozide running: the long-QTc card holds the optimise
    card's proposals."""
    pimozide = qtc.medication(PIMOZIDE_2, date(2024, 3, 4), "mr-p")
    return qtc.chart(qtc.qtc(492), pimozide, draft=None, running=cardiac.AMITRIPTYLINE_100)


def _screen(record: PatientRecord, hidden: frozenset[str] = frozenset()) -> dict[str, str]:
    from services.patient_view import patient_view

    return {r.topic: r.detail for r in patient_view(record, Policy(), hidden=hidden)}


def test_the_qtc_card_names_the_optimise_card_only_while_it_is_on_the_screen() -> None:
    shown = _screen(_long_qtc_chart())
    assert OPTIMISE in shown  # the chart's screen has both cards
    assert screen_refs.HOLDS_OPTIMISE in shown["running-drug-qtc"]
    # The optimise card snoozed: the QTc card alone says nothing of it (audit 13 c2).
    alone = _screen(_long_qtc_chart(), hidden=frozenset({OPTIMISE}))
    assert OPTIMISE not in alone
    qtc_card = alone["running-drug-qtc"]
    assert "optimise card" not in qtc_card
    assert qtc_card.endswith("which drug to lower, stop or switch is the prescriber's decision.")


def test_every_sentence_naming_a_card_is_dropped_cleanly_when_the_card_is_absent() -> None:
    for sentence in screen_refs.NAMES_CARD:
        detail = f"Lead.\n\nNot offered as an order: a decision. {sentence}\n\nSource line."
        assert screen_refs.without_absent(detail, frozenset()) == (
            "Lead.\n\nNot offered as an order: a decision.\n\nSource line."
        )
        assert screen_refs.without_absent(detail, frozenset({OPTIMISE})) == detail
        # A section of its own goes whole.
        alone = f"Lead.\n\n{sentence}\n\nSource line."
        assert screen_refs.without_absent(alone, frozenset()) == "Lead.\n\nSource line."


# --- 2. cautions and contraindications on their own topics ----------------------------------------


def _order_topics(problem: dict, draft: tuple[str, str]) -> dict[str, Recommendation]:
    return qtc.order_cards(qtc.chart(problem, draft=draft))


def test_heart_failure_with_citalopram_is_a_caution_not_a_contraindication() -> None:  # c4
    failure = cardiac._problem(
        "I50.22", "Chronic systolic (congestive) heart failure", date(2022, 1, 1)
    )
    found = _order_topics(failure, cardiac.CITALOPRAM_20)
    assert CONTRAINDICATED not in found
    card = found[CAUTION]
    assert "ECG monitoring" in card.detail
    assert card.source.topic_display is not None
    assert "contraindication" not in card.source.topic_display.lower()


def test_epilepsy_with_clomipramine_is_a_caution() -> None:  # s1
    epilepsy = cardiac._problem(
        "G40.909", "Epilepsy, unspecified, not intractable", date(2009, 5, 11)
    )
    found = _order_topics(epilepsy, cardiac.CLOMIPRAMINE_75)
    assert CONTRAINDICATED not in found
    assert "use with extreme caution" in found[CAUTION].detail


def test_cirrhosis_with_nefazodone_is_a_caution() -> None:  # h9: a boxed warning
    record = hepatic.chart(
        hepatic.liver(*hepatic.CIRRHOSIS), drafts=(hepatic.drafted(hepatic.NEFAZODONE_200),)
    )
    found = hepatic.at_order(record)
    assert CONTRAINDICATED not in found
    assert "Serzone boxed warning" in found[CAUTION].detail


def test_a_recent_mi_with_nortriptyline_keeps_the_contraindication_topic() -> None:  # c1
    nstemi = cardiac._problem(
        "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", date(2025, 4, 20), "resolved"
    )
    found = _order_topics(nstemi, cardiac.NORTRIPTYLINE_25)
    assert CAUTION not in found
    assert "contraindicated" in found[CONTRAINDICATED].summary


def test_every_drug_cautions_row_says_contraindicated_exactly_when_its_kind_is() -> None:
    for row in tables.drug_cautions():
        assert row.kind in {"contraindication", "warning"}
        assert row.contraindication == ("contraindicated" in row.note), row


# --- 3. the bipolar card's unverified mark through the shared path --------------------------------


def test_the_bipolar_card_marks_an_unverified_row_through_unverified_mark() -> None:
    from services.order_checks import bipolar
    from services.pathway_options import unverified_mark

    # One spelling for every card: the module uses the shared helper, not its own literal.
    assert bipolar.unverified_mark is unverified_mark
    with open(bipolar.__file__, encoding="utf-8") as source:
        assert "(UNVERIFIED)" not in source.read()


# --- 4. a source URL where the table has one, never "None" ----------------------------------------


def test_the_nortriptyline_card_links_the_pamelor_label() -> None:  # c1
    nstemi = cardiac._problem(
        "I21.4", "Non-ST elevation (NSTEMI) myocardial infarction", date(2025, 4, 20), "resolved"
    )
    card = _order_topics(nstemi, cardiac.NORTRIPTYLINE_25)[CONTRAINDICATED]
    assert card.source.label == "Pamelor label, Contraindications"
    assert card.source.url == (
        "https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?"
        "setid=e17dc299-f52d-414d-ab6e-e809bd6f8acb"
    )


@pytest.mark.parametrize(
    ("cite", "setid"),
    [
        ("Celexa label 5.2", "4259d9b1-de34-43a4-85a8-41dd214e9177"),  # c4
        ("Anafranil label, Warnings (seizures)", "4074b555-7635-41a9-809d-fae3b3610059"),  # s1
        ("Cymbalta label 2 and 5.2", "2f7d4d67-10c1-4bf4-a7f2-c185fbad64ba"),  # h8
        ("Serzone boxed warning", "51ff7db5-aaf9-4c3c-86e6-958ebf16b60f"),  # h9
    ],
)
def test_a_label_cite_has_its_dailymed_page(cite: str, setid: str) -> None:
    assert tables.cite_url(cite) == (
        f"https://dailymed.nlm.nih.gov/dailymed/drugInfo.cfm?setid={setid}"
    )


def test_a_guideline_cite_has_its_guidelines_url() -> None:  # y3: NICE NG134
    assert tables.cite_url("NICE NG134") == "https://www.nice.org.uk/guidance/ng134"


def test_a_cite_with_no_url_sends_no_url_and_never_none() -> None:  # s2: CPS 2023 Table 6
    assert tables.cite_url("CPS 2023 Table 6") is None
    epilepsy = cardiac._problem(
        "G40.909", "Epilepsy, unspecified, not intractable", date(2009, 5, 11)
    )
    card = _order_topics(epilepsy, ("42347", "bupropion"))  # ingredient-only draft
    for rec in card.values():
        wire = to_card(rec).model_dump(exclude_none=True)
        assert "None" not in str(wire["source"])
