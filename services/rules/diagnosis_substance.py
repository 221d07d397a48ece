"""How the diagnosis review names substance use: the latest alcohol screen with its score
(AUDIT-C, AUDIT; policy.alcohol_screen_recent_days), the summary's names for the finding,
longest first, and whether the findings are alcohol use, other substance use or both
(data/finding_code_sets.csv, "alcohol-use").

Apart from diagnosis_psychiatric.py, whose substance-use lines use it, because it is wording
(review 14 M3 and audit s01: the alcohol named, with its screen), not a judgement of what to
review; and the lines of a high alcohol or drug screen with no substance use coded
(`screen_items`).
"""

from __future__ import annotations

from datetime import timedelta

from fhir_mapping.record import Finding, FindingKind, Score
from fhir_mapping.visit_substance import old_visit
from services import drug_rules
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item
from services.rules.populations import screen_at_cut_off, substantial_alcohol_screen

# The alcohol screens a substance-use line names with their score (review 14 M3: an AUDIT-C of 9
# three weeks before was left out beside the F10.20 it measures); the instruments are
# observation_codes.csv's, the window the one the alcohol rows read (policy.alcohol_screen_recent_days).
_ALCOHOL_SCREENS = ("AUDIT-C", "AUDIT")


def alcohol_screen(ctx: RuleContext) -> str:
    """ "; AUDIT-C 9 on 2025-05-12" for the latest alcohol screen within the window, else ""."""
    latest = _latest_alcohol_screen(ctx)
    if latest is None:
        return ""
    computed = ", computed from items" if latest.total_computed else ""
    return f"; {latest.instrument} {latest.value:g} on {latest.date.isoformat()}{computed}"


def remission_ask(ctx: RuleContext, findings: tuple[Finding, ...]) -> str:
    """ " The latest AUDIT-C (0 on 2026-11-02) is negative: ask whether the disorder is in
    remission and, if so, record it so on the problem list." when every finding is alcohol use and the latest
    recent alcohol screen is below its negative line (policy.negative_alcohol_screen_below),
    else "" (review s22 RX finding 7: an F10.20 of 2015 beside an AUDIT-C of 0 last month read
    only as current use). An ask, not a reading of remission: the code is the clinician's, and
    a self-report below the line is no proof; nothing is lifted by it."""
    if substance_words(findings) != "alcohol use":
        return ""
    latest = _latest_alcohol_screen(ctx)
    if latest is None or latest.value is None:
        return ""
    below = ctx.policy.negative_alcohol_screen_below(latest.instrument)
    if below is None or latest.value >= below:
        return ""
    return (
        f" The latest {latest.instrument} ({latest.value:g} on {latest.date.isoformat()}) is "
        "negative: ask whether the disorder is in remission and, if so, record it so on the "
        "problem list."
    )


def _latest_alcohol_screen(ctx: RuleContext) -> Score | None:
    """The latest alcohol screen with a value within the window, or None."""
    since = ctx.record.as_of - timedelta(days=ctx.policy.alcohol_screen_recent_days)
    recent = [
        s
        for s in ctx.record.scores
        if s.instrument in _ALCOHOL_SCREENS and s.value is not None and s.date >= since
    ]
    return max(recent, key=lambda s: s.date) if recent else None


def _in_sentence(text: str) -> str:
    """A display name inside a sentence: its first letter in lower case ("alcohol dependence"),
    unless the first word is an abbreviation ("PTSD", or mixed case "EtOH dependence": lowered it
    read "etOH", review K61a s39 finding 5) (review 14 audit t01: "with Heart failure")."""
    if any(c.isupper() for c in text.split(" ", 1)[0][1:]):
        return text
    return text[:1].lower() + text[1:]


def substance_named(ctx: RuleContext, finding: Finding, short: str) -> tuple[str, ...]:
    """How the summary names the substance use, longest first: "alcohol dependence,
    uncomplicated (ICD-10-CM F10.20); AUDIT-C 9 on 2025-05-12", then shorter (review 14 audit
    s01: the summary said "active substance use" where the chart said alcohol)."""
    display = _in_sentence(finding.display)
    screen = _latest_alcohol_screen(ctx)
    score = (
        f"{screen.instrument} {screen.value:g}"
        if screen is not None and screen.value is not None
        else ""
    )
    dated = f"; {score} on {screen.date.isoformat()}" if screen is not None and score else ""
    short_score = f", {score}" if score else ""
    if finding.system == "text":  # typed in: no code to name
        return (f"{display}{dated}", f"{display}{short_score}", short)
    return (
        f"{display} ({finding.coding}){dated}",
        f"{display} ({finding.code}){short_score}",
        f"{display}{short_score}",
        short,
    )


# The code set (data/finding_code_sets.csv) whose findings are alcohol use: the alcohol codes,
# and text-only entries naming alcohol, of the substance-use kinds.
_ALCOHOL_SET = "alcohol-use"


def substance_words(findings: tuple[Finding, ...]) -> str:
    """What the substance use on record is: "alcohol use" when every finding is alcohol use,
    "alcohol and other substance use" when some are, else "substance use". An F10.20 named
    "substance use" hid that the finding is alcohol, on the screen where the bupropion and
    duloxetine caveats speak of alcohol (review 14 audit, s01)."""
    alcohol = drug_rules.code_sets()[_ALCOHOL_SET]
    held = [alcohol.holds(f) for f in findings]
    if all(held):
        return "alcohol use"
    return "alcohol and other substance use" if any(held) else "substance use"


