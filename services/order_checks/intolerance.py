"""The "not tolerated before" check: a drug ordered again after a documented intolerance
(stop reason, AllergyIntolerance, AdverseEvent: services/tolerability.py), with or without a
course of it on this chart; and a drug that shares an ingredient with one not tolerated (a fixed
combination counts as each of its components: Auvelity after bupropion, bupropion after
Auvelity; fhir_mapping/drug_table.shared_ingredients); a drug an allergy to another holds back
where a label says so (citalopram after an escitalopram allergy: tolerability.cross_reactive,
review 16 recheck U-a); and, when the allergies could not be read, a card saying the draft was
not checked against them (review 16 recheck W-b)."""

from __future__ import annotations

from datetime import date

from fhir_mapping import allergy_classes, drug_table
from fhir_mapping.intolerance import record_kind
from fhir_mapping.record import (
    DraftOrder,
    Intolerance,
    Trial,
)
from services import cards, tolerability, trial_dates
from services.card_format import reaction_in_sentence
from services.order_checks.allergies_unread import allergies_unread_check
from services.order_checks.intolerance_running import running_reaction_check
from services.order_checks.model import NOT_TOLERATED, OrderCheck
from services.recommendation import Indicator
from services.rules.context import RuleContext
from services.running_reactions import severe_settled


def intolerance_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug ordered again after its latest course was documented as not tolerated (a stop
    reason, an AllergyIntolerance or an AdverseEvent: services/tolerability.py), any episode and
    any role. A drug running today is not flagged: the order renews a course the patient is
    taking now (the EHR's own allergy check still sees an active AllergyIntolerance), and a card
    on every renewal would be noise; unless its reaction was recorded while that course ran
    (an allergy, an AdverseEvent: order_checks/intolerance_running.py, s30 allergy31)."""
    course = tolerability.not_tolerated(ctx.record).get(draft.ingredient)
    if course is None:
        found = _documented_intolerance_check(draft, ctx)
        if found is None:
            found = _shared_ingredient_check(ctx, draft)
        if found is None:
            found = _cross_reactive_check(ctx, draft)
        return found if found is not None else allergies_unread_check(ctx, draft)
    if course.ongoing:
        # A renewal, unless the reaction was recorded while this course ran (s30 allergy31), or
        # a severe entry is undated: no dosing is shown to come after it, nothing settles it
        # (tolerability.settled_by; s30 allergy35 K25a: no card).
        found = running_reaction_check(ctx, draft)
        return found if found is not None else _documented_intolerance_check(draft, ctx)
    if course.intolerance is None:
        return None
    intolerance = course.intolerance
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    name = draft.ingredient.capitalize()
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{name} was not tolerated before ({intolerance.reason}, {when}): check before "
            "re-starting it",
            f"{name} was not tolerated before ({when}): check before re-starting it",
            f"{name} was documented as not tolerated: check before re-starting it",
        ),
        cards.join_sections(
            f"**Not tolerated before:** {tolerability.course_line(course)}. A re-challenge is a "
            "deliberate decision with the patient; otherwise choose a drug with a different "
            "side-effect profile (CANMAT 2023 para 190: switch when tolerability is poor).",
            cards.trial_table([course], ctx.policy.mapping),
        ),
        indicator=severity(intolerance),
    )


def _documented_intolerance_check(ctx_draft: DraftOrder, ctx: RuleContext) -> OrderCheck | None:
    """An intolerance documented for a drug with no course on this chart (an allergy recorded
    before the chart's medication history begins)."""
    # Or a severe entry a re-challenge settled, running (s30 allergy34 item 1) or ended (s31
    # allergy38 item 1): a warning, never silence while the entry stays active.
    held = tolerability.documented_without_a_course(ctx.record).get(ctx_draft.ingredient)
    intolerance = held or severe_settled(ctx.record, ctx_draft.ingredient)
    if intolerance is None:
        return None
    name = ctx_draft.ingredient.capitalize()
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    # A re-challenge running now, too short to settle the entry (s30 course31 finding 1): the
    # draft continues it, it does not start it.
    running = any(t.ongoing and t.ingredient == ctx_draft.ingredient for t in ctx.record.trials)
    if intolerance.allergen_class:
        # A class entry a course of this drug settled (severe_settled reads class entries since
        # rx60) is a warning, as a drug-coded one is: the tier follows `held` the same way.
        return _class_allergy_check(
            ctx_draft,
            intolerance,
            when,
            held=held is not None,
            running=running,
            since="" if held else _courses_since(ctx, intolerance),
        )
    if not held and not running:
        return _contradicted_check(ctx, ctx_draft, intolerance)
    verb = "continuing" if running else "starting"
    return OrderCheck(
        NOT_TOLERATED,
        ctx_draft,
        cards.fit_summary(
            f"{name} was documented as not tolerated ({intolerance.reason}, {when}): check "
            f"before {verb} it",
            f"{name} was documented as not tolerated: check before {verb} it",
        ),
        f"**Documented intolerance:** "
        f"{tolerability.intolerance_brief(ctx_draft.ingredient, intolerance)}. "
        f"{_courses_since(ctx, intolerance)} A re-challenge is a deliberate decision with the "
        "patient (CANMAT 2023 para 190: switch when tolerability is poor).",
        indicator=severity(intolerance) if held else None,
    )


def _contradicted_check(
    ctx: RuleContext, draft: DraftOrder, intolerance: Intolerance
) -> OrderCheck:
    """A severe entry still active that an ended course taken after it settled (the course ran
    the settling length with no reaction recorded: s31 allergy38 item 1). The dosing contradicts
    the entry, but an active entry of a reaction that can kill is what the next prescriber and
    the EHR's check read: a warning to reconcile it before ordering (CHANGELOG session 30)."""
    name = draft.ingredient.capitalize()
    reaction = _severe_reaction(intolerance)
    day = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    course = tolerability.settled_by(ctx.record, intolerance)
    taken = draft.ingredient
    if course is not None:
        said = trial_dates.dates_text(course) + tolerability.unbroken(course).rstrip(",")
        taken = f"{course.ingredient} {said}"
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{name}: {reaction} on record ({day}), contradicted by later dosing: reconcile the "
            "allergy list before ordering",
            f"{name}: {reaction} ({day}) contradicted by later dosing: reconcile before ordering",
            f"{name}: {reaction} on record, contradicted by later dosing: reconcile before ordering",
        ),
        f"**Severe allergy contradicted by later dosing:** "
        f"{tolerability.intolerance_brief(draft.ingredient, intolerance)}, still active. A course "
        f"taken after it ({taken}) ran at least the {tolerability.settle_days()} days that settle "
        "an entry as tolerated, with no reaction recorded. An active entry of a reaction that can "
        "kill is what the next prescriber and the EHR's check read: reconcile it with the "
        "patient (resolve or refute it, or keep it and choose another drug) before ordering "
        "(CANMAT 2023 para 190: switch when tolerability is poor).",
    )


