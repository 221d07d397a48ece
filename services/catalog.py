"""The CDS services this project offers: one per hook, with their prefetch templates.

Prefetch templates use only the syntax CDS Hooks 2.0 recommends (#prefetch-query-restrictions):
instance reads, type searches by patient, token equality (comma = OR), `_count`. They ask only for
what the rules read; Observations are limited by LOINC code to the scales and labs in
fhir_mapping/data/observation_codes.csv, plus the site's local codes that map to them (the
`[codes]` configuration, fhir_mapping/site_codes.py), so the EHR also sends its own rows (an Epic
flowsheet row holding the PHQ-9 total under a local code only).

The Observation codes are asked for under three keys, `observations` (rating scales, suicide
screens, and the US Core Pregnancy Status), `labs` and `liverTests`, so that no
query string is longer than MAX_QUERY_BYTES (review 8): one template with every code was 2.9 KB
once sent, over the 2,048-byte default of IIS.

Pregnancy (review 10 finding 3): `observations` asks for LOINC 82810-3 "Pregnancy status" (US
Core; fhir_mapping/pregnancy.py reads it), under its two spellings, which took the query from
1,597 to 1,664 bytes (1,714 with deploy/config.example.toml's site code; 1,766 with the two
Epic flowsheet rows of README's example). The estimated delivery date codes (11778-8 and the
method-specific 11779-6, 11780-4: data/pregnancy_codes.csv) are read when they come, as a
component of the 82810-3 Observation (C-CDA conversions) or on their own, but not asked for:
each costs 67 bytes, and 11778-8 alone would take README's two-row example to 1,833, over 1,800
(tests/cds_hooks/test_query_length_startup.py). Without its EDD a "Pregnant" status still counts
for `pregnancy_status_weeks` (42), the safer default, so what the EDD adds is mostly the date on
the card and an EDD recorded with no status at all.

Breastfeeding (review 11 finding 5; wave 2): `observations` also asks for LOINC 63895-7
"Breastfeeding status" (the breastfeeding-status rows of data/pregnancy_codes.csv that are LOINC),
which fhir_mapping/pregnancy.py reads: an EHR that answers the query sends only what it names, so
without it the lithium and esketamine lactation cautions never saw a recorded breastfeeding. Under
the `http://loinc.org` spelling only: 27 bytes, taking the query to 1,691 (1,741 with
deploy/config.example.toml's site code; 1,791 with README's two flowsheet rows, 1,793 with the
five-digit rows of tests/cds_hooks/test_query_length_startup.py: under 1,800). The OID spelling
would cost 40 more (1,833 with those rows): it serves C-CDA conversions, and C-CDA
has no breastfeeding template that we know of (recalled, UNVERIFIED), so a document would carry
63895-7 only as a free-standing social-history entry; the SNOMED CT 413712001 code of the German
ISiK profile (35 bytes) is left out too. Both are still read when they come (a Z39.1 Condition
too). A third local row costs about 51 bytes, over the limit before this code as after it, so
two rows are still the most that fit: no site loses a row it could map before.

Transaminases (review 12 H10): ALT (LOINC 1742-6, 1743-4, 76625-3) and AST (1920-8, 30239-8) are
asked for under a third key, `liverTests` (418 bytes with no site codes), not under `labs`, which
was at 1,738 bytes: their ten tokens (each code also under its OID) would have taken it to about
2,100. `labs` is left as it was, so an EHR that kept the older discovery (sending `observations`
and `labs` only) reads every lab as before: what a missing `liverTests` leaves unseen is its own
domain (DataDomain.LIVER_TESTS, fhir_mapping/gap_feeds.py DOMAINS_OF_KEY), which only the transaminase
checks read; it is optional, as `labs` is, and fetched from `fhirServer` when it can be. A site's
local ALT or AST code goes with it (`_local_codes`).

Blood pressure (review 13 W6): a fourth Observation key, `vitals`, asks for the US Core Blood
Pressure panel (LOINC 85354-9) and its systolic (8480-6) and diastolic (8462-4) codes, each
also under its OID (a C-CDA conversion's vital signs), newest first (`_sort=-date`: CDS Hooks
2.0 lists `_sort` among the prefetch query restrictions, for "most recent" queries), so the
readings the check needs (the last two: services/blood_pressure.py) are on the first page
whatever the server's page size. 298 bytes with a 64-character patient id. Its own key, not
`labs` (1,738 of 1,800 bytes) nor `observations`: optional as `labs` is, and a chart sent
without it leaves only the SNRI and bupropion blood-pressure checks unseen (DataDomain.VITALS,
fhir_mapping/gap_feeds.py DOMAINS_OF_KEY). The site's `[codes]` local codes are not added to it
(observation_codes.csv has no blood pressure row to map them to): an Epic flowsheet row sent
only under its local code is not read, which the README says.

SI-unit labs (review 17 W3): Canadian and European labs report B12 in pmol/L, folate and
25-OH vitamin D in nmol/L, often under the LOINC moles codes (B12 14685-2, folate 14732-2,
25-OH vitamin D3 14635-7: fhir_mapping/data/lab_si_units.csv), which `labs` did not ask for, so
such a result was never fetched. They are asked for under a key of their own, `labsSI`, each
under both LOINC spellings (290 bytes): `labs` was at 1,738 of 1,800 bytes, and even the
URI spelling alone (81 bytes) would have taken it over, and left no room for a site's local lab
code. Its domain is its own (DataDomain.SI_LABS, fhir_mapping/gap_feeds.py DOMAINS_OF_KEY): a key
that could not be had is named on the diagnosis-review card only, never on the TSH, lithium,
sodium or QTc checks. A result in an SI unit under the mass code (2132-9 in pmol/L)
comes under `labs` and is converted the same way (fhir_mapping/lab_units.py).

TSH assay codes (review s19 M3): US labs send a current TSH under the LOINC code of its assay,
third-generation 11580-8 or second-generation 11579-0 (fhir_mapping/data/lab_assay_codes.csv),
not only the method-less 3016-3 that `labs` asks for. Both spellings of the two codes would take
`labs` to 1,872 bytes, over MAX_QUERY_BYTES, so they go under `labsSI` (424 bytes), whose name
the EHR's registration already holds: only its query grew. A chart sent without `labsSI` may
hide a TSH too, so its gap covers TSH (services/si_lab_gaps.py, services/lab_readings.py
`tsh_unread`): the cards then say the TSH is not known, never "No TSH".

Drug levels (review s25 RK3 finding 7): the nortriptyline level 3872-9
(fhir_mapping/data/lab_level_codes.csv) goes under `labsSI` for the same reason (66 bytes under
both spellings); a chart sent without the key has the nortriptyline card say levels were not
received (services/older_adult_level_reading.py). The combined totals amitriptyline +
nortriptyline 3335-7 and imipramine + desipramine 9627-1 join them there (session 27), and the
serum lithium level's mass form 3719-2 (labs40, recheck K28c s31 finding 1: 65 bytes, to 1,547),
and the thyroid panel 24348-5 (lab54: its TSH and free T4 as components or members; to 1,614).
The creatinine clearance codes 35591-7 and 2164-2 (session 37 renal50: the labels' own renal
measure, read beside the eGFR) join them (132 bytes, to 1,746).

Pregnancy tests (review s29 RL finding 6): the hCG codes of fhir_mapping/data/pregnancy_tests.csv
(urine and serum, qualitative and quantitative: fhir_mapping/pregnancy_tests.py) go under
`labsSI` too, each under both spellings (729 bytes, to 1,482: `labs` and `observations` had no
room); before, a positive test was neither asked for nor read. A chart sent without the key
leaves a pregnancy test unseen, so the key feeds the conditions domain as well (gap_feeds.py).

Pharmacogenomic results (review 13 W4): a fifth Observation key, `pgx`, asks for the CYP2C19
and CYP2D6 phenotype codes (LOINC 79714-2, 79715-9) and the Genomics Reporting IG genotype code
(84413-4), each also under its OID (fhir_mapping/pgx.py, data/pgx_codes.csv). Its own key, not
`vitals` or `liverTests` (both had room): optional, and a chart sent without it leaves only the
PGx dose check and the optimise card's PGx line unseen (DataDomain.PGX), never the blood-pressure
or transaminase checks. No site local codes (no row in observation_codes.csv to map them to).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from urllib.parse import quote

from fhir_mapping import blood_pressure, pgx, pregnancy_tests
from fhir_mapping.clinical_codes import lab_ranges
from fhir_mapping.code_systems import LOINC
from fhir_mapping.codes import ObservationCode, observation_codes
from fhir_mapping.lab_si_key import key_codes as labs_si_codes
from fhir_mapping.labs import ULN_TESTS
from fhir_mapping.pregnancy_codes import breastfeeding_status_loinc
from fhir_mapping.site_codes import NO_SITE_CODES, SiteCodes

# The HL7 OID of LOINC as C-CDA conversions write it (fhir_mapping/data/code_systems.csv).
LOINC_OID = "urn:oid:2.16.840.1.113883.6.1"

# The longest query string (after `?`, as the service's client percent-encodes it: `|` -> %7C) a
# prefetch template may have. Epic Interconnect runs on IIS, whose default request filtering
# (requestFiltering/requestLimits maxQueryString) refuses a query string over 2,048 bytes with a
# 404.15: the fetch would read "404" and every required key a 412. The margin leaves room for a
# long patient id (64 characters, FHIR's maximum, is measured) and a few site codes. Checked by
# tests/cds_hooks/test_prefetch_templates.py.
MAX_QUERY_BYTES = 1800

# The characters the service's FHIR client (`requests`, cds_hooks/fhir_data/fhir_source.py) leaves
# as they are in a URL (requests.utils.requote_uri); every other byte is percent-encoded, `|` as
# %7C, and the web server in front of the FHIR server counts the query string so encoded.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
# A template's context values filled in with FHIR's longest id (1-64 characters).
_TEMPLATE_TOKEN = re.compile(r"\{\{[^}]*\}\}")
LONGEST_ID = "x" * 64


@dataclass(frozen=True, slots=True)
class ServiceDefinition:
    id: str
    hook: str
    title: str
    description: str
    prefetch: tuple[tuple[str, str], ...]  # (key, template), in discovery order
    # Keys without which the service cannot judge the pathway: when they can be had neither from
    # prefetch nor from the FHIR server, the call is answered 412 rather than with cards built on
    # half a chart (a missing medication list would read as "no trials": unsafe).
    required: frozenset[str] = frozenset()
    usage_requirements: str | None = None


def _token(system: str, code: str) -> str:
    """system|code as a token search value, with FHIR search's escapes (\\ , | $) in each part."""

    def escape(part: str) -> str:
        for char in ("\\", ",", "|", "$"):
            part = part.replace(char, "\\" + char)
        return part

    return f"{escape(system)}|{escape(code)}"


