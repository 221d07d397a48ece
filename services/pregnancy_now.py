"""Which pregnancy on record is current: one reading for every card (review s21 RD findings 4, 5
and 8).

Read once per evaluation by services/pathway.derive_facts, before any card is asked: the pathway
facts' PREGNANCY findings are then the current ones only, so the order checks
(order_checks/cautions.py), the switch lists (pathway_findings.drug_cautions_on_record), the
population rules (rules/populations.py) and the running-drug card all read the same pregnancy. Before
this, the order card read the raw findings and said "avoid starting it in pregnancy" for a
pregnancy the TMS card beside it called ended by a delivery.

A pregnancy finding is not current when:

- a recorded delivery (O80/O82, Z37.x, Z39.0/Z39.2, a delivery Procedure) is dated on or after it:
  a birth ends the pregnancy it closes, whatever the problem list still says (review 11
  findings 5, 11c; `ended` names the latest one so the card says why);
- it comes from a diagnosis (a Condition, not the Pregnancy Status Observation, which
  fhir_mapping/pregnancy.py windows itself) dated more than policy.mapping.pregnancy_status_weeks
  (42) after the day the pregnancy began, or after its own date when its week is not recorded. No
  pregnancy lasts longer (post-term from 42 0/7 weeks, ACOG): a Z34.82 coded in 2022 is not a
  pregnancy in 2026 (`stale` names the latest such one, so a teratogen drafted on that chart asks
  to confirm she is not pregnant rather than asserting that she is);
- it comes from a diagnosis dated on or before (or undated beside) an estimated delivery date
  that has passed by more than policy.mapping.pregnancy_edd_overdue_days with no delivery
  recorded (the POSTPARTUM "EDD passed" finding fhir_mapping/pregnancy.py reads; review s26 GB
  item 1). A Z33.1 coded at 12 weeks stays inside the 42-week window until well after its own
  due date: on 2026-12-01 a Z33.1 of 2026-03-05 with an EDD of 2026-09-01 read "avoid starting
  it in pregnancy" as fact, three months past the due date. The EDD dates that pregnancy better
  than the code's own date does, so it ends it; the code is still named (`stale`, with
  `due_passed` the EDD) and the cards ask to confirm she is not pregnant, beside the passed
  EDD's "probably postpartum: check breastfeeding" line (rules/population_notes.py). The safer
  reading: asserting a pregnancy drops nothing but keeps a teratogen card firing as fact on a
  woman who is probably postpartum and may be breastfeeding, where the lactation questions
  matter; the question keeps a missed (mis-dated) pregnancy in view;
- it comes from a diagnosis dated before (or undated beside) a signed-off Pregnancy Status "Not
  pregnant" (the NOT_PREGNANT finding fhir_mapping/pregnancy.py reads; review s28 RI finding 1:
  a Z33.1 of 2026-03-01 read "avoid starting it in pregnancy" as fact beside a "Not pregnant" of
  2026-11-20). As for a passed EDD, the cards ask rather than assert (`denied` names the status):
  the status is the newer statement, yet a miscarriage, a termination or a status entered on
  the wrong chart are all possible, and a problem list often lags. A diagnosis dated the same
  day or later stays current (the same day counts as pregnant, as the Observations themselves
  are read: the safer reading).

The window runs from the diagnosis's own date, never from unrelated later visits: a problem-list
Z34.x left `active` for years, with routine encounters since, is a list nobody cleaned, not a
pregnancy re-confirmed (a clinician who sees her pregnant codes it again, on a new date, and that
new record is current). That reading drops the "avoid in pregnancy" assertion but not the
question: the stale entry is still named on the order card and the medication cards as "confirm
she is not pregnant" (the safer behaviour: a missed pregnancy would lose the teratogen caveats; a
stale one only asks). An undated pregnancy diagnosis stays current, as before (nothing says it is
old; the card asks to confirm it is current).

Whether the stale one is named at all (review s21 RR finding 7, one rule here): not when the
patient is older than policy.pregnancy_possible_max_age (the youngest age the record allows), nor
when it was coded more than policy.stale_pregnancy_ask_years ago (a 2008 O09 on a woman of 71, a
2022 Z34 read in 2026: noise). The years limit is for a diagnosis entered at a visit (an
encounter diagnosis, or a Condition that states no category): it said what was true that day. An
ACTIVE problem-list entry (Finding.on_problem_list) is asked whatever its age (review s26 GC item
1: a Z33.1 problem-list entry of 2024-06-15 left active went unnamed in 2026 beside a paroxetine
draft): the list is the chart's standing statement that she is pregnant now, which every other
reader of the chart sees, so the card says why it does not believe it and asks, rather than
disagreeing silently. The safer reading: a needless question costs a click and cleans the list; a
pregnancy whose later visits were coded elsewhere (another clinic, a paper record) would lose the
teratogen caveats. The age limit still holds. A recorded male sex does not drop it: Patient.gender is
administrative, a trans man can be pregnant and the code may be the error, as for lactation
(rules/populations.py `lactation_sex_male`); within those years the question stays, worded as a
record check for "the patient" (`stale_male`). The safer reading: a needless question costs a
click, a missed pregnancy a teratogen's caveats.

An hCG test (fhir_mapping/pregnancy_tests.py; review s29 K18 finding 2) is read as the other
pregnancy questions are: past policy.pregnancy_possible_max_age a result below the table's
positive cut-off (25 mIU/mL) is dropped (a beta-hCG of 7 at 57 is most often pituitary hCG after
the menopause, not a pregnancy: recalled, UNVERIFIED; the age limit is the clinic's, as for a
stale code), while a quantitative hCG at or above it is asked as a man's is, by its value (review
s29 K19b finding 2: 5200 mIU/mL at 56 lost every card; pregnancy or another source), and a quantitative hCG on a chart
whose recorded sex is male is not read as current: in men it is a tumour marker (germ-cell
tumours: recalled, UNVERIFIED), yet the recorded sex may be administrative, as for a stale code
(`stale_male`). It is the stale one (`stale_marker`): the cards name it by its value ("hCG 150
mIU/mL on 2026-11-25"), never as a positive pregnancy test, and ask to confirm (the safer
reading: ask, don't assert). A qualitative positive on a chart recorded male is asked the same
way, "hCG positive (qualitative) on <date>" (session 30 labs33 item 4: it was asserted as a
current pregnancy; session 29 decided a male or post-menopausal hCG is asked, not asserted);
past the pregnancy age a qualitative positive (valueCodeableConcept
Positive / Detected, valueString "POS") is asked as the quantitative one is, named "hCG positive
(qualitative) on <date>" (session 30 labs32 item 4: it was dropped with the low results, as
though it were one; it has no number to call low).

"Nothing newer records one" is said only when the visits and the conditions were read
(`newer_read`): a pregnancy a prenatal visit records is read (fhir_mapping/visit_pregnancy.py,
review s21 RR finding 2), so with the Encounters not read a newer one may be missed, and the card
says so instead (`stale_reason`).

Gestational age (`weeks`, completed weeks as-of), from the latest current finding that dates it:
an estimated delivery date (less data/gestation.csv `edd_from_lmp_days`), a last menstrual period,
or a Z3A week code counted on from its own date. None when nothing dates the pregnancy: the
trimester of an O-code is not read (it says when the code was written, not how far she is now).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from fhir_mapping.ages import youngest
from fhir_mapping.code_systems import ICD10CM
from fhir_mapping.pregnancy import edd_passed
from fhir_mapping.pregnancy_tests import (
    at_or_above_positive,
    is_quantitative,
    is_test,
    level_words,
)
from fhir_mapping.record import DataDomain, DataGap, Finding, FindingKind, GapCause, Patient
from services.gestation import gestation
from services.past_births import past_births
from services.policy import Policy

_PREGNANCY = FindingKind.PREGNANCY
_DELIVERY = FindingKind.DELIVERY
_POSTPARTUM = FindingKind.POSTPARTUM
_NOT_PREGNANT = FindingKind.NOT_PREGNANT
# The Pregnancy Status / EDD Observation's finding is windowed where it is read
# (fhir_mapping/pregnancy.py: its EDD, or pregnancy_status_weeks after the status).
_WINDOWED_AT_READ = "Observation"


@dataclass(frozen=True, slots=True)
class PregnancyNow:
    """The pregnancy findings read as current, and why the others are not."""

    current: tuple[Finding, ...]
    ended: Finding | None  # the latest one a recorded delivery ended
    stale: Finding | None  # the latest one past the window, when none is current and it is asked
    weeks: int | None  # completed weeks of gestation as-of, when the record dates it
    # The stale one on a chart whose recorded sex is male: asked as a record check.
    stale_male: bool = False
    # Whether the visits and conditions were read, so "nothing newer records one" holds.
    newer_read: bool = True
    # The passed estimated delivery date that ended the stale one (module docstring), or None
    # when the pregnancy window did.
    due_passed: date | None = None
    # The signed-off "Not pregnant" status dated after the stale one (module docstring), or None.
    denied: Finding | None = None
    # The stale one is a quantitative hCG on a chart whose recorded sex is male, or an hCG test
    # (quantitative at or above the cut-off, or a qualitative positive) past the pregnancy age
    # (module docstring, hCG tests): asked, never asserted as a pregnancy test.
    stale_marker: bool = False
    # The deliveries that are past births, not this pregnancy's end (services/past_births.py).
    past_births: frozenset[Finding] = frozenset()

    @property
    def stale_listed(self) -> bool:
        """Whether the stale one is an active problem-list entry (`_listed_now`): the cards say
        it is "still active on the problem list", which is why it is asked and what to clean."""
        return self.stale is not None and _listed_now(self.stale)

    @property
    def whom(self) -> str:
        """Who the stale line asks about: "she", or "the patient" when the sex recorded is male."""
        return "the patient" if self.stale_male else "she"


# The domains a newer pregnancy is read from (Conditions and Pregnancy Status Observations:
# CONDITIONS; prenatal visits: VISITS).
_NEWER_FROM = frozenset({DataDomain.CONDITIONS, DataDomain.VISITS})


def newer_read(gaps: tuple[DataGap, ...]) -> bool:
    """Whether every feed a newer pregnancy is read from was read (no feed-level gap)."""
    return not any(g.domain in _NEWER_FROM and g.cause is not GapCause.LEFT_OUT for g in gaps)


def marker_words(now: PregnancyNow) -> str | None:
    """ "hCG 150 mIU/mL on 2026-11-25 (in men a tumour marker; pregnancy only if the patient can
    be pregnant)" when the stale one is an hCG on a chart recorded male (`stale_marker`), else
    None: the cards name it so, never as a pregnancy test."""
    if not now.stale_marker or now.stale is None:
        return None
    return f"{level_words(now.stale)} ({stale_reason(now, 0)})"


def stale_reason(now: PregnancyNow, weeks: float) -> str:
    """Why the stale pregnancy is not read as current, as the cards say it."""
    if now.stale_marker and now.stale_male:
        return "in men a tumour marker; pregnancy only if the patient can be pregnant"
    if now.stale_marker:
        return "past the pregnancy age asked about; pregnancy only if the patient can be pregnant"
    if now.denied is not None and now.denied.onset is not None:
        if is_test(now.denied):  # "a negative pregnancy test (...) on 2026-11-20" (s29 RL 6)
            return f"a {now.denied.display} was recorded after it"
        return (
            f"the pregnancy status recorded after it, on {now.denied.onset.isoformat()}, is "
            f"{now.denied.display}"
        )
    if now.due_passed is not None:
        return (
            f"its estimated delivery date, {now.due_passed.isoformat()}, has passed and no "
            "delivery is recorded"
        )
    lasts = f"no pregnancy lasts more than {weeks:g} weeks"
    if now.newer_read:
        return f"{lasts} and nothing newer records one"
    return (
        f"{lasts}; the visits or conditions could not all be read, so a newer record of one "
        "may be missed"
    )


def past_pregnancy_age(age: int | None, policy: Policy) -> bool:
    """Whether the patient is past the age a pregnancy is asked about: the youngest age the record
    allows above policy.pregnancy_possible_max_age (an age not on record is not past it). One
    rule for the stale-pregnancy question (`_asked`) and the childbearing-age line of a
    teratogen drafted (services/order_checks/childbearing.py)."""
    years = youngest(age)
    return years is not None and years > policy.pregnancy_possible_max_age


def _asked(
    stale: Finding,
    patient: Patient | None,
    as_of: date,
    policy: Policy,
    by_due: bool = False,
    marker: bool = False,
) -> bool:
    """Whether a stale pregnancy is still worth the question (module docstring); an hCG at or
    above the positive cut-off (`marker`) is asked past the pregnancy age too."""
    if not marker and past_pregnancy_age(patient.age if patient is not None else None, policy):
        return False
    if stale.onset is None or by_due or _listed_now(stale):
        return True
    return (as_of - stale.onset).days <= policy.stale_pregnancy_ask_years * 365.25


def _listed_now(stale: Finding) -> bool:
    """Whether the stale pregnancy is an active problem-list entry: the list still says she is
    pregnant today, whatever the entry's age (module docstring; review s26 GC item 1)."""
    return stale.on_problem_list and stale.state == "active"


