"""Reading the supply of care, as the access engine needs it: one quantity per commune.

The supply data is open data (no personal data beyond public RPPS identifiers): reads need no
right. Each result names the sources it rests on, with their caveats, so that every page and
export built on it can repeat them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, QuerySet

from maillage.healthcare.models import (
    ActivityRecord,
    Facility,
    FacilityKind,
    Practitioner,
    Profession,
    SourceKind,
    SupplyCount,
    SupplySource,
)

# When several sources hold a profession, the most direct one is used: practitioners first,
# then INSEE's equipment counts, FINESS officines (pharmacies), and the SIRENE stand-in last.
SOURCE_PREFERENCE = (SourceKind.RPPS, SourceKind.BPE, SourceKind.FINESS,
                     SourceKind.SIRENE_COUNTS)

CommuneSupply = tuple[str, float, float | None]


@dataclass(frozen=True)
class SupplySourceRef:
    """What a page or export says about a source a result rests on."""

    kind: str
    name: str
    file_name: str
    version: str
    licence: str
    attribution: str
    sha256: str
    imported_at: datetime
    is_stand_in: bool
    caveat: str

    @classmethod
    def of(cls, source: SupplySource) -> SupplySourceRef:
        return cls(kind=source.kind, name=source.name, file_name=source.file_name,
                   version=source.version, licence=source.licence,
                   attribution=source.attribution, sha256=source.sha256,
                   imported_at=source.imported_at, is_stand_in=source.is_stand_in,
                   caveat=source.caveat)


def _practitioners(profession: str, region: str | None) -> QuerySet[Practitioner]:
    rows = Practitioner.objects.filter(profession=profession)
    return rows.filter(commune__region_id=region) if region else rows


def _counts(kind: str, profession: str, region: str | None) -> QuerySet[SupplyCount]:
    rows = SupplyCount.objects.filter(source_kind=kind, profession=profession)
    return rows.filter(commune__region_id=region) if region else rows


def _pharmacies(region: str | None) -> QuerySet[Facility]:
    rows = Facility.objects.filter(kind=FacilityKind.PHARMACIE, source__kind=SourceKind.FINESS)
    return rows.filter(commune__region_id=region) if region else rows


def supply_source_kind(*, profession: str, region: str | None = None) -> str | None:
    """The kind of source `supply_by_commune` uses for this profession, None when none."""
    for kind in SOURCE_PREFERENCE:
        if kind == SourceKind.RPPS:
            found = _practitioners(profession, region).exists()
        elif kind == SourceKind.FINESS:
            found = profession == Profession.PHARMACIE and _pharmacies(region).exists()
        else:
            found = _counts(kind, profession, region).exists()
        if found:
            return kind
    return None


def _commune_activity(profession: str, region: str | None) -> dict[str, float]:
    """The latest yearly activity supplied per commune (ActivityRecord)."""
    records = ActivityRecord.objects.filter(profession=profession, commune__isnull=False)
    if region:
        records = records.filter(commune__region_id=region)
    latest = dict(records.values("commune_id").annotate(year=Max("year"))
                  .values_list("commune_id", "year"))
    return {commune: float(consultations) for commune, year, consultations
            in records.values_list("commune_id", "year", "consultations")
            if latest.get(commune) == year}


def supply_by_commune(
    *, profession: str, region: str | None = None, source_kind: str | None = None
) -> list[CommuneSupply]:
    """(commune code, quantity, yearly activity or None) for each commune with supply.

    From the RPPS extract, a practitioner counts once in all, split evenly between his practice
    sites, and the activity is the sum of his sites' activity (None when one is unknown). From
    counts (BPE, SIRENE), the quantity is the count. Activity supplied per commune replaces
    the computed one. `source_kind` forces a source; by default SOURCE_PREFERENCE decides.
    """
    kind = source_kind or supply_source_kind(profession=profession, region=region)
    if kind is None:
        return []
    quantity: dict[str, float] = defaultdict(float)
    activity: dict[str, float | None] = {}
    if kind == SourceKind.RPPS:
        rows = list(_practitioners(profession, region).values_list("rpps", "commune_id",
                                                                    "activity"))
        # Sites are counted everywhere: a GP may practise on both sides of a regional border.
        wanted = sorted({rpps for rpps, _commune, _activity in rows})
        sites: Counter[str] = Counter()
        for start in range(0, len(wanted), 500):
            sites.update(Practitioner.objects.filter(
                profession=profession, rpps__in=wanted[start:start + 500],
            ).values_list("rpps", flat=True))
        for rpps, commune, site_activity in rows:
            quantity[commune] += 1 / sites[rpps]
            known = activity.get(commune, 0.0)
            activity[commune] = None if known is None or site_activity is None \
                else known + site_activity
    elif kind == SourceKind.FINESS:
        for commune, n in _pharmacies(region).values("commune_id").annotate(
                n=Count("id")).values_list("commune_id", "n"):
            quantity[commune] = float(n)
    else:
        for commune, count in _counts(kind, profession, region).values_list("commune_id",
                                                                            "count"):
            quantity[commune] = count
    supplied = _commune_activity(profession, region)
    return [(commune, quantity[commune], supplied.get(commune, activity.get(commune)))
            for commune in sorted(quantity)]


def supply_sources_for(
    *, profession: str, region: str | None = None, source_kind: str | None = None
) -> list[SupplySourceRef]:
    """The sources a `supply_by_commune` result rests on, stand-ins first (their caveat shows)."""
    kind = source_kind or supply_source_kind(profession=profession, region=region)
    if kind is None:
        return []
    if kind == SourceKind.RPPS:
        ids = set(_practitioners(profession, region).values_list("source_id", flat=True)
                  .distinct())
        rpps = _practitioners(profession, region).values_list("rpps", flat=True)
        ids |= set(ActivityRecord.objects.filter(profession=profession, rpps__in=rpps)
                   .values_list("source_id", flat=True).distinct())
    elif kind == SourceKind.FINESS:
        ids = set(_pharmacies(region).values_list("source_id", flat=True).distinct())
    else:
        ids = set(_counts(kind, profession, region).values_list("source_id", flat=True)
                  .distinct())
    records = ActivityRecord.objects.filter(profession=profession, commune__isnull=False)
    if region:
        records = records.filter(commune__region_id=region)
    ids |= set(records.values_list("source_id", flat=True).distinct())
    sources = SupplySource.objects.filter(pk__in=ids).order_by("-is_stand_in", "kind", "name")
    return [SupplySourceRef.of(s) for s in sources]


@dataclass(frozen=True)
class PractitionerActivity:
    """One practitioner at one site, as DREES's APL counts activity (per GP, then capped)."""

    commune: str
    rpps: str
    activity: float | None  # the site's activity, or the practitioner's declared one
    share: float  # 1 / number of the practitioner's sites
    salaried: bool
    new_installation: bool