# The Observation keys, in discovery order (review 12 H10: `liverTests` split off `labs`).
OBSERVATIONS = "observations"
LABS = "labs"
LIVER_TESTS = "liverTests"
# The SI (moles) LOINC codes of B12, folate and 25-OH vitamin D (review 17 W3) and the TSH
# assay codes 11580-8 / 11579-0 (review s19 M3): `labs` had 62 bytes left under MAX_QUERY_BYTES,
# less than these codes take (module docstring).
LABS_SI = "labsSI"
OBSERVATION_KEYS = (OBSERVATIONS, LABS, LIVER_TESTS, LABS_SI)
# Blood pressure (review 13 W6): not an observation_codes.csv key (no site codes, no `_key_of`).
VITALS = "vitals"
# Pharmacogenomic results (review 13 W4): no site codes either.
PGX = "pgx"


def _key_of(row: ObservationCode) -> str:
    """The key a row of observation_codes.csv is asked for under: ALT and AST (the tests judged
    against an upper limit of normal, fhir_mapping/labs.py ULN_TESTS) under `liverTests`; every
    other lab row (what fhir_mapping/labs.py reads: the tests of data/lab_ranges.csv) under
    `labs`, but the SI codes and the TSH assay codes (fhir_mapping/lab_si_key.py) under
    `labsSI`; every other row (scales, suicide screens, pregnancy status) under `observations`."""
    if row.concept in ULN_TESTS:
        return LIVER_TESTS
    if row.system == LOINC and (row.concept, row.code) in labs_si_codes():
        return LABS_SI
    return LABS if row.concept in lab_ranges() else OBSERVATIONS


