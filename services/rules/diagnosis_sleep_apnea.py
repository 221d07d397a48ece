"""The sleep-apnea line of the diagnosis review card (`sleep_apnea_items`): untreated sleep apnea
holds escalation (CANMAT 2023 para 181: undiagnosed sleep apnea drives residual fatigue, insomnia
and low motivation); treatment on record settles it; what the record cannot settle is said,
alongside escalation, as a question.

What counts as treatment, in order:
- the apnea entry's own words saying its treatment is not in use ("CPAP intolerant, stopped using
  mask": FindingKind.SLEEP_APNEA_NOT_IN_USE, fhir_mapping/sleep_apnea_text.py) win over any CPAP
  on record, which shows a machine issued or a titration done, not use (review s22 RX finding 3):
  the untreated line stays and names both, so the prescriber sees why;
- the entry's words saying it is treated ("OSA on CPAP nightly"), or a CPAP Device (undated in
  R4: read as current, as the device list is the patient's current devices);
- a CPAP Procedure at most policy.cpap_current_days old. An older one (a titration of 2019) is not
  current treatment: "CPAP on record 2019-02-11: check it is used", alongside (review s22 RX
  finding 3);
- a CPAP ordered (active or completed ServiceRequest): an information line (review 17 W5).
With none of these, the device or procedure list that could not be seen (a key not sent, a search
that failed: fhir_mapping DataGap) makes it "CPAP not known (device list not available): check it
is used", alongside, never "untreated" (review s22 RX finding 5); else the untreated line.

Apart from diagnosis_medical.py because it reads devices, procedures, orders and data gaps, not
labs.
"""

from __future__ import annotations

from datetime import date, timedelta

from fhir_mapping.record import DataDomain, Finding, FindingKind, ProcedureKind, Referral
from services.card_format import record_cite
from services.rules.context import RuleContext
from services.rules.diagnosis_item import Item, _finding_ref
from services.rules.diagnosis_substance import old_visit_year
from services.rules.tms_referral_criteria import unchecked_lists

# Where a CPAP would be on record: the lists whose gap leaves the treatment not known.
_TREATMENT_LISTS = frozenset({DataDomain.DEVICES, DataDomain.PROCEDURES})
# A CPAP order counts once placed or filled; a draft, on-hold or revoked one does not (FHIR R4
# RequestStatus: active = in force, completed = done).
_CPAP_ORDER_STATUSES = frozenset({"active", "completed"})
# How the untreated line names a CPAP on record, by the resource it comes from.
_ON_RECORD = {
    "Device": "Device",
    "DeviceUseStatement": "DeviceUseStatement",
    "Procedure": "Procedure",
    "Condition": "another problem entry",
}
# Condition.verificationStatus codes of a diagnosis entered as not confirmed ("r/o OSA" typed in
# reads `differential`: fhir_mapping/sleep_apnea_text.py).
_SUSPECTED = frozenset({"differential", "provisional", "unconfirmed"})
_WHY = "It can drive residual fatigue, insomnia and low motivation (CANMAT 2023 para 181)."


def sleep_apnea_items(ctx: RuleContext) -> list[Item]:
    facts = ctx.facts
    apnea = facts.findings_of(FindingKind.SLEEP_APNEA)
    if not apnea:
        return []
    treated = facts.findings_of(FindingKind.SLEEP_APNEA_TREATED)
    procedures = _procedures(ctx, treated)
    # A CPAP Device marked inactive is not one in use (review s28 RJ finding 5): named, never
    # counted as treatment. Not sent or unknown: counted, as before (most device lists).
    stopped = [f for f in treated if _from(f, "Device") and f.state == "inactive"]
    current = [f for f in treated if not _from(f, "Procedure") and f not in stopped]
    since = ctx.record.as_of - timedelta(days=ctx.policy.cpap_current_days)
    recent = [f for f in procedures if f.onset is not None and f.onset >= since]
    ordered = _cpap_order(ctx)
    not_in_use = facts.findings_of(FindingKind.SLEEP_APNEA_NOT_IN_USE)
    if not_in_use and (current or procedures or ordered is not None):
        return [_not_in_use(apnea[0], not_in_use[0], (*current, *stopped, *procedures), ordered)]
    if current or recent:
        return []
    if visit := _old_visit(ctx, apnea):
        return [visit]
    if ordered is not None:
        # An order is not proof of use: the line rides along on the card (review 17 W5).
        when = ordered.authored.isoformat() if ordered.authored else "date not recorded"
        # The order's id only when it has no date to name it by (cards.record_cite).
        cite = record_cite(ordered.source, ordered.authored is not None, ", {}")
        return [
            Item(
                "sleep apnea, CPAP ordered",
                f"**Sleep apnea, CPAP ordered:** {_finding_ref(apnea[0])}; CPAP ordered "
                f"{when} ({ordered.status}{cite}): check it is used.",
                info=True,
            )
        ]
    if procedures:
        last = max(procedures, key=lambda f: f.onset or date.min)
        day = last.onset.isoformat() if last.onset else "(date not recorded)"
        return [
            _ask(
                f"CPAP on record {day}, check it is used",
                f"**Sleep apnea, CPAP on record {day}:** {_finding_ref(apnea[0])}; "
                f"{last.display or 'CPAP'} on {day}, none in the last "
                f"{ctx.policy.cpap_current_days} days: check it is used. {_WHY}",
            )
        ]
    unseen = [w.removeprefix("the ") for d, w in unchecked_lists(ctx) if d in _TREATMENT_LISTS]
    if unseen:
        why = "; ".join(unseen)
        return [
            _ask(
                f"CPAP not known ({why}), check it is used",
                f"**Sleep apnea, CPAP not known ({why}):** {_finding_ref(apnea[0])}. A CPAP may "
                f"be on record unseen: check it is used. {_WHY}",
            )
        ]
    if stopped:  # the device list says the CPAP is not in use: untreated, naming it
        return [
            Item(
                "untreated sleep apnea",
                f"**Sleep apnea, CPAP marked inactive:** {_finding_ref(apnea[0])}; the device "
                f"list marks {stopped[0].display or 'the CPAP'} inactive, not in use. {_WHY}",
            )
        ]
    if all(f.verification in _SUSPECTED for f in apnea):
        # Entered to rule out ("r/o OSA", or verificationStatus differential): the line stays,
        # holding as the untreated one does (an undiagnosed apnea is the one CANMAT names), but
        # says it is suspected, never on record, as a suspected bipolar disorder is named
        # (services/bipolar_findings.py; fix dx69).
        return [
            Item(
                "sleep apnea suspected: rule out",
                f"**Sleep apnea suspected, not confirmed:** {_finding_ref(apnea[0])}, entered "
                f"to rule out: confirm or rule it out (sleep study). {_WHY}",
            )
        ]
    return [
        Item(
            "untreated sleep apnea",
            f"**Sleep apnea without treatment on record:** {_finding_ref(apnea[0])}. {_WHY}",
        )
    ]


