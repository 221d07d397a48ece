"""How the cards count the records left out: "2 rating-scale results", and an order left out with
its fills as one medication, "1 medication order and its 5 fills" (audit 18: one order and its
five fills, none readable, read "6 medication records could not be read", which a clinician reads
as six drugs). One rule for every line that counts them: the "Data not read" lines
(gaps.describe), the data-quality card's summary, the medications an order check could not
include (services/unidentified_running.py) and the timeline's lede.

A fill is counted with its order when the order is left out too, for the same reason (the gaps
counted together), and when the line would say the same of it (`alike`: describe names a record
with the dates or codes that made it unreadable; a fill saying other ones is named apart). A fill
whose order was read, or names none or several (DataGap.fills), is a medication record of its own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from fhir_mapping.lab_si_key import key_names
from fhir_mapping.record import DataDomain, DataGap

# Readable names for card lines ("2 medication records could not be read").
NOUN = {
    DataDomain.MEDICATIONS: "medication record",
    DataDomain.SCORES: "rating-scale result",
    DataDomain.CONDITIONS: "diagnosis",
    DataDomain.PROCEDURES: "procedure",
    DataDomain.REFERRALS: "referral",
    DataDomain.DEVICES: "device record",
    DataDomain.LABS: "lab result",
    DataDomain.INTOLERANCES: "intolerance record",
    DataDomain.PATIENT: "patient record",
    DataDomain.PARTNER_DRUGS: "medication record",
    DataDomain.QTC: "ECG or QTc result",
    DataDomain.SESSIONS: "medication administration",
    DataDomain.LIVER_TESTS: "liver test result",
    # Its tests from the key's tables (lab_si_key.key_names: review s20 item 5, TSH among them).
    DataDomain.SI_LABS: f"SI-unit or assay-coded {key_names('or')} result",
    DataDomain.VITALS: "blood pressure reading",
    DataDomain.PGX: "pharmacogenomic result",
    DataDomain.VISITS: "visit",
}

# The nouns above (and "medication order", "fill") whose plural is not the singular plus "s"
# (review s24 M6: "2 diagnosiss of another patient excluded"). Each noun ends in its head word,
# so the plural replaces the last word only ("SI-unit or assay-coded ... result" + "s").
_IRREGULAR = {"diagnosis": "diagnoses"}

_ORDER = "MedicationRequest"

# One record left out, and how many fills of it (0: none, or not an order) are counted with it.
Folded = list[tuple[DataGap, int]]


def noun(domain: DataDomain, count: int) -> str:
    """ "1 medication record", "3 rating-scale results", "2 diagnoses"."""
    return _plural(count, NOUN[domain])


def _plural(count: int, word: str) -> str:
    """ "1 fill", "5 fills"; "2 diagnoses" (`_IRREGULAR`). Every count this module says goes
    through here."""
    if count == 1:
        return f"{count} {word}"
    head, _, last = word.rpartition(" ")
    plural = _IRREGULAR.get(last, f"{last}s")
    return f"{count} {head} {plural}" if head else f"{count} {plural}"


def fold(
    gaps: Iterable[DataGap], alike: Callable[[DataGap, DataGap], bool] | None = None
) -> Folded:
    """Each record of `gaps` once (by its source; gaps with none left out), in order, with the
    number of its fills among `gaps` counted with it; those fills are not listed apart.
    `alike(fill, order)`: whether the fill may be counted with its order (default: always)."""
    records: dict[object, DataGap] = {}
    for gap in gaps:
        if gap.source is not None:
            records.setdefault(gap.source, gap)
    fills: dict[object, int] = {}
    folded: set[object] = set()
    for source, gap in records.items():
        order = records.get(gap.fills) if gap.fills is not None else None
        if order is None or order.source is None or order.source.resource_type != _ORDER:
            continue
        if alike is None or alike(gap, order):
            fills[order.source] = fills.get(order.source, 0) + 1
            folded.add(source)
    return [(g, fills.get(s, 0)) for s, g in records.items() if s not in folded]


def phrase(domain: DataDomain, folded: Folded) -> str:
    """ "6 medication records"; "1 medication order and its 5 fills"; "2 medication orders and
    their 7 fills, and 1 other medication record"."""
    orders = [n for _g, n in folded if n]
    rest = len(folded) - len(orders)
    parts = []
    if orders:
        its = "its" if len(orders) == 1 else "their"
        parts.append(
            f"{_plural(len(orders), 'medication order')} and {its} {_plural(sum(orders), 'fill')}"
        )
    if rest:
        other = "other " if orders else ""
        parts.append(_plural(rest, f"{other}{NOUN[domain]}"))
    return join(parts)


def join(parts: Sequence[str]) -> str:
    """ "A and B"; "A, and B" when a part holds an "and" of its own ("1 medication order and
    its 5 fills, and 2 rating-scale results")."""
    if len(parts) < 2:
        return "".join(parts)
    if any(" and " in p for p in parts):
        return ", ".join(parts[:-1]) + ", and " + parts[-1]
    return " and ".join(parts)


def counted(gaps: Iterable[DataGap]) -> str:
    """The records left out among `gaps`, counted by the noun a card says (a partner drug's
    record is a medication record too), each noun's fills with their orders: "1 medication order
    and its 5 fills, and 2 rating-scale results"; "" when none names a record."""
    by_noun: dict[str, tuple[DataDomain, list[DataGap]]] = {}
    for gap in gaps:
        if gap.source is not None:
            by_noun.setdefault(NOUN[gap.domain], (gap.domain, []))[1].append(gap)
    return join([phrase(domain, fold(found)) for domain, found in by_noun.values()])