def query_bytes(template: str) -> int:
    """The length in bytes of `template`'s query string (after `?`) once sent: each `{{...}}`
    filled with a 64-character id, percent-encoded as the service's client sends it."""
    _path, has_query, query = _TEMPLATE_TOKEN.sub(LONGEST_ID, template).partition("?")
    return len(quote(query, safe=_URL_SAFE)) if has_query else 0


@dataclass(frozen=True, slots=True)
class LongQuery:
    """A prefetch template whose query string is over the limit, for the start-up refusal."""

    key: str
    length: int  # bytes, as query_bytes() measures them
    local_codes: int  # the site's `[codes]` local codes it asks for (what the site can trim)


def overlong_templates(
    site_codes: SiteCodes, limit: int = MAX_QUERY_BYTES
) -> tuple[LongQuery, ...]:
    """The prefetch templates (each key once: every service shares them) whose query string is
    over `limit` bytes with the site's local codes added."""
    found: dict[str, LongQuery] = {}
    for service in services(site_codes):
        for key, template in service.prefetch:
            length = query_bytes(template)
            if length > limit and key not in found:
                local = len(_local_codes(site_codes, key)) if key in OBSERVATION_KEYS else 0
                found[key] = LongQuery(key, length, local)
    return tuple(found.values())


# PHQ-9 items 1-8 (review 17 M4) are read when a chart carries them, to sum a panel filed
# without a total, but not asked for: 16 more tokens take the `observations` query past
# MAX_QUERY_BYTES. A panel whose items are missing is named "has no total: score it".
# The EPDS total (review s22 RS finding 3) and the DAST-10 total (fix dx68) likewise: read when a
# chart carries them, not asked for: each costs 67 bytes and would take README's two-row example
# past MAX_QUERY_BYTES (the DAST-10: `observations` 1,691 -> 1,758, README's example 1,858).
NOT_ASKED = frozenset({"phq9-item", "epds-total", "dast10-total"})


