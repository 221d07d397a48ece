"""The order hooks' context checked against itself: selections that name no draft order, and draft
MedicationRequests whose medication has no readable shape (review 8 finding 8).

CDS Hooks order-select: "`selections` ... The FHIR id of the newly selected order(s). The
`selections` field references FHIR resources in the `draftOrders` Bundle." A client that breaks
this (a stale id, a temporary id replaced when the draft was saved) would otherwise get a quiet
`{"cards": []}`: the rules look only at the selected drafts, and none is. So:

- when no selection names a draft (`selections: []` included), every draft order is checked, as
  order-sign does. Checking all
  drafts is the safer reading for the patient: a check of an order the clinician did not select
  just now can at worst repeat a card, while checking none hides an MAOI or a failed class on the
  order being written. A selection that names no draft is said on the cards all the same;
- a selection that names no draft while others do is said too (that order was not checked);
- a draft MedicationRequest whose medication cannot be read at all (`medicationCodeableConcept`
  sent as an array, no medication[x], a concept with no code and no name) is named: it might be
  the antidepressant (or the MAOI) the checks are for;
- a checked draft whose subject names another patient is named, and still checked against the
  context patient (review 19 R2 M7). The draft is what the clinician is signing in this patient's
  chart: dropping it, as another patient's prefetch resources are dropped, would hide an MAOI
  card on the order being written; checking it in silence hides that the EHR sent a draft that
  says it is someone else's (a wrong subject, a stale draft), which the clinician should see.

They reach the cards as the protocol layer's other reports do: `HookInput.incomplete` under
MedicationRequest, which the record turns into a medications DataGap, said on the cards it could
change or on a `data-quality` card of its own (services/data_gaps.py). Only resource references go
in the text (no patient data); the log counts them.

The shape checks are structural only (this layer knows FHIR, not drugs; the check itself lives
in fhir_mapping/draft_medication.py so that both layers agree on which draft each names): a
concept that is well formed but names no drug the mapping can identify, or a reference that
resolves to no Medication, is the mapping's to report (review 15 U2).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Mapping, Sequence
from typing import Any

from cds_hooks.observability import logs
from fhir_mapping.draft_medication import (
    CHECKED_ALL_THE_SAME,
    CHECKED_INSTEAD,
    DRAFT_TYPE,
    MEDICATION_UNREAD,
    NOT_AMONG_DRAFTS,
    shape_problem,
)
from fhir_mapping.gaps import ANOTHER_PATIENT
from fhir_mapping.request_resources import not_belonging
from services.evaluation import HookInput

ORDER_HOOKS = frozenset({"order-select", "order-sign"})
_SHOWN = 3  # references named per line; the rest are counted
_REF_MAX = 120  # a reference longer than this is cut (the client's text, on a card)
# The drafts the order checks read: medication orders, and referrals (a TMS order).
_CHECKED_TYPES = frozenset({DRAFT_TYPE, "ServiceRequest"})


def checked_drafts(call: HookInput) -> HookInput:
    """`call` with its selections read against its draft orders: unchanged for a context that
    agrees with itself (nearly every call), else with the selections widened to every draft
    when none names one, and the mismatch and any unreadable draft reported under
    `incomplete["MedicationRequest"]`."""
    if call.hook not in ORDER_HOOKS:
        return call
    drafts = [d for d in call.draft_orders if isinstance(d, Mapping)]
    problems: list[str] = []
    selections = tuple(call.selections)
    unmatched: list[str] = []
    if selections:
        known = _references(drafts)
        unmatched = [s for s in selections if s not in known]
        if unmatched and len(unmatched) == len(selections):
            selections = ()  # none names a draft: every draft is checked (order-sign's reading)
            problems.append(
                f"{_selected(unmatched)} {NOT_AMONG_DRAFTS}: {_all_drafts(len(drafts))}"
            )
        elif unmatched:
            problems.append(f"{_selected(unmatched)} {NOT_AMONG_DRAFTS}: not checked")
    elif call.hook == "order-select":
        # `selections: []` (CDS Hooks 2.0 sets no minimum): read as selections that name no
        # draft, every draft checked and said so (review s28 RG finding 4; before, a 400).
        problems.append(
            f"context.selections is empty, naming no order {NOT_AMONG_DRAFTS}: "
            f"{_all_drafts(len(drafts))}"
        )
    unreadable = [(draft, why) for draft in drafts if (why := shape_problem(draft)) is not None]
    for why in dict.fromkeys(w for _, w in unreadable):
        refs = [_reference(d) for d, w in unreadable if w == why]
        noun = "draft order" if len(refs) == 1 else "draft orders"
        problems.append(f"{noun} {_named(refs)}: {MEDICATION_UNREAD} ({why})")
    strangers = _other_patients(call.patient_id, _checked(drafts, selections))
    if strangers:
        one = len(strangers) == 1
        problems.append(
            f"{'draft order' if one else 'draft orders'} {_named(strangers)} "
            f"{'names another patient as its' if one else 'name another patient as their'} "
            f"subject; {CHECKED_ALL_THE_SAME}"
        )
    if not problems:
        return call
    logs.event(
        "hook.draft_orders_unread",
        logging.WARNING,
        service=call.service_id,
        hookInstance=call.hook_instance,
        unmatchedSelections=len(unmatched),
        allDraftsChecked=not selections and (bool(call.selections) or call.hook == "order-select"),
        unreadableDrafts=len(unreadable),
        otherPatientDrafts=len(strangers),
    )
    incomplete = dict(call.incomplete)
    earlier = incomplete.get(DRAFT_TYPE)
    # One reason, its problems joined by "; " (draft_medication.draft_report splits it there).
    incomplete[DRAFT_TYPE] = "; ".join([*([earlier] if earlier else []), *problems])
    return dataclasses.replace(call, selections=selections, incomplete=incomplete)


def _checked(
    drafts: Sequence[Mapping[str, Any]], selections: Sequence[str]
) -> list[Mapping[str, Any]]:
    """The drafts the order checks read: the selected ones, or all when none is selected
    (services/order_hooks.selected_drafts)."""
    if not selections:
        return list(drafts)
    wanted = set(selections)
    return [d for d in drafts if _references([d]) & wanted]


def _other_patients(patient_id: str | None, drafts: Sequence[Mapping[str, Any]]) -> list[str]:
    """References of the drafts whose subject names someone other than the context patient (as
    a prefetched resource is judged: fhir_mapping/request_resources.not_belonging). A draft with
    no subject, or only an identifier, is not said to be another patient's."""
    return [
        f"{d['resourceType']}/{rid}"
        if isinstance(rid := d.get("id"), str) and rid
        else f"a {d['resourceType']} with no id"
        for d in drafts
        if d.get("resourceType") in _CHECKED_TYPES
        and not_belonging(d, patient_id) == ANOTHER_PATIENT
    ]


