"""The diagnoses a Condition's own text names (diagnosis_text.py reads the words), as findings of
that Condition (`text_findings`), for conditions.py.

When no code of the Condition matched the code tables, every kind its text asserts is read, as
before (an Oracle Health health concern is text only). When a code matched, the text is still
read for the kinds that stop or gate a treatment (bipolar disorder or mania, psychosis, epilepsy,
catatonia: `_GATING`) that no code of the entry gave (review s22 RX finding 1): an Epic problem's
display name edited by the clinician is sent as code.text on the coded entry, and "MDD recurrent
moderate; r/o bipolar II (hypomanic episodes 2019?)" on F33.1 raised no bipolar caution, though
TMS and an adjunct were offered and bupropion signed. Such a finding is marked TEXT_MENTION (in
`Finding.verification`, where a suspected diagnosis is marked): the cards then say what the text
says ("problem text mentions possible bipolar disorder"), never a bipolar diagnosis on record, and
still block the unipolar pathway until psychiatry settles it, the safer reading (an
antidepressant without a mood stabiliser risks a switch to mania if it is bipolar disorder). The
same negation rules apply ("no history of mania", "bipolar disorder ruled out 2024" are not read);
"r/o" is read as the finding, as diagnosis_text.py reads "rule out" (a text-only bipolar entry so
worded is marked a differential: differential_text.py, review s28 RJ finding 14); a relative's diagnosis
("(mother has bipolar d/o)", "FHx epilepsy") is not read (text_negations.csv, ConText experiencer
cues; review s22 RR2 finding 1).

Epilepsy named only in such text (review s22 RR2 finding 1d) is carried as a seizure held as a
seizure disorder is (`Finding.named_as`, services/finding_words.py; review 19 D1): bupropion and
TMS stay held, the safer reading, but the cards say "problem text mentions epilepsy, not coded:
confirm it", never a seizure disorder on record. Held rather than lowered to a caution: after the
negation and family-history cues, what is left is most likely the patient's own epilepsy, which
is bupropion's label contraindication (a seizure, not a click, is the cost of a wrong "caution"),
and a single coded seizure is already held so for TMS: a clinician's "epilepsy" cannot weigh less.
A seizure or convulsions in words ("Seizures", "h/o seizures", "History of seizure" on Z87.898,
which says nothing itself) are read so too, as R56.9 is (fix dx60, review K55a finding 1: they
gave a one-click TMS referral). Psychogenic non-epileptic seizures and seizure precautions are
look-alikes, not epilepsy, but the TMS card screens them (tms_safety_terms.csv cautions): PNES
is no TMS contraindication, yet about one in five such patients has epilepsy too, and an order
of precautions says a clinician judged a seizure risk real without saying a seizure occurred;
the TMS service, not a one-click referral nor a hold, is the one to ask.

Substance use, suicidal ideation and major depression in the text of a coded entry are not read
here: the first two have cards of their own that a code decides, and the entry's code says the
depression better than its words.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date

from fhir_mapping import (
    seizure_resolved,
    self_harm_past,
    self_harm_text,
    stated_history,
    stated_plan_text,
    stated_sa,
)
from fhir_mapping.diagnosis_text import (
    said_as_dated_past,
    said_as_not_current,
    says_in_remission,
)
from fhir_mapping.differential_text import DIFFERENTIAL, bipolar_to_rule_out
from fhir_mapping.psychotic_current import stated_not_current, to_rule_out
from fhir_mapping.record import Finding, FindingKind, SourceRef
from fhir_mapping.text_lines import harm_ideation, harm_reading, risk_kinds

# Finding.verification of a kind named only in the text of an entry coded as another kind.
TEXT_MENTION = "problem-text"

_GATING = frozenset(
    {
        FindingKind.BIPOLAR,
        FindingKind.PSYCHOTIC,
        FindingKind.PSYCHOTIC_DISORDER,
        FindingKind.EPILEPSY,
        FindingKind.CATATONIA,
    }
)
# How a card names a gating kind that only the text of a coded entry gives, where the kind has a
# `named_as` wording (services/finding_words.py); bipolar disorder has its own
# (services/bipolar_findings.py, by `verification`).
_MENTION_WORDS = {FindingKind.EPILEPSY: "problem text mentions epilepsy"}
_SUBSTANCE_USE = FindingKind.SUBSTANCE_USE
# An episode whose words as history ("Hx of alcohol withdrawal") read as the entry resolved: the
# coded withdrawal so recorded is (recheck K16 s29 finding 4); so do an episode to rule out ("r/o
# xanax withdrawal") and one said resolved ("Klonopin withdrawal - resolved"; recheck K17 s29
# finding 6; diagnosis_text.said_as_not_current), and one the words date as past ("Alcohol detox
# 2015", "..., sober since": review s29 RQ4 finding 3; diagnosis_text.said_as_dated_past).
_EPISODES = frozenset({FindingKind.ALCOHOL_SEDATIVE_WITHDRAWAL})
_BIPOLAR = FindingKind.BIPOLAR
_PSYCHOTIC = FindingKind.PSYCHOTIC
_IN_REMISSION = FindingKind.SUBSTANCE_USE_IN_REMISSION
# Text-only diagnoses that still count once resolved: bipolar disorder and the primary psychotic
# disorders are lifelong (as their codes are, condition_codes.csv counts_when_resolved: an
# "inactive" schizoaffective disorder is an inter-episode period, not a revised diagnosis, review
# 9 finding 6; a revised one is recorded as refuted or entered-in-error, which drops it); the
# others only while active. Self-harm and suicidal ideation count whatever the status, as their
# code rows do (condition_codes.csv counts_when_resolved): an ED encounter diagnosis is resolved
# once the visit closes, which says the visit ended, not the risk (visit_risk.py; review s26 RC
# finding 1: "Intentional overdose of sertraline, suicide attempt" as text only).
_TEXT_COUNTS_WHEN_RESOLVED = frozenset(
    {
        FindingKind.BIPOLAR,
        FindingKind.PSYCHOTIC_DISORDER,
        FindingKind.SELF_HARM,
        FindingKind.SUICIDAL_IDEATION,
        FindingKind.EPILEPSY,
        # "History of TMS treatment 2023" is history whatever its status (fix tms59).
        FindingKind.TMS_HISTORY,
    }
)
# A seizure (EPILEPSY above) counts on any entry: "Seizure" typed in as an ED visit's diagnosis is sent `resolved`
# once the visit closes, which says the visit ended, not that no seizure happened (fix dx61); a
# problem-list "Seizure (HCC)" resolved gave a one-click TMS referral while the same entry coded
# R56.9 resolved held it (condition_codes.csv counts_when_resolved; fix tms50). A seizure ever is
# what the TMS screen asks: a past seizure is at least a relative contraindication, and the
# project holds a single coded seizure as a seizure disorder (review 19 D1), so the words are
# held as the code is, the safer reading; the card says the entry is resolved (`state`, `abated`:
# services/finding_words.past_hold). A febrile seizure in words on a resolved entry is not counted,
# as its code resolved is not (fhir_mapping/seizure_resolved.py), except as an encounter diagnosis
# (`visit`), whose status says only that the visit closed.
_SEIZURE = FindingKind.EPILEPSY


def _to_rule_out(kind: FindingKind, text: str) -> str | None:
    """ "differential" for bipolar disorder a text-only entry names after "r/o" / "rule out"
    (differential_text.py; review s28 RJ finding 14), or psychotic features after "r/o" or
    "eval for" (psychotic_current.to_rule_out, fix psy64), else None."""
    if kind is _PSYCHOTIC:
        return DIFFERENTIAL if to_rule_out(text) else None
    return DIFFERENTIAL if kind is _BIPOLAR and bipolar_to_rule_out(text) else None


def text_findings(
    text: str,
    label: str,
    state: str,
    onset: date | None,
    source: SourceRef | None,
    coded: AbstractSet[FindingKind] = frozenset(),
    *,
    intent_coded: bool = False,
    visit: bool = False,
    abated: date | None = None,
) -> dict[FindingKind, Finding]:
    """Findings named in the Condition's text (`text`: its concept_text; `label`: its
    concept_label, what the card shows). `coded`: the kinds its codes gave (frailty left out);
    when there are any, only the `_GATING` kinds they did not give, marked TEXT_MENTION.
    `intent_coded`: a poisoning code states the intent (self_harm_text.intent_coded), so the
    words are not read for self-harm. `visit`: an encounter diagnosis, whose status says the visit
    closed (a febrile seizure so sent still counts: `_SEIZURE`). `abated`: the entry's abatement date, kept on a seizure
    counted once resolved (`_SEIZURE`) so the card says it."""
    found: dict[FindingKind, Finding] = {}
    # Suicidal ideation read with line breaks as sentence ends too (text_lines.py, fix text75).
    for kind in risk_kinds(text):
        if coded and (kind not in _GATING or kind in coded):
            continue
        if state == "remission" and kind is _SUBSTANCE_USE:
            # clinicalStatus "remission" on a use disorder typed in: the remission finding, as
            # the same status beside a code reads (condition_findings), not dropped.
            kind = _IN_REMISSION
        elif (
            (state != "active" and kind not in _TEXT_COUNTS_WHEN_RESOLVED)
            or (
                state != "active"
                and kind is _SEIZURE
                and not visit
                and not seizure_resolved.counts_when_resolved(text)
            )
            or (
                kind in _EPISODES
                and (
                    said_as_not_current(text, kind)
                    or said_as_dated_past(text, kind, onset.year if onset else None)
                )
            )
            # A hallucination or delusion said as past, resolved or with a named cause is no
            # current psychotic feature (psychotic_current.py; review K64a finding 3, fix tms60),
            # nor is any psychotic word so said ("Hx psychosis 2015, resolved"; fix psy62).
            or (kind is FindingKind.PSYCHOTIC and stated_not_current(text))
        ):
            # Resolved, or an episode written as history: not counted (_EPISODES).
            continue
        if kind is _SUBSTANCE_USE and says_in_remission(text):
            # "Alcohol use disorder, severe, in sustained remission" typed in: not current use
            # (review 7 finding 8), as the same words beside a code read.
            kind = _IN_REMISSION
        found[kind] = Finding(
            kind=kind,
            code="",
            system="text",
            display=label,
            onset=onset,
            source=source,
            verification=TEXT_MENTION if coded else _to_rule_out(kind, text),
            named_as=_MENTION_WORDS.get(kind) if coded else None,
            # Only a seizure carries its status: the other kinds kept once resolved are worded
            # as before (their cards do not read `state` of a text finding).
            state=state if kind is _SEIZURE else "active",
            abated=abated if kind is _SEIZURE else None,
        )
    read_harm = not coded and not intent_coded
    # A risk heading answered by a method or an affirmed intent ("Plan: hang self", "Intent:
    # high"): a stated plan, as in a visit reason (stated_plan_text.py; fix heads42: no card).
    planned = read_harm and stated_plan_text.states_plan(text)
    if read_harm and (planned or harm_ideation(text)):
        # "SI with plan to overdose", "thoughts of self harm": ideation with a plan, not an act
        # (self_harm_ideation.py; recheck K7 s28 finding 5), whatever the status, as above.
        found.setdefault(
            FindingKind.SUICIDAL_IDEATION,
            Finding(
                kind=FindingKind.SUICIDAL_IDEATION,
                code="",
                system="text",
                display=label,
                onset=onset,
                source=source,
            ),
        )
    # A heading's planned method is no act taken ("Plan: overdose"; stated_plan_text.act_words).
    words = stated_plan_text.act_words(text) if planned else text
    harm = harm_reading(words) if read_harm else None
    if harm is not None:
        # Self-harm or an overdose in words on an entry no code mapped (self_harm_text.py),
        # whatever the status (_TEXT_COUNTS_WHEN_RESOLVED); marked, so the suicide-risk card says
        # "text only: confirm".
        day, written = _harm_dated(text, onset)
        found[FindingKind.SELF_HARM] = Finding(
            kind=FindingKind.SELF_HARM,
            code="",
            system="text",
            display=label,
            onset=day,
            onset_written=written,
            source=source,
            verification=harm.value,
            # The entry's day when its words date the act earlier (fix hist38).
            stated_on=onset if day != onset else None,
            # "Remote SIB in adolescence, none since": past self-injury, asked about, not a
            # current act (self_harm_past.py; session 31 fix sib37).
            stated_past=self_harm_past.stated_past(text),
        )
    return found


def _harm_dated(text: str, onset: date | None) -> tuple[date | None, str | None]:
    """(onset, written date) of the self-harm the words name: the latest day of a year its words
    state it as a history of ("History of suicide attempt 2019": stated_history.past_clauses, as
    a visit reason is read) when that is before the entry's onset, the act's own date; else the
    entry's (recheck K27a s31 finding 3, fix hist37: an entry of 2026-11-20 so worded was a
    critical attempt "on 2026-11-20"). `written` as visit_risk.py keeps it: a year or month."""
    current, written = stated_history.past_clauses(text, _names_harm, act=True)
    if written is None or _names_harm(current):
        return onset, None
    latest = stated_history.latest_day(written)
    if onset is not None and latest >= onset:
        return onset, None
    return latest, written if len(written) < 10 else None


def _names_harm(text: str) -> bool:
    # "Hx SA 2019" is read as "Hx suicide attempt 2019" (stated_sa.py), as visit_risk.py reads it.
    return self_harm_text.reading(stated_sa.spell_out(text)) is not None
