"""The severity history and the linked scores' evidence of a long chart, written for speed (issue
14: a chart of many PHQ-9s on first sight).

- The severity history writes each row with its cells inline and each band found by value: the
  section must be what `html.table` wrote from each score's cells (test_severity_rows.py's
  reference), for every value of every scale, in and out of its bands, and a row must cost no
  Python call (the old rows cost six: the row, its value, item 9, date, escape test, source).
- The TMS referral card's linked scores cover every valued PHQ-9 total, named as the scores
  section of another card names its own (so that card can point to the referral instead), and
  without writing each date as ISO text (date.isoformat cost more than the rest of the key).
"""

from __future__ import annotations

import random
import sys
from collections.abc import Callable
from datetime import date, timedelta
from types import FrameType
from typing import Any

from fhir_mapping.record import PatientRecord, Score, SourceRef
from services.card_evidence import linked_evidence, scores_evidence
from services.packet.html import table, text
from services.packet.severity import _HEADER, _ITEM9_NOTE, severity_section
from services.payer_criteria import bands_by_instrument, scale_band
from tests.services.factories import record
from tests.services.test_severity_rows import _plain_row

FIRST = date(2023, 1, 1)
_IDS = ["plain-id", "81185e9d-420b-588f-9256-3e8650fedfa4", "a&b", '<"q">', "it's", ""]


def _random_scores(rng: random.Random, count: int) -> tuple[Score, ...]:
    """Scores of every banded scale, an unbanded one and an escapable one, values in and out of
    the bands (and none), item 9 absent, recorded, inferred or unread, sources of both types,
    escapable ids and none, days across two years (the 1st and the 31st included)."""
    instruments = [*bands_by_instrument(), "PHQ-2", "A & <B>"]
    scores = []
    for _ in range(count):
        rid = rng.choice(_IDS)
        source = rng.choice(
            [None, SourceRef("Observation", rid), SourceRef("QuestionnaireResponse", rid)]
        )
        scores.append(
            Score(
                rng.choice(instruments),
                rng.choice([None, *range(-1, 70)]),
                FIRST + timedelta(days=rng.randrange(0, 730)),
                rng.choice([None, 0, 1, 2, 3]),
                source,
                item9_inferred=rng.random() < 0.3,
                total_computed=rng.random() < 0.2,
                item9_unread=source if rng.random() < 0.1 else None,
            )
        )
    return tuple(scores)


def _expected(scores: tuple[Score, ...]) -> tuple[str, str]:
    """The table `html.table` wrote from the scores' cells, and the note with each scale's
    citation (its first band met, in row order)."""
    ordered = sorted(scores, key=lambda s: (s.date, s.instrument))
    written = table(
        _HEADER,
        [_plain_row(s) for s in ordered],
        caption="Rating-scale results, oldest first",
        cls="scores",
    )
    cited: dict[str, str] = {}
    for s in ordered:
        band = scale_band(s.instrument, s.value) if s.value is not None else None
        if band is not None:
            cited.setdefault(s.instrument, band.citation)
    citations = "; ".join(f"{name}: {citation}" for name, citation in cited.items())
    note = text("p", f"Severity bands: {citations}. {_ITEM9_NOTE}", cls="note")
    return written, note if citations else text("p", _ITEM9_NOTE, cls="note")


def test_every_kind_of_score_is_written_as_table_wrote_it() -> None:
    rng = random.Random(14)
    for _ in range(40):
        scores = _random_scores(rng, rng.randrange(1, 40))
        section = severity_section(record(scores=scores), latest="x")
        written, note = _expected(scores)
        assert section[section.index("<table") : section.index("</table>") + 8] == written
        assert section.endswith(note + "</section>")


def test_every_value_of_every_scale_finds_the_band_scale_band_finds() -> None:
    # Each scale's every value from below its first band to past its last: the band found by
    # value must be scale_band's (the first band holding it), and "–" outside the bands.
    for instrument, bands in bands_by_instrument().items():
        values = range(-1, max(b.upper for b in bands) + 2)
        scores = tuple(
            Score(instrument, v, FIRST + timedelta(days=v + 1), None, None) for v in values
        )
        section = severity_section(record(scores=scores), latest="x")
        written, note = _expected(scores)
        assert section[section.index("<table") : section.index("</table>") + 8] == written
        assert section.endswith(note + "</section>")
    # The check can fail: a value past the PHQ-9's last band has no band.
    assert '<td data-label="Severity">–</td>' in severity_section(
        record(scores=(Score("PHQ-9", 28, FIRST, None, None),)), latest="x"
    )


def _phq9s(count: int) -> tuple[Score, ...]:
    return tuple(
        Score(
            "PHQ-9", 5 + i % 20, FIRST + timedelta(weeks=i), None, SourceRef("Observation", f"o{i}")
        )
        for i in range(count)
    )


def _calls(action: Callable[[], object], kinds: frozenset[str]) -> list[str]:
    """The names of the calls `action` makes, of the profile event kinds given."""
    names: list[str] = []

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        if event in kinds:
            names.append(arg.__name__ if event == "c_call" else frame.f_code.co_name)

    sys.setprofile(profile)
    try:
        action()
    finally:
        sys.setprofile(None)
    return names


def test_a_severity_row_costs_no_python_call() -> None:
    def calls(rec: PatientRecord) -> list[str]:
        return _calls(lambda: severity_section(rec, latest="x"), frozenset({"call"}))

    few, many = calls(record(scores=_phq9s(4))), calls(record(scores=_phq9s(40)))
    assert len(many) == len(few), (len(few), len(many))


def test_the_linked_scores_cover_every_valued_phq9_as_a_scores_section_names_them() -> None:
    scores = (
        *_phq9s(6),
        Score("PHQ-9", 12, FIRST, None, SourceRef("Observation", "same-day-other-total")),
        Score("PHQ-9", None, FIRST, 2, SourceRef("Observation", "orphan-item9")),
        Score("GAD-7", 9, FIRST, None, SourceRef("Observation", "gad7")),
        Score("PHQ-2", 4, FIRST + timedelta(days=3), None, None),
    )
    rec = record(scores=scores)
    _, linked = linked_evidence(rec, pointer="on the TMS referral card")
    # One identity per valued PHQ-9 total (two totals of one day are two), nothing else.
    assert len(linked.covers) == 7
    # Another card's scores section (its latest four totals) is covered, so it may point here.
    shown = scores_evidence(rec)
    assert len(shown.covers) == 4 and shown.covers <= linked.covers
    # ... and a total the linked scores do not hold is not: the check can fail.
    later = record(scores=(*scores, Score("PHQ-9", 20, FIRST + timedelta(weeks=60), None, None)))
    assert not scores_evidence(later).covers <= linked.covers


def test_the_linked_scores_write_no_iso_date() -> None:
    rec = record(scores=_phq9s(30))
    names = _calls(lambda: linked_evidence(rec, pointer="x"), frozenset({"c_call"}))
    assert "isoformat" not in names
