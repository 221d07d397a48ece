"""The rules' shortcuts of speed round 4 (issue 14) read as the plain readings they replaced.

Each shortcut is checked against the plain reading, written out here:
- the population rules read once per evaluation (populations.Population) answer `never`,
  `text_only`, `restrictions` and the age lists as the per-drug generator over the tables did;
- the drug-table groups read in one pass (drugs.lines, RuleContext.drug_lines) are the rows the
  per-group filters found, and RuleContext.held_back is tolerability.held_back;
- one screen pass copying each card once (screen.compose) gives the cards the three passes gave
  with dataclasses.replace, and `with_fields` is dataclasses.replace;
- `screen._drop`'s one-search case removes what the candidate loop removed;
- a switch line looks only for MAOI names when no MAOI is on record, with the same line;
- the monitoring rows by agent, the latest lab per test, the Maudsley rows by dimension and the
  findings by kind read as the scans they replaced.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterator, Sequence
from datetime import date, timedelta
from typing import Any

import pytest

from fhir_mapping import drug_table
from fhir_mapping.build import build_record
from fhir_mapping.record import Finding, FindingKind, Patient, PatientRecord, Role
from services import (
    cards,
    drug_rules,
    drugs,
    pathway_options,
    screen,
    staging,
    tables,
    tolerability,
    washout_switch,
)
from services import patient_view as pv
from services.drug_rules import Choice
from services.pathway import PathwayFacts, derive_facts
from services.policy import Policy
from services.recommendation import Evidence, Recommendation
from services.rules import (
    age_dose_limit,
    diagnosis_review,
    maoi_combination,
    populations,
    suicide_risk,
)
from services.rules.context import RuleContext, build_context
from tests.fixtures.scenarios import all_scenarios
from tests.services import factories as f

POLICY = Policy()
AGES = (None, 7, 10, 12, 15, 17, 18, 21, 24, 25, 45, 65, 80)


def _finding(kind: FindingKind, onset: date | None, code: str = "77386006") -> Finding:
    return f.finding(kind, code=code, onset=onset, rid=f"{kind.value}-{code}-{onset}")


FINDING_SETS: tuple[tuple[Finding, ...], ...] = (
    (),
    (f.mdd(),),
    (_finding(FindingKind.PREGNANCY, date(2024, 3, 1)),),
    (
        _finding(FindingKind.PREGNANCY, None),
        _finding(FindingKind.PREGNANCY, date(2024, 3, 1), code="72892002"),
        _finding(FindingKind.PREGNANCY, date(2023, 1, 1), code="289908002"),
    ),
    (_finding(FindingKind.PSYCHOTIC, date(2024, 1, 2)), f.mdd()),
    (_finding(FindingKind.POSTPARTUM, date(2024, 2, 2)), _finding(FindingKind.POSTPARTUM, None)),
    (
        _finding(FindingKind.PREGNANCY, date(2024, 3, 1)),
        _finding(FindingKind.PSYCHOTIC, date(2024, 1, 2)),
        _finding(FindingKind.POSTPARTUM, date(2024, 2, 2)),
    ),
)


def _with_age(record: PatientRecord, age: int | None) -> PatientRecord:
    return dataclasses.replace(record, patient=Patient(id="p1", age=age, sex="female"))


def _contexts() -> Iterator[RuleContext]:
    for age in AGES:
        for findings in FINDING_SETS:
            yield build_context(_with_age(f.trd_record(findings=findings), age), POLICY)


# --- population rules ----------------------------------------------------------------------


def _plain_latest(record: PatientRecord, kind: FindingKind) -> Finding | None:
    found = record.context.of(kind)
    return max(found, key=lambda x: x.onset or date.min) if found else None


def _plain_applying(
    ctx: RuleContext, ingredient: str, drug_class: str, wanted: Choice | None = None
) -> Iterator[populations.Restriction]:
    """The per-drug generator over the age and condition tables the cards used to ask."""
    years = ctx.record.patient.age
    for rule in drug_rules.rules_for_age(years):
        if rule.choice not in (Choice.NEVER, Choice.NOT_ONE_CLICK) or (
            wanted is not None and rule.choice is not wanted
        ):
            continue
        if rule.covers(ingredient, drug_class):
            yield populations.Restriction(rule, f"age {years}")
    for rule in drug_rules.condition_rules():
        if rule.finding is None or (wanted is not None and rule.choice is not wanted):
            continue
        if not rule.covers(ingredient, drug_class):
            continue
        finding = _plain_latest(ctx.record, rule.finding)
        if finding is not None:
            yield populations.Restriction(rule, f"on record: {finding.display} ({finding.coding})")


def _drugs_weighed() -> list[tuple[str, str]]:
    named = [(d.ingredient, d.drug_class) for d in drug_table.all_drugs()]
    return named + [("paroxetine", "SSRI"), ("bupropion", "NDRI"), ("amitriptyline", "TCA")]


@pytest.mark.real_drug_table
def test_population_read_once_answers_as_the_per_drug_reading() -> None:
    asked = 0
    for ctx in _contexts():
        years = ctx.record.patient.age
        for ingredient, drug_class in _drugs_weighed():
            every = tuple(_plain_applying(ctx, ingredient, drug_class))
            assert populations.restrictions(ctx, ingredient, drug_class) == every
            assert populations.never(ctx, ingredient, drug_class) == next(
                _plain_applying(ctx, ingredient, drug_class, Choice.NEVER), None
            )
            assert populations.text_only(ctx, ingredient, drug_class) == next(
                _plain_applying(ctx, ingredient, drug_class, Choice.NOT_ONE_CLICK), None
            )
            asked += 1
        by_age = drug_rules.rules_for_age(years)
        chosen = [r for r in by_age if r.choice in (Choice.FIRST, Choice.NEXT) and r.ingredient]
        assert populations.age_choices(ctx) == tuple(
            sorted(chosen, key=lambda r: r.rank if r.rank is not None else 99)
        )
        assert populations.age_never(ctx) == tuple(r for r in by_age if r.choice is Choice.NEVER)
        assert populations.boxed_warning(ctx) == next(
            (r for r in by_age if r.choice is Choice.BOXED_WARNING), None
        )
        assert populations.is_minor(ctx) == (years is not None and years < POLICY.adult_age)
        for kind in (FindingKind.PREGNANCY, FindingKind.POSTPARTUM):
            assert populations.latest(ctx, kind) == _plain_latest(ctx.record, kind)
        assert ctx.population.pregnancy == _plain_latest(ctx.record, FindingKind.PREGNANCY)
        assert ctx.population.postpartum == _plain_latest(ctx.record, FindingKind.POSTPARTUM)
        # Grouped by the caller (build_context) or by itself: the same population.
        assert populations.population(ctx.record, POLICY) == ctx.population
    # The cases are not vacuous: restrictions of every kind were met.
    assert asked > 1000
    pregnant_minor = build_context(_with_age(f.trd_record(findings=FINDING_SETS[6]), 16), POLICY)
    assert populations.never(pregnant_minor, "paroxetine", "SSRI") is not None
    assert populations.never(pregnant_minor, "bupropion", "NDRI") is not None
    assert populations.text_only(pregnant_minor, "aripiprazole", "SDAM") is not None


# --- drug-table groups and what the context keeps ------------------------------------------


def _plain_lines() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    rows = drug_table.all_drugs()
    return (
        tuple(
            d.ingredient for d in rows if d.role is Role.ANTIDEPRESSANT and d.canmat_line == "1st"
        ),
        tuple(d.ingredient for d in rows if d.role is Role.AUGMENTATION and d.canmat_line == "1st"),
        tuple(d.ingredient for d in rows if d.role is Role.AUGMENTATION and d.canmat_line == "2nd"),
    )


def _names(rows: Sequence[drug_table.DrugInfo]) -> tuple[str, ...]:
    return tuple(d.ingredient for d in rows)


def _check_lines() -> None:
    antidepressants, first, second = _plain_lines()
    lines = drugs.lines()
    assert _names(lines.first_line_antidepressants) == antidepressants
    assert _names(lines.first_line_augmenters) == first
    assert _names(lines.second_line_augmenters) == second
    assert _names(drugs.first_line_augmenters()) == first
    assert _names(drugs.first_line_antidepressants()) == antidepressants
    assert first, "the table has first-line adjuncts"
    failed = frozenset({"SSRI", "SNRI"})
    assert drugs.switch_candidates(failed) == tuple(
        d for d in drugs.first_line_antidepressants() if d.drug_class not in failed
    )


@pytest.mark.real_drug_table
def test_drug_lines_in_one_pass_are_the_rows_each_filter_found_real_table() -> None:
    _check_lines()
    assert _plain_lines()[2], "the real table has second-line adjuncts"


def test_drug_lines_in_one_pass_follow_a_substituted_table() -> None:
    _check_lines()  # the small table of tests/services/conftest.py


def test_the_context_keeps_what_the_cards_would_read_each_time() -> None:
    intolerant = f.trial("sertraline", "SSRI", start=date(2024, 1, 8), mg=50, min_mg=50)
    for record in (f.trd_record(), f.record(trials=(intolerant,))):
        ctx = build_context(record, POLICY)
        assert ctx.held_back == tolerability.held_back(record)
        assert ctx.drug_lines == drugs.lines()
        assert ctx.held_back is ctx.held_back  # read once per context
        assert ctx.stage == staging.maudsley_stage(record, ctx.facts)
        assert ctx.staging_evidence == cards.staging_evidence(ctx.stage)
        stage = ctx.stage
        assert stage.total == sum(d.points for d in stage.dimensions)


# --- one screen, each card copied once -------------------------------------------------------


def _plain_drop(detail: str, block: str) -> str:
    for candidate in ("\n\n" + block, block + "\n\n", block):
        if candidate in detail:
            return detail.replace(candidate, "", 1)
    return detail


def test_drop_finds_the_section_as_the_candidate_loop_did() -> None:
    rng = random.Random(14)
    pieces = ["A", "B", "\n\n", "\n", "xy", "AB"]
    for _ in range(3000):
        detail = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        block = "".join(rng.choice(pieces[:5]) for _ in range(rng.randint(0, 3)))
        assert screen._drop(detail, block) == _plain_drop(detail, block), (detail, block)
    assert screen._drop("a\n\nsection\n\nb", "section") == "a\n\nb"


def test_with_fields_is_dataclasses_replace_for_every_field() -> None:
    names = [field.name for field in dataclasses.fields(Recommendation)]
    values = {name: object() for name in names}
    rec = Recommendation(**values)  # type: ignore[arg-type]
    for name in names:
        one: dict[str, Any] = {name: object()}
        assert screen.with_fields(rec, **one) == dataclasses.replace(rec, **one)
    both: dict[str, Any] = {"detail": "d", "evidence_key": "k"}
    assert screen.with_fields(rec, **both) == dataclasses.replace(rec, **both)


def _plain_compose(
    recs: Sequence[Recommendation], facts: PathwayFacts
) -> tuple[Recommendation, ...]:
    """The three passes as they were: each copies a card it changes with dataclasses.replace."""
    owners = screen._owners(recs)
    behind: dict[str, Evidence] = {}
    if any(r.wants_timeline for r in recs):
        for key in screen.TIMELINE_KEYS:
            linked = next(
                (e for r in recs for e in r.evidence if e.key == key and not e.text and e.pointer),
                None,
            )
            behind[key] = Evidence(
                key=key, text="", pointer=linked.pointer if linked else screen.TIMELINE
            )
    shared = []
    for i, rec in enumerate(recs):
        moved: list[tuple[Evidence, Evidence, Recommendation]] = []
        for evidence in rec.evidence:
            if not evidence.text:
                continue
            if evidence.key in behind:
                moved.append((evidence, behind[evidence.key], rec))
                continue
            j = owners.get(evidence.key, i)
            if j == i:
                continue
            kept = next(e for e in recs[j].evidence if e.key == evidence.key)
            if evidence.covers <= kept.covers:
                moved.append((evidence, kept, recs[j]))
        if not moved:
            shared.append(rec)
            continue
        detail = rec.detail
        groups: dict[str, tuple[Recommendation, Evidence, list[str]]] = {}
        for evidence, kept, owner in moved:
            group = kept.pointer or owner.topic
            if group in groups:
                detail = _plain_drop(detail, evidence.text)
                groups[group][2].append(evidence.key)
            else:
                detail = detail.replace(evidence.text, f"\x00{group}\x00", 1)
                groups[group] = (owner, kept, [evidence.key])
        lines = [k.pointer or screen._pointer(keys, o) for o, k, keys in groups.values()]
        marks = [f"\x00{group}\x00" for group in groups]
        detail = detail.replace(marks[0], " ".join(dict.fromkeys(lines)), 1)
        for mark in marks[1:]:
            detail = _plain_drop(detail, mark)
        gone = [m for m, _, _ in moved]
        kept_here = tuple(e for e in rec.evidence if all(e is not m for m in gone))
        shared.append(dataclasses.replace(rec, detail=detail, evidence=kept_here))
    linked_once = []
    for i, rec in enumerate(shared):
        others = frozenset(
            r.source.url for j, r in enumerate(shared) if j != i and r.source.url
        ) - {rec.source.url}
        detail = screen._link_as_name(rec.detail, others)
        if detail == rec.detail:
            linked_once.append(rec)
            continue
        unlinked = tuple(
            dataclasses.replace(e, text=screen._link_as_name(e.text, others)) for e in rec.evidence
        )
        linked_once.append(dataclasses.replace(rec, detail=detail, evidence=unlinked))
    key = screen.evidence_key(facts)
    # A card with its own fingerprint keeps it (the age-limit, adherence and diagnosis cards
    # among these rules: review 18b U3, W2).
    return tuple(
        dataclasses.replace(r, evidence_key=key) if r.snoozable and r.evidence_key is None else r
        for r in linked_once
    )


def _screens() -> Iterator[tuple[list[Recommendation], RuleContext]]:
    rules = (suicide_risk.rule, maoi_combination.rule, age_dose_limit.rule, *pv.PATHWAY_RULES)
    for scenario in all_scenarios():
        record = build_record(
            scenario.resources, as_of=scenario.as_of, patient_id=scenario.patient_id
        )
        ctx = build_context(record, POLICY)
        found = [rec for rec in (rule(ctx) for rule in rules) if rec is not None]
        yield found, ctx


@pytest.mark.real_drug_table
def test_one_copy_per_card_gives_the_screen_the_three_passes_gave() -> None:
    moved = 0
    for found, ctx in _screens():
        recs = list(cards.ordered(found))
        composed = screen.compose(recs, ctx.facts)
        assert composed == _plain_compose(recs, ctx.facts)
        assert composed == screen.fingerprint(
            screen.source_links_once(screen.share_evidence(recs)), ctx.facts
        )
        moved += sum(a.detail != b.detail for a, b in zip(composed, recs, strict=True))
    assert moved > 0, "some scenario screen moves a section"


# --- washout, monitoring, labs, staging, findings ---------------------------------------------


def test_a_switch_line_looks_for_maoi_names_only_when_none_is_on_record() -> None:
    phenelzine = f.trial("phenelzine", "MAOI", start=date(2024, 1, 8), mg=45, ongoing=True)
    # Stopped five days ago: still within its washout.
    stopped = f.trial("phenelzine", "MAOI", start=f.AS_OF - timedelta(weeks=10, days=5), mg=45)
    records = [
        f.record(trials=()),
        f.record(trials=(f.trial(ongoing=True),)),
        f.record(trials=(phenelzine,)),
        f.record(trials=(stopped, f.trial(ongoing=True))),
    ]
    options_sets = [
        ["SNRI: desvenlafaxine, duloxetine"],
        ["MAOI: phenelzine", "SSRI: sertraline"],
        ["fluoxetine (first choice; NICE NG134)", "tranylcypromine"],
        ["NDRI: bupropion"],
    ]
    lines_seen = 0
    for record in records:
        for options in options_sets:
            text = " ".join(options).lower()
            named = [
                n for n, word in washout_switch._name_patterns() if n in text and word.search(text)
            ]
            note = washout_switch.switch_note(record, named)
            assert washout_switch.switch_lines(record, options) == ([note] if note else [])
            lines_seen += bool(note)
    assert lines_seen >= 3


def test_monitoring_by_agent_is_the_first_row_of_the_scan() -> None:
    agents = {m.agent for m in pathway_options.monitoring_rows()} | {"Lithium", "unknown", ""}
    for agent in agents:
        plain = next(
            (m for m in pathway_options.monitoring_rows() if m.agent and m.agent == agent.lower()),
            None,
        )
        assert pathway_options.monitoring_for(agent) == plain
    assert pathway_options.monitoring_for("lithium") is not None


def test_latest_labs_in_one_pass_are_latest_lab_per_test() -> None:
    rng = random.Random(4)
    day0 = date(2024, 1, 1)
    for _ in range(300):
        labs = tuple(
            f.lab(
                rng.choice(["tsh", "b12", "folate", "vitamin-d"]),
                rng.choice([0.5, 2.0, 9.0]),
                day0 + timedelta(days=rng.randint(0, 5)),  # same-day results: the first wins
                flag=rng.choice(["low", "high", "normal", None]),
            )
            for _ in range(rng.randint(0, 6))
        )
        record = f.record(labs=labs)
        latest = diagnosis_review._latest_labs(build_context(record, POLICY))
        for test in ("tsh", "b12", "folate", "vitamin-d"):
            plain = record.context.latest_lab(test)
            found = latest.get(test)
            if found is not None and found.same_day:
                # A day whose results disagree: the safer decides (lab59, test_lab59.py).
                assert plain is not None and found.date == plain.date
            else:
                assert found is plain


def test_maudsley_rows_by_dimension_read_as_the_table_scan() -> None:
    def plain(dimension: str, value: int) -> tables.MaudsleyRow | None:
        for row in tables.maudsley_rows():
            if row.dimension != dimension or row.lower is None:
                continue
            if value >= row.lower and (row.upper is None or value <= row.upper):
                return row
        return None

    for dimension in {row.dimension for row in tables.maudsley_rows()} | {"none"}:
        for value in range(-2, 40):
            expected = plain(dimension, value)
            if expected is None:
                with pytest.raises(ValueError):
                    staging._row(dimension, value)
            else:
                assert staging._row(dimension, value) is expected


def test_findings_by_kind_are_the_record_findings_of_each_kind() -> None:
    for findings in FINDING_SETS:
        record = f.trd_record(findings=findings + (f.mdd(rid="mdd-2", onset=None),))
        facts = derive_facts(record, POLICY)
        for kind in FindingKind:
            if kind is FindingKind.PREGNANCY:
                # The current pregnancy only (services/pregnancy_now.py: a delivery or the
                # pregnancy window ends one; review s21 RD findings 4, 5).
                now = facts.pregnancy
                assert facts.findings_of(kind) == (now.current if now else ())
                continue
            assert facts.findings_of(kind) == record.context.of(kind)
    # Every drug caution names a finding kind: the facts read them by kind.
    for caution in tables.drug_cautions():
        assert FindingKind(caution.finding) in FindingKind


def test_beyond_medication_for_adults_is_built_once_and_reads_as_built_afresh() -> None:
    frail = (_finding(FindingKind.FRAILTY, date(2024, 3, 1), code="R54"),)
    for age in (None, 30, 64, 65, 80):
        for frailty in ((), frail):
            for exclude in (frozenset(), frozenset({"ect"}), frozenset({"esketamine", "ect"})):
                older = pathway_options.older_adult(age, frailty, POLICY)
                fresh = pathway_options._beyond(exclude, older=older, age=age, frailty=frailty)
                got = pathway_options.beyond_medication(
                    2, age, POLICY, exclude=exclude, frailty=frailty
                )
                # With no age the line is no longer here: services/age_note.py says it first on
                # the card (review 19 D3).
                assert got == fresh
                # ECT is the option named first for an older adult (when the card lists it).
                assert ("may be especially effective in older patients" in got) == (
                    older and "ect" not in exclude
                )
    assert pathway_options.beyond_medication(0, 30, POLICY) == ""