def _old_visit(ctx: RuleContext, apnea: tuple[Finding, ...]) -> Item | None:
    """When every apnea record is an old visit's status-less encounter diagnosis, the question
    whether it is current (review s28 RJ finding 6), by the substance line's own rule and window
    (diagnosis_substance.old_visit_year, policy.substance_visit_current_days); else None."""
    years = [old_visit_year(ctx, f) for f in apnea]
    if not all(years):
        return None
    f = apnea[0]
    year = max(y for y in years if y is not None)
    return _ask(
        f"recorded at a {year} visit, ask",
        f"**Sleep apnea recorded at a {year} visit:** {f.display} ({f.coding}, encounter "
        f"diagnosis of the {f.visit}, no status since). Ask whether it is current and treated "
        f"(CPAP), and update the problem list either way. {_WHY}",
    )


def _ask(what: str, text: str) -> Item:
    """A question the record cannot settle, reviewed alongside escalation (the optimise card's
    adjuncts stay one click), and minor: alone it makes an information card, never silent."""
    return Item(
        f"sleep apnea, {what}",
        text,
        alongside=True,
        minor=True,
        named=(what,),
        subject="sleep apnea",
    )


def _not_in_use(
    apnea: Finding, words: Finding, treated: tuple[Finding, ...], ordered: Referral | None
) -> Item:
    """The untreated line when the entry's words say the treatment is not in use beside a CPAP
    on record: both named, the words winning (the hold stays: the safer reading)."""
    on_record = [
        _ON_RECORD.get(f.source.resource_type if f.source else "", "record")
        + (f" of {f.onset.isoformat()}" if f.onset else "")
        + f": {f.display or 'CPAP'}"
        for f in treated
    ]
    if ordered is not None:
        day = ordered.authored.isoformat() if ordered.authored else "date not recorded"
        on_record.append(f"CPAP ordered {day} ({ordered.status})")
    return Item(
        "untreated sleep apnea",
        f"**Sleep apnea, treatment not in use:** {_finding_ref(apnea)}; the entry says "
        f'"{words.display}", while CPAP is on record ({"; ".join(on_record)}), which does not show '
        f"use. {_WHY}",
    )


def _procedures(ctx: RuleContext, treated: tuple[Finding, ...]) -> list[Finding]:
    """The CPAP Procedures on record: their findings (named by the Procedure's display), and any
    CPAP procedure record without one (a record built another way), as a plain "CPAP"."""
    found = [f for f in treated if _from(f, "Procedure")]
    sources = {f.source for f in found}
    found.extend(
        Finding(FindingKind.SLEEP_APNEA_TREATED, p.code, p.system, "CPAP", p.date, p.source)
        for p in ctx.record.procedures
        if p.kind is ProcedureKind.CPAP and (p.source is None or p.source not in sources)
    )
    return found


def _from(finding: Finding, resource_type: str) -> bool:
    return finding.source is not None and finding.source.resource_type == resource_type


def _cpap_order(ctx: RuleContext) -> Referral | None:
    """The latest CPAP ServiceRequest in force or done (fhir_mapping/referrals.py kind "cpap":
    HCPCS E0601, the SNOMED CPAP codes, or the sleep-apnea treatment words)."""
    found = [
        r for r in ctx.record.referrals if r.kind == "cpap" and r.status in _CPAP_ORDER_STATUSES
    ]
    return max(found, key=lambda r: r.authored or date.min) if found else None