def _courses_since(ctx: RuleContext, intolerance: Intolerance) -> str:
    """ "No course of it is on this chart.", or the short course taken after the entry that does
    not settle it ("A course 2025-06-01 – 2025-06-21 ended with no reason: reconcile before
    proposing."; tolerability.unsettled_course, s29 RN finding 1)."""
    since = tolerability.unsettled_course(ctx.record, intolerance).removeprefix("; ")
    return f"{since[0].upper()}{since[1:]}." if since else "No course of it is on this chart."


def severity(intolerance: Intolerance) -> Indicator | None:
    """Critical when the allergy's criticality is high or its reaction was anaphylaxis or
    angioedema (Intolerance.severe): a re-exposure can be life-threatening, and a warning the
    prescriber may click past is not enough for that (review 16 U1). Otherwise the topic's
    own indicator (warning)."""
    return Indicator.CRITICAL if intolerance.severe else None


def _class_allergy_check(
    draft: DraftOrder,
    intolerance: Intolerance,
    when: str,
    *,
    held: bool = True,
    running: bool = False,
    since: str = "",
) -> OrderCheck:
    """A drug of a class the patient is documented as allergic to ("SSRIs"): the allergy named as
    written, since the EHR's own allergy check cannot match a class written as text (review 16
    U1). `held` False: a severe entry a course of this drug taken since has settled (rx60): a
    warning, as for an entry coded as the drug (`_documented_intolerance_check`), with the course
    said (`since`); `running`: the draft continues a course, it does not start one."""
    name = draft.ingredient.capitalize()
    verb = "continuing" if running else "starting"
    allergen = intolerance.allergen_class
    # Named as the entry's type says: an intolerance (nausea) is no allergy (review 16 recheck
    # a02). A severe reaction (anaphylaxis, angioedema, criticality high) stays an allergy
    # whatever the type says: "intolerance" on a critical card would understate it.
    kind = "allergy" if intolerance.severe else record_kind(intolerance)
    # A drug the table classes otherwise says why it belongs (vilazodone: an SSRI and a 5-HT1A
    # partial agonist; review 16 recheck a07).
    note = allergy_classes.member_note(draft.ingredient)
    member = f" ({note})" if note else ""
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{name} is in a class with a documented {kind} ({allergen}: {intolerance.reason}, "
            f"{when}): check before {verb} it",
            f"{name} is in a class with a documented {kind} ({allergen}, {when}): check before "
            f"{verb} it",
            f"{name} is in a class with a documented {kind} ({allergen}): check before {verb} it",
        ),
        f"**Documented class {kind}:** {allergen} ({intolerance.reason}, "
        f"{tolerability.when(intolerance)}), recorded against the class, not one drug: "
        f"{draft.ingredient} "
        f"belongs to it{member}. {since + ' ' if since else ''}A class allergen written as text is "
        "not matched by the EHR's drug-allergy check. Choose a drug of another class, or confirm with the patient and the allergy "
        "history which drug reacted before prescribing (CANMAT 2023 para 190: switch when "
        "tolerability is poor).",
        indicator=severity(intolerance) if held else None,
    )