def _start(finding: Finding) -> date | None:
    """The day gestation week 0 began (the LMP, or its equivalent), as this finding dates it."""
    if finding.lmp is not None:
        return finding.lmp
    if finding.edd is not None:
        return finding.edd - timedelta(days=gestation().edd_from_lmp_days)
    if finding.system == ICD10CM and finding.onset is not None:
        code = finding.code.replace(".", "").upper()
        facts = gestation()
        if code.startswith("Z3A") and code[3:].isdigit():
            week = int(code[3:])
            if facts.z3a_first_week <= week <= facts.z3a_last_week:
                return finding.onset - timedelta(weeks=week)
    return None


def began(finding: Finding) -> date | None:
    """The day this pregnancy finding dates gestation week 0 from, else its own date (None when
    undated): for a reader that asks what was given during the pregnancy (services/rules/
    postpartum_only_courses.py)."""
    return _start(finding) or finding.onset


def _past_window(finding: Finding, as_of: date, window: timedelta) -> bool:
    if finding.source is not None and finding.source.resource_type == _WINDOWED_AT_READ:
        return False
    began = _start(finding) or finding.onset
    return began is not None and as_of > began + window


def _due_passed(by_kind: Mapping[FindingKind, tuple[Finding, ...]]) -> date | None:
    """The latest estimated delivery date on record that has passed beyond the overdue days (the
    POSTPARTUM findings fhir_mapping/pregnancy.py reads from an EDD), or None."""
    dues = [f.onset for f in by_kind.get(_POSTPARTUM, ()) if edd_passed(f) and f.onset]
    return max(dues, default=None)