# The code set whose screen is the drug screen (DAST-10: data/finding_code_sets.csv "drug-use").
_DRUG_SET = "drug-use"


def screen_items(ctx: RuleContext) -> tuple[Item, ...]:
    """The lines of a recent alcohol screen (`screen_item`) and drug screen (`drug_screen_item`)
    at or above the clinic's cut-off, for a chart with no substance use coded."""
    return tuple(i for i in (screen_item(ctx), drug_screen_item(ctx)) if i is not None)


def drug_screen_item(ctx: RuleContext) -> Item | None:
    """A recent DAST-10 at or above the clinic's cut-off (policy.dast10_positive_from; the latest
    screen decides, in the alcohol screens' window): a line to assess for a drug use disorder
    alongside escalation, as the AUDIT-C's line (review K61a s39 finding 8: a DAST-10 of 8 said
    nothing while an AUDIT-C did). Worded as a screen, never as a diagnosis; holds nothing."""
    codes = drug_rules.code_sets().get(_DRUG_SET)
    screened = screen_at_cut_off(ctx.record, codes, ctx.policy) if codes is not None else None
    if screened is None:
        return None
    score = screened.score
    shown = f"{score.instrument} {screened.value} on {score.date.isoformat()}"
    what = "no drug use disorder coded"
    advice = (
        "Substance use disorders are associated with poor response (CANMAT 2023 para 181): ask "
        "about current drug use, assess for a drug use disorder and offer treatment or referral, "
        "alongside any escalation."
    )
    return Item(
        f"{score.instrument} {screened.value}, {what}",
        f"**{shown}, {what}:** at or above the clinic's cut-off ({screened.cut_off}), a positive "
        f"drug screen. {advice}",
        alongside=True,
        advice=advice,
        named=(
            f"{shown} (clinic cut-off {screened.cut_off}), {what}",
            f"{shown}, {what}",
            f"{score.instrument} {screened.value}, {what}",
        ),
        subject="drug use",
    )


def screen_item(ctx: RuleContext) -> Item | None:
    """A recent AUDIT-C or AUDIT at or above the clinic's cut-off (policy.auditc_substantial_use,
    audit_substantial_use; the latest screen decides: rules/populations.py) with no substance
    use coded: a line to ask about it alongside escalation (review s22 RX finding 2: an AUDIT-C
    of 9 with desvenlafaxine running was said nowhere; only duloxetine's running-drug card named
    it, and that card is about the drug's liver risk, not about drinking as a contributor).

    CANMAT 2023 para 181 names substance use among the comorbidities associated with poor
    response, and REFERENCE.md 6 asks to screen for it with the AUDIT-C: a high screen is what
    that screening finds, so it is said. Not a hold (as the coded disorder's line: a contributor
    assessed and treated beside escalation, not a contraindication to an adjunct), and worded
    as a screen, never as a diagnosis: it asks for the assessment that would make one."""
    screened = substantial_alcohol_screen(ctx.record, ctx.policy)
    if screened is None:
        return None
    score = screened.score
    shown = f"{score.instrument} {screened.value} on {score.date.isoformat()}"
    computed = ", computed from items" if score.total_computed else ""
    # An alcohol use disorder coded in remission (F10.21) is no active disorder, so the screen
    # is still said, but not as "no alcohol use disorder coded" beside the card's own line
    # naming it: as a possible relapse (review s28 RJ finding 12).
    relapse = _alcohol_in_remission(ctx)
    what = (
        "possible relapse of the alcohol use disorder in remission"
        if relapse
        else "no alcohol use disorder coded"
    )
    assess = (
        "assess for a relapse of the alcohol use disorder"
        if relapse
        else "assess for an alcohol use disorder"
    )
    advice = (
        "Alcohol use is associated with poor response (CANMAT 2023 para 181): ask about current "
        f"drinking, {assess} and offer treatment or referral, alongside any escalation."
    )
    return Item(
        f"{score.instrument} {screened.value}, {what}",
        f"**{shown}{computed}, {what}:** at or above the clinic's cut-off "
        f"({screened.cut_off}), read as substantial alcohol use. {advice}",
        alongside=True,
        advice=advice,
        named=(
            f"{shown} (clinic cut-off {screened.cut_off}), {what}",
            f"{shown}, {what}",
            f"{score.instrument} {screened.value}, {what}",
        ),
        subject="alcohol use",
    )


def _alcohol_in_remission(ctx: RuleContext) -> bool:
    """An alcohol use disorder coded in remission (F10.11/.21/.91: FindingKind.
    SUBSTANCE_USE_IN_REMISSION, the alcohol code set of data/finding_code_sets.csv)."""
    alcohol = drug_rules.code_sets()[_ALCOHOL_SET]
    return any(
        alcohol.holds(f) for f in ctx.facts.findings_of(FindingKind.SUBSTANCE_USE_IN_REMISSION)
    )


def old_visit_year(ctx: RuleContext, finding: Finding) -> int | None:
    """The year of the visit whose status-less encounter diagnosis is the finding's only record
    (fhir_mapping/visit_substance.py) when it is older than policy.substance_visit_current_days,
    else None (a problem-list entry, a stated status, or a recent visit: read as it is)."""
    return old_visit(finding, ctx.record.as_of, ctx.policy.substance_visit_current_days)
