"""One normaliser for `Coding.system`: every comparison of a coding's system goes through it.

Real EHR data names the same code system several ways (../shared/fhir/vendor/README.md, trap 2):
C-CDA conversions write RxNorm, ICD-10-CM and SNOMED CT under their HL7 OIDs
(`urn:oid:2.16.840.1.113883.6.88`, `.6.90`, `.6.96`), one converter as `urn: oid: ...` with
spaces, another SNOMED CT as `http://www.snomed.org/`; others vary scheme, case or a trailing
slash. A bipolar II diagnosis under the ICD-10-CM OID that is not recognised means a TMS referral
suggested to a bipolar patient, so readers never compare a raw system string: they compare
`canonical_system(system)` with the FHIR R4 URIs below.

`canonical_system` answers, in order:

1. exact: the `alias` column of data/code_systems.csv as written (each canonical URI maps to
   itself): one dict lookup, the whole cost for well-coded data;
2. loose: the same key after removing whitespace, lower-casing, dropping `urn:oid:`, the scheme
   (http/https), a leading `www.` and trailing slashes, so `https://LOINC.org/`, a bare
   `2.16.840.1.113883.6.90` and `urn: oid: 2.16.840.1.113883.6.96` all match (cached per string);
3. SNOMED CT edition and version URIs (`http://snomed.info/sct/731000124108/version/20240301`):
   FHIR puts them in `Coding.version`, some senders in `system`; they are still SNOMED CT.

Anything else is returned unchanged: a site's local system keeps its own spelling (site code maps,
site_codes.py, look local codes up through this same function, so both sides agree).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

# FHIR R4 canonical URIs (https://hl7.org/fhir/R4/terminologies-systems.html).
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
SNOMED = "http://snomed.info/sct"
LOINC = "http://loinc.org"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
# WHO ICD-10, its own code system (not ICD-10-CM): read where a table has rows for it (self-harm:
# WHO X60-X84, Y10-Y34; session 27 fx-selfharm) and, in the categories where the two agree, as the
# CM code of its first 3 or 4 characters (who_icd10.py, data/who_icd10_categories.csv; fix who75).
ICD10 = "http://hl7.org/fhir/sid/icd-10"
ICD9CM = "http://hl7.org/fhir/sid/icd-9-cm"
CPT = "http://www.ama-assn.org/go/cpt"
NDC = "http://hl7.org/fhir/sid/ndc"
ATC = "http://www.whocc.no/atc"

# http://snomed.info/sct/<module id>[/version/<yyyymmdd>] once the loose key has dropped the scheme.
_SNOMED_EDITION = re.compile(r"snomed\.info/sct/\d+(?:/version/\d+)?")


def _loose_key(system: str) -> str:
    key = "".join(system.split()).lower()
    key = key.removeprefix("urn:oid:")
    for scheme in ("https://", "http://"):
        if key.startswith(scheme):
            key = key[len(scheme) :]
            break
    return key.removeprefix("www.").rstrip("/")


def _load() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    text = resources.files("fhir_mapping").joinpath("data/code_systems.csv").read_text("utf-8")
    exact: dict[str, str] = {}
    loose: dict[str, str] = {}
    labels: dict[str, str] = {}
    for row in csv.DictReader(text.splitlines()):
        alias, canonical = row["alias"].strip(), row["canonical"].strip()
        exact[alias] = canonical
        exact[canonical] = canonical
        loose[_loose_key(alias)] = canonical
        loose[_loose_key(canonical)] = canonical
        labels[canonical] = row["label"].strip()
    return exact, loose, labels


# Loaded once at import: the exact table is read on every coding of every resource.
_EXACT, _LOOSE, _LABELS = _load()


@lru_cache(maxsize=4096)
def _slow(system: str) -> str:
    key = _loose_key(system)
    found = _LOOSE.get(key)
    if found is not None:
        return found
    if _SNOMED_EDITION.fullmatch(key):
        return SNOMED
    return system


def canonical_system(system: str) -> str:
    """The FHIR R4 URI of a code system written under any of its known names, else `system`."""
    found = _EXACT.get(system)
    if found is not None:
        return found
    if not system:
        return system
    return _slow(system)


def system_label(system: str) -> str:
    """How a clinician names the code system (the `label` column: "ICD-10-CM", "SNOMED CT"),
    under any of its known names; a system the table does not know, as sent (audit 13 finding
    6: a card showed "http://hl7.org/fhir/sid/icd-10-cm F31.81")."""
    return _LABELS.get(canonical_system(system), system)


def known_systems() -> dict[str, str]:
    """Every alias of the table and its canonical URI (for tests and documentation)."""
    return dict(_EXACT)