def _before_due(finding: Finding, due: date | None) -> bool:
    """Whether a pregnancy diagnosis belongs to the pregnancy a passed EDD dates: coded on or
    before it, or undated (nothing says it is a newer one). The Pregnancy Status Observation's
    finding is weighed against its EDD where it is read."""
    if due is None:
        return False
    if finding.source is not None and finding.source.resource_type == _WINDOWED_AT_READ:
        return False
    return finding.onset is None or finding.onset <= due


def _denied(by_kind: Mapping[FindingKind, tuple[Finding, ...]]) -> Finding | None:
    """The latest signed-off "Not pregnant" status on record (fhir_mapping/pregnancy.py reads
    at most one), or None."""
    return _latest([f for f in by_kind.get(_NOT_PREGNANT, ()) if f.onset is not None])


def _before_denial(finding: Finding, denied: Finding | None) -> bool:
    """Whether a pregnancy diagnosis is older than the "Not pregnant" status (dated before it,
    or undated: nothing says it is newer). The Observations' own finding is weighed against the
    status where it is read; the same day stays pregnant (module docstring)."""
    if denied is None or denied.onset is None:
        return False
    if finding.source is not None and finding.source.resource_type == _WINDOWED_AT_READ:
        return False
    return finding.onset is None or finding.onset < denied.onset