def _standard_codes(key: str) -> list[tuple[str, str]]:
    rows = [
        (c.system, c.code)
        for c in observation_codes()
        if c.concept not in NOT_ASKED and c.asked and _key_of(c) == key
    ]
    if key == LABS_SI:  # the hCG pregnancy tests (module docstring)
        rows.extend((LOINC, code) for code in pregnancy_tests.loinc_codes())
    return rows


def _local_codes(site_codes: SiteCodes, key: str) -> tuple[tuple[str, str], ...]:
    # A site's own breastfeeding row mapped to 63895-7 goes with it under `observations`.
    feeding = list(breastfeeding_status_loinc()) if key == OBSERVATIONS else []
    return site_codes.local_codes_for(_standard_codes(key) + feeding)


def _observation_query(site_codes: SiteCodes, key: str) -> str:
    """The rows of observation_codes.csv asked for under `key` (`_key_of`) as one query: the
    scales, suicide screens, pregnancy status and the breastfeeding status code under
    `observations`; the labs under `labs`; ALT and AST under `liverTests`.

    Each LOINC code is asked for under its URI and under its HL7 OID: a FHIR server stores a
    C-CDA conversion's `urn:oid:2.16.840.1.113883.6.1` as written and token search matches the
    system exactly, so `http://loinc.org|44261-6` alone never brings those PHQ-9s (issue 10).
    The site's local codes that map to these rows follow (so a local PHQ-9 code goes with the
    scales, a local TSH code with the labs)."""
    standard = _standard_codes(key)
    local = _local_codes(site_codes, key)
    oid_spelt = [(LOINC_OID, code) for system, code in standard if system == LOINC]
    feeding = breastfeeding_status_loinc() if key == OBSERVATIONS else ()
    codes = ",".join(
        _token(system, code)
        for system, code in dict.fromkeys((*standard, *oid_spelt, *feeding, *local))
    )
    return f"Observation?patient={{{{context.patientId}}}}&code={codes}&_count=1000"