def _references(drafts: Sequence[Mapping[str, Any]]) -> frozenset[str]:
    """What a selection may name a draft by: "MedicationRequest/abc" (the spec's form) or the
    bare id, as services/order_hooks.selected_drafts matches them."""
    refs: set[str] = set()
    for draft in drafts:
        rid, kind = draft.get("id"), draft.get("resourceType")
        if isinstance(rid, str) and rid:
            refs.add(rid)
            if isinstance(kind, str):
                refs.add(f"{kind}/{rid}")
    return frozenset(refs)


def _reference(draft: Mapping[str, Any]) -> str:
    rid = draft.get("id")
    return f"{DRAFT_TYPE}/{rid}" if isinstance(rid, str) and rid else f"a {DRAFT_TYPE} with no id"


def _named(refs: Sequence[str]) -> str:
    cut = [r if len(r) <= _REF_MAX else r[:_REF_MAX] + "…" for r in refs]
    more = len(cut) - _SHOWN
    return ", ".join(cut[:_SHOWN]) + (f" and {more} more" if more > 0 else "")


def _selected(unmatched: Sequence[str]) -> str:
    if len(unmatched) == 1:
        return f"the selected order {_named(unmatched)} is not"
    return f"the selected orders {_named(unmatched)} are not"


def _all_drafts(count: int) -> str:
    if count == 0:
        return "there are none, so no order was checked"
    if count == 1:
        return f"the one draft order was {CHECKED_INSTEAD}"
    return f"all {count} draft orders were {CHECKED_INSTEAD}"