def _shared_ingredient_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug that shares an ingredient with one the patient did not tolerate (the latest
    course, or an intolerance documented with no course after it): dextromethorphan-bupropion
    (Auvelity) after bupropion was not tolerated, and bupropion after Auvelity was not (the
    reaction may have been to either component, so the safer reading flags it). Not flagged: a
    course of the drafted drug itself running now (a renewal) or begun after the intolerance
    (it was tolerated since), nor a drug not tolerated that is running now (the duplicate check
    names that combination). A course of the drafted drug running now counts as any other
    (`_tolerated_since`): only once it has run the settling length (s30 allergy32 item 1)."""
    own = [t for t in ctx.record.trials if t.ingredient == draft.ingredient]
    found: list[tuple[str, Intolerance, str]] = []  # (drug, intolerance, brief)
    for name, course in tolerability.not_tolerated(ctx.record).items():
        if not course.ongoing and course.intolerance is not None:
            found.append((name, course.intolerance, tolerability.course_line(course)))
    for name, intolerance in tolerability.documented_without_a_course(ctx.record).items():
        found.append((name, intolerance, tolerability.intolerance_brief(name, intolerance)))
    for other, intolerance, brief in found:
        shared = drug_table.shared_ingredients(draft.ingredient, other)
        if not shared or _tolerated_since(own, intolerance.date):
            continue
        running = any(t.ongoing for t in own)
        return _shared_card(draft, other, shared, intolerance, brief, running)
    return None


def _tolerated_since(own: list[Trial], when: date | None) -> bool:
    """A course of the drafted drug that ended after the intolerance was recorded (and carries
    none itself, else the direct check would have spoken) and ran long enough to settle an
    allergy entry (tolerability.rechallenge_settles: three days prove nothing, s30 course31
    finding 2): a re-challenge of the shared ingredient that was tolerated. An undated
    intolerance is never outdated (safer)."""
    return when is not None and any(
        t.end > when and t.intolerance is None and tolerability.rechallenge_settles(t) for t in own
    )


def _shared_card(
    draft: DraftOrder,
    other: str,
    shared: tuple[str, ...],
    intolerance: Intolerance,
    brief: str,
    running: bool,
) -> OrderCheck:
    name = draft.ingredient.capitalize()
    reason, when = intolerance.reason, intolerance.date
    day = when.isoformat() if when else "date not recorded"
    # A course of the drafted drug running now, too short to settle the entry: the draft
    # continues it (s30 allergy32 item 1).
    verb = "continuing" if running else "starting"
    parts = " and ".join(shared)
    if drug_table.components(draft.ingredient) == shared:
        # Bupropion ordered after Auvelity was not tolerated: a component of it.
        how = f"{name} is in {other}"
        why = (
            f"{name} is a component of {other}; the reaction may have been to {parts} or to "
            "another component."
        )
    else:
        # Auvelity ordered after bupropion was not tolerated: it contains that drug.
        how = f"{name} contains {parts}"
        why = f"{name} contains {parts}, so the same reaction may recur."
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        cards.fit_summary(
            f"{how}, not tolerated before ({reason}, {day}): check before {verb} it",
            f"{how}, not tolerated before ({day}): check before {verb} it",
            f"{how}, documented as not tolerated: check before {verb} it",
        ),
        f"**Not tolerated before:** {brief}. {why} A re-challenge is a deliberate decision with "
        "the patient; otherwise choose a drug with a different side-effect profile (CANMAT 2023 "
        "para 190: switch when tolerability is poor).",
        # Critical for a severe reaction, as the drug's own and a cross-reactive allergy are
        # (anaphylaxis to bupropion, Auvelity drafted: s30 allergy32).
        indicator=severity(intolerance),
    )


def _cross_reactive_check(ctx: RuleContext, draft: DraftOrder) -> OrderCheck | None:
    """A drug an allergy to a relative holds back, where a label says so: citalopram after an
    escitalopram allergy (escitalopram is its S-enantiomer; the Lexapro label contraindicates
    hypersensitivity to either), and the reverse (review 16 recheck U-a: both answered no card,
    coded or as the brand "Lexapro"). The EHR's drug-allergy check may not match an ingredient
    to its enantiomer or metabolite. Critical for a severe reaction, as the drug's own allergy is.
    Not flagged: a course of the drafted drug, running or ended, that settles the entry
    (tolerability.cross_reactive); a running one too short to (12 days of citalopram after an
    escitalopram anaphylaxis) is no renewal to wave through (s30 allergy32 item 1)."""
    related = tolerability.cross_reactive(ctx.record).get(draft.ingredient)
    if related is None:
        return None
    intolerance = related.intolerance
    name = draft.ingredient.capitalize()
    when = intolerance.date.isoformat() if intolerance.date else "date not recorded"
    other = related.allergen
    kind = "allergy" if intolerance.severe else record_kind(intolerance)
    if intolerance.severe:
        # A severe reaction is never left out of the summary (recheck 2 of review 16, a03: the
        # anaphylaxis card read only "Citalopram not tolerated"): the reaction comes first,
        # each shorter candidate keeps it.
        reaction = _severe_reaction(intolerance)
        summary = cards.fit_summary(
            f"{other.capitalize()}: {reaction} on record ({kind}, {when}): "
            f"{draft.ingredient} {related.relation}",
            f"{other.capitalize()}: {reaction} on record ({kind}, {when}): {draft.ingredient} "
            "is related, check before ordering",
            f"{name}: {reaction} to {other} on record ({when}): check before ordering",
        )
    else:
        summary = cards.fit_summary(
            f"{other.capitalize()} not tolerated ({intolerance.reason}, {when}): "
            f"{draft.ingredient} {related.relation}",
            f"{other.capitalize()} not tolerated ({when}): {draft.ingredient} {related.relation}",
            f"{name} is related to {other}, documented as not tolerated ({when}): check first",
        )
    # The labels' contraindication is hypersensitivity to either drug: cited for an allergy, not
    # for an intolerance such as nausea (recheck 2 of review 16, a02).
    cite = (
        " (the label lists hypersensitivity to either as a contraindication)"
        if kind == "allergy"
        else ""
    )
    return OrderCheck(
        NOT_TOLERATED,
        draft,
        summary,
        f"**Not tolerated before:** {tolerability.intolerance_brief(other, intolerance)}. "
        f"{name} {related.relation}, so the same reaction may recur{cite}; the EHR's "
        f"drug-allergy check may not match the two.{_short_courses(ctx, draft, intolerance)} "
        "A re-challenge is a deliberate decision with "
        "the patient; otherwise choose a drug of another class (CANMAT 2023 para 190: switch "
        "when tolerability is poor).",
        indicator=severity(intolerance),
    )


def _short_courses(ctx: RuleContext, draft: DraftOrder, intolerance: Intolerance) -> str:
    """ " A course of citalopram 2025-06-01 – 2025-06-04 (3 days) after the entry is too short to
    show it is tolerated.": the drafted drug's courses since the entry that do not settle it
    (tolerability.rechallenge_settles, s30 course31 finding 2); "" when there are none."""
    day = intolerance.date
    same = (t for t in ctx.record.trials if t.ingredient == draft.ingredient)
    short = [t for t in same if day is None or t.end >= day]
    if not short:
        return ""
    course = max(short, key=lambda t: t.end)
    days = (course.end - course.start).days
    if course.ongoing:
        # Running now: the draft continues it, and a reaction may still come (s30 allergy32).
        return (
            f" A course of {course.ingredient} since {course.start.isoformat()} runs now, {days} "
            "days so far: too short to show it is tolerated."
        )
    # A course bridged over a supply gap: its span is not dosing (s31 allergy36 item 2).
    said = tolerability.unbroken(course) or f" ({days} days)"
    return (
        f" A course of {course.ingredient} {course.start.isoformat()} – {course.end.isoformat()}"
        f"{said} after the entry is too short to show it is tolerated."
    )


def _severe_reaction(intolerance: Intolerance) -> str:
    """The reaction a severe entry records, lower case ("anaphylaxis"), from its reason
    ("documented allergy: Anaphylaxis"); "a severe reaction" when it names none (criticality
    high alone, or a reason without a manifestation)."""
    _, _, words = intolerance.reason.partition(": ")
    words = words.strip()
    if not words:
        return "a severe reaction"
    return reaction_in_sentence(words)