def practitioner_activity(*, profession: str) -> list[PractitionerActivity]:
    """Every practitioner site of the profession with what is known of its activity."""
    from maillage.healthcare.models import PracticeMode

    rows = list(Practitioner.objects.filter(profession=profession).values_list(
        "rpps", "commune_id", "activity", "practice_mode", "is_new_installation"))
    sites = Counter(rpps for rpps, *_rest in rows)
    declared = _declared_activity_by_rpps(profession)
    return [
        PractitionerActivity(
            commune=commune, rpps=rpps,
            activity=float(activity) if activity is not None else declared.get(rpps),
            share=1 / sites[rpps], salaried=mode == PracticeMode.SALARIE,
            new_installation=new,
        )
        for rpps, commune, activity, mode, new in rows
    ]


def _declared_activity_by_rpps(profession: str) -> dict[str, float]:
    """The latest yearly activity declared per practitioner, split evenly over his sites later."""
    latest: dict[str, tuple[int, float]] = {}
    for rpps, year, consultations in ActivityRecord.objects.filter(
            profession=profession).exclude(rpps="").values_list("rpps", "year", "consultations"):
        if rpps not in latest or year > latest[rpps][0]:
            latest[rpps] = (year, float(consultations))
    return {rpps: value for rpps, (_year, value) in latest.items()}


def commune_activity(*, profession: str, region: str | None = None) -> dict[str, float]:
    """Yearly activity a user supplied per commune (latest year), replacing estimates."""
    return _commune_activity(profession, region)


def facilities_of_kinds(*, kinds: list[str], region: str | None = None) -> QuerySet[Facility]:
    """FINESS establishments of these kinds (e.g. MSP and centres de santé), with commune."""
    found = Facility.objects.filter(kind__in=kinds).select_related("commune")
    return found.filter(commune__region_id=region) if region else found