def _vitals_query() -> str:
    """The `vitals` template: the blood pressure codes (fhir_mapping/blood_pressure.py) under
    both LOINC spellings, newest first (module docstring)."""
    codes = ",".join(
        _token(system, code) for system in (LOINC, LOINC_OID) for code in blood_pressure.CODES
    )
    return f"Observation?patient={{{{context.patientId}}}}&code={codes}&_sort=-date&_count=1000"


def _pgx_query() -> str:
    """The `pgx` template: the CYP2C19 / CYP2D6 phenotype and the genotype codes
    (fhir_mapping/pgx.py) under both LOINC spellings (module docstring)."""
    codes = ",".join(
        _token(system, code) for system in (LOINC, LOINC_OID) for code in pgx.test_codes()
    )
    return f"Observation?patient={{{{context.patientId}}}}&code={codes}&_count=1000"


@cache
def services(site_codes: SiteCodes = NO_SITE_CODES) -> tuple[ServiceDefinition, ...]:
    """The services and their prefetch templates; `site_codes` adds the site's local codes to
    the Observation query (settings `[codes]`). Cached per value: settings do not change while
    the service runs."""
    common = (
        ("patient", "Patient/{{context.patientId}}"),
        ("medicationRequests", "MedicationRequest?patient={{context.patientId}}&_count=1000"),
        ("medicationStatements", "MedicationStatement?patient={{context.patientId}}&_count=1000"),
        ("medicationDispenses", "MedicationDispense?patient={{context.patientId}}&_count=1000"),
        ("conditions", "Condition?patient={{context.patientId}}&_count=1000"),
        # Rating scales, suicide screens and pregnancy status, then labs, then ALT and AST: three
        # keys so that no query is too long for an IIS-fronted FHIR server (MAX_QUERY_BYTES).
        # Each key's domain: fhir_mapping/gap_feeds.py DOMAINS_OF_KEY.
        (OBSERVATIONS, _observation_query(site_codes, OBSERVATIONS)),
        (LABS, _observation_query(site_codes, LABS)),
        (LIVER_TESTS, _observation_query(site_codes, LIVER_TESTS)),
        # B12, folate and 25-OH vitamin D under their SI (moles) codes (review 17 W3), TSH under
        # its assay codes (review s19 M3). Optional.
        (LABS_SI, _observation_query(site_codes, LABS_SI)),
        # Blood pressure, newest first: the SNRI and bupropion checks (review 13 W6). Optional.
        (VITALS, _vitals_query()),
        # CYP2C19 / CYP2D6 results: the PGx dose check at the order hooks (review 13 W4). Optional.
        (PGX, _pgx_query()),
        # PHQ-9 filed as a QuestionnaireResponse (fhir_mapping/questionnaires.py). By patient only,
        # not `questionnaire=<canonicals>`: a site's own PHQ-9 form, and LHC-Forms ones with no
        # canonical url, would be missed; the mapping drops other forms cheaply. Not required.
        (
            "questionnaireResponses",
            "QuestionnaireResponse?patient={{context.patientId}}&_count=1000",
        ),
        ("procedures", "Procedure?patient={{context.patientId}}&_count=1000"),
        # Psychotherapy charted only as a visit: Epic and Oracle Health often send a therapy
        # session as an Encounter whose type is the CPT code, with no Procedure (review 14 M2;
        # fhir_mapping/encounters.py). By patient only, as `procedures`: a `type` code list
        # would miss a site's own visit types that carry the CPT code beside them, and
        # serviceType has no search parameter in R4. Not required: without it the
        # psychotherapy card says the history could not be read (DataDomain.VISITS), never
        # "none on record".
        ("encounters", "Encounter?patient={{context.patientId}}&_count=1000"),
        # Esketamine given in clinic is charted on the MAR (review 10 finding 10: the HCPCS
        # G2082/G2083 charges often never become Procedures): fhir_mapping/administrations.py
        # reads its doses as sessions. By patient only, as QuestionnaireResponse: a `code` list
        # would miss the product codes a MAR uses. Not required: without it the card says the
        # sessions were not read (DataDomain.SESSIONS), never "not on record".
        (
            "medicationAdministrations",
            "MedicationAdministration?patient={{context.patientId}}&_count=1000",
        ),
        ("serviceRequests", "ServiceRequest?patient={{context.patientId}}&_count=1000"),
        ("devices", "Device?patient={{context.patientId}}&_count=1000"),
        # Documented intolerance of an antidepressant (fhir_mapping/intolerance.py): a trial
        # stopped for side effects is "intolerant", not poor adherence. Not required: many EHRs do
        # not expose AdverseEvent, and the stop reason on the order is read without them.
        ("allergyIntolerances", "AllergyIntolerance?patient={{context.patientId}}&_count=1000"),
        ("adverseEvents", "AdverseEvent?subject={{context.patientId}}&_count=1000"),
    )
    # `labs`, `liverTests`, `labsSI`, `vitals` and `pgx` are not required: a lab the EHR cannot send (the key missing, the server failing)
    # makes the lab-based checks say "labs not available" on their cards (a DataGap), while the
    # trial history, PHQ-9 and safety screens still stand; a 412 would withhold all of them.
    # Scores are required: without them a non-response or suicide risk cannot be judged. One
    # missing: 412, unless a critical card it cannot overturn stands alone (services/required_gap.py).
    required = frozenset({"medicationRequests", "conditions", "observations"})
    usage = (
        "Works from prefetch alone; with fhirServer and fhirAuthorization it fetches any prefetch "
        "key that is absent. Cards only suggest; a clinician decides."
    )
    return (
        ServiceDefinition(
            id="trd-patient-view",
            hook="patient-view",
            title="Treatment-resistant depression pathway",
            description=(
                "On chart open: reviews antidepressant trials (dose, duration, adherence, PHQ-9) and "
                "suggests the next step on the TRD pathway: safety, adherence and diagnosis review, "
                "optimise/switch/augment, psychotherapy, measurement-based care, TMS referral."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
        ServiceDefinition(
            id="trd-order-select",
            hook="order-select",
            title="Antidepressant order check (select)",
            description=(
                "When an antidepressant is selected: warns when the drug or its class already failed "
                "an adequate trial, when the dose is outside the adequate range, when bipolar disorder "
                "has no mood stabiliser, and when the patient already meets TMS criteria."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
        ServiceDefinition(
            id="trd-order-sign",
            hook="order-sign",
            title="Antidepressant order check (sign)",
            description=(
                "When an antidepressant order is signed: the same checks as order-select, on every "
                "draft of the order. A card shown at order-select is shown again unless it was "
                "accepted or overridden for the same draft, drug and dose."
            ),
            prefetch=common,
            required=required,
            usage_requirements=usage,
        ),
    )


def by_id(service_id: str, site_codes: SiteCodes = NO_SITE_CODES) -> ServiceDefinition | None:
    return next((s for s in services(site_codes) if s.id == service_id), None)