def _latest(found: list[Finding]) -> Finding | None:
    return max(found, key=lambda f: f.onset or date.min) if found else None


def read(
    by_kind: Mapping[FindingKind, tuple[Finding, ...]],
    as_of: date,
    policy: Policy,
    patient: Patient | None = None,
    gaps: tuple[DataGap, ...] = (),
) -> PregnancyNow | None:
    """The current pregnancy reading, or None when no pregnancy finding is on record (nearly
    every chart). `patient` and `gaps`: the record's, for the stale line (module docstring)."""
    pregnancy = by_kind.get(_PREGNANCY, ())
    if not pregnancy:
        return None
    # An hCG test past the pregnancy age is no pregnancy question (module docstring, hCG tests).
    age = patient.age if patient is not None else None
    # Only a low result is dropped: a quantitative hCG at or above the positive cut-off past that
    # age is asked as a marker, as for a man (review s29 K19b finding 2: 5200 mIU/mL at 56 lost
    # every card).
    # A qualitative positive (a urine or serum test read "Positive", "Detected", "POS") past that
    # age is asked too, never dropped (labs32 item 4): it has no number to call low.
    if old := past_pregnancy_age(age, policy):
        low = [f for f in pregnancy if is_quantitative(f) and not at_or_above_positive(f)]
        pregnancy = tuple(f for f in pregnancy if f not in low)
    male = patient is not None and patient.sex == "male"
    # On a chart recorded male every hCG test is asked, a qualitative positive too (labs33 item 4).
    markers = [f for f in pregnancy if is_test(f) and (old or male)]
    # A past birth ends no pregnancy (services/past_births.py; fix preg65).
    past = past_births(by_kind.get(_DELIVERY, ()), pregnancy, began)
    births = [f.onset for f in by_kind.get(_DELIVERY, ()) if f.onset is not None and f not in past]
    last_birth = max(births, default=None)
    window = timedelta(weeks=policy.mapping.pregnancy_status_weeks)
    ended = [f for f in pregnancy if last_birth and f.onset is not None and f.onset <= last_birth]
    rest = [f for f in pregnancy if f not in ended]
    stale = [f for f in rest if _past_window(f, as_of, window)]
    due = _due_passed(by_kind)
    overdue = [f for f in rest if _before_due(f, due)]
    stale += [f for f in overdue if f not in stale]
    denied = _denied(by_kind)
    refuted = [f for f in rest if _before_denial(f, denied)]
    stale += [f for f in refuted if f not in stale]
    stale += [f for f in markers if f not in stale]
    current = tuple(f for f in rest if f not in stale)
    dated = [(f, s) for f in current if (s := _start(f)) is not None]
    weeks = None
    if dated:
        _, week0 = max(dated, key=lambda pair: (pair[0].onset or date.min, pair[1]))
        weeks = (as_of - week0).days // 7
    last_stale = None if current else _latest(stale)
    # A code its passed EDD ended is asked whatever its age (the EDD is within the postnatal
    # year, fhir_mapping/pregnancy.py); the age limit still holds.
    by_due = last_stale is not None and last_stale in overdue
    marker = last_stale is not None and last_stale in markers
    if last_stale is not None and not _asked(last_stale, patient, as_of, policy, by_due, marker):
        last_stale = None
    return PregnancyNow(
        current=current,
        ended=_latest(ended),
        stale=last_stale,
        weeks=weeks,
        stale_male=last_stale is not None and patient is not None and patient.sex == "male",
        newer_read=newer_read(gaps),
        due_passed=due if by_due else None,
        denied=denied if last_stale is not None and last_stale in refuted else None,
        stale_marker=last_stale is not None and last_stale in markers,
        past_births=past,
    )


def current_by_kind(
    by_kind: dict[FindingKind, tuple[Finding, ...]],
    as_of: date,
    policy: Policy,
    patient: Patient | None = None,
    gaps: tuple[DataGap, ...] = (),
) -> tuple[dict[FindingKind, tuple[Finding, ...]], PregnancyNow | None]:
    """`by_kind` with only the current pregnancy findings, and the reading itself."""
    now = read(by_kind, as_of, policy, patient, gaps)
    if now is not None and now.past_births:  # their recordedDate is no birth date (fix preg65)
        births = tuple(f for f in by_kind.get(_DELIVERY, ()) if f not in now.past_births)
        by_kind = {**by_kind, _DELIVERY: births}
    if now is None or len(now.current) == len(by_kind.get(_PREGNANCY, ())):
        return by_kind, now
    return {**by_kind, _PREGNANCY: now.current}, now
