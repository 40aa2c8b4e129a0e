"""Writes of the financing app: depositing, generating and deleting populations."""

from __future__ import annotations

import hashlib
import logging
import unicodedata
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from maillage.accounts import personal_data
from maillage.accounts.models import Organisation, User
from maillage.engines.payment import synthetic_population
from maillage.financing.importers import parse_population_csv
from maillage.financing.models import Population
from maillage.financing.rules import can
from maillage.financing.storage import population_to_bytes

# Only identifiers and counts are ever logged here, never a population's content.
logger = logging.getLogger(__name__)

MAX_SYNTHETIC_PATIENTS = 200_000
MAX_SYNTHETIC_YEARS = 5
# The trial (anyone, nothing stored) runs within a page view: keep it small.
TRIAL_MAX_PATIENTS = 50_000


def _clean_name(name: str | None) -> str:
    """The name without control characters (PostgreSQL refuses a NUL), at most 200 long."""
    kept = "".join(c for c in name or "" if not unicodedata.category(c).startswith("C"))
    return " ".join(kept.split())[:200]


def _check_can_add(actor: User, organisation: Organisation) -> None:
    if not can(actor, "financing.add_population", organisation):
        raise PermissionDenied(_("Vous n'êtes pas membre de cette organisation."))


def _store(*, actor: User, organisation: Organisation, sha256: str, defaults: dict[str, Any]
           ) -> tuple[Population, bool]:
    """Create the population, or return the one already made from the same file/settings."""
    existing = Population.objects.filter(organisation=organisation, sha256=sha256).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            population = Population.objects.create(
                organisation=organisation, sha256=sha256, uploaded_by=actor, **defaults)
    except IntegrityError:
        # The same file sent twice at once: the other request stored it.
        return Population.objects.get(organisation=organisation, sha256=sha256), False
    logger.info("Population %s stored for organisation %s (%s rows)", population.pk,
                organisation.pk, population.rows)
    return population, True


def population_upload(*, actor: User, organisation: Organisation, name: str, content: bytes
                      ) -> tuple[Population, bool]:
    """Validate a CSV file and store its population; (population, created).

    Raises PopulationFileError (nothing stored) or PermissionDenied. Uploading the same file
    again returns the population already stored.
    """
    _check_can_add(actor, organisation)
    parsed = parse_population_csv(content)
    name = _clean_name(name) or _("Population du %(d)s") % {
        "d": ", ".join(str(y) for y in parsed.years)}
    return _store(actor=actor, organisation=organisation, sha256=parsed.sha256, defaults={
        "name": name, "source": Population.Source.UPLOAD, "rows": len(parsed.population),
        "patients": parsed.patients, "years": parsed.years,
        "data": population_to_bytes(parsed.population),
    })


def population_generate(*, actor: User, organisation: Organisation, patients: int, seed: int,
                        years: int = 1, name: str = "") -> tuple[Population, bool]:
    """Store a seeded synthetic population for the organisation (same settings → same one)."""
    _check_can_add(actor, organisation)
    if not 1 <= patients <= MAX_SYNTHETIC_PATIENTS or not 1 <= years <= MAX_SYNTHETIC_YEARS:
        raise ValidationError(
            _("Entre 1 et %(p)s patients, 1 à %(y)s années.")
            % {"p": MAX_SYNTHETIC_PATIENTS, "y": MAX_SYNTHETIC_YEARS}, code="bad_size")
    if seed < 0:
        raise ValidationError(_("La graine doit être positive."), code="bad_seed")
    population = synthetic_population(patients, seed=seed, years=years)
    key = hashlib.sha256(f"synthetic:{patients}:{seed}:{years}".encode()).hexdigest()
    return _store(actor=actor, organisation=organisation, sha256=key, defaults={
        "name": _clean_name(name) or _("Synthétique — %(n)s patients, graine %(s)s")
        % {"n": patients, "s": seed},
        "source": Population.Source.SYNTHETIC, "seed": seed, "rows": len(population),
        "patients": patients, "years": sorted({int(y) for y in population.year}),
        "data": population_to_bytes(population),
    })


@transaction.atomic
def population_delete(*, actor: User, population: Population) -> None:
    if not can(actor, "financing.delete_population", population):
        raise PermissionDenied(_("Vous ne pouvez pas supprimer cette population."))
    pk = population.pk
    population.delete()
    logger.info("Population %s deleted", pk)


def _export_populations(user: User) -> list[dict[str, Any]]:
    """What a person deposited: the description, not the patients (the organisation's data)."""
    return [
        {"id": p.pk, "name": p.name, "organisation": p.organisation.name,
         "source": p.source, "rows": p.rows, "created_at": p.created_at.isoformat()}
        for p in Population.objects.filter(uploaded_by=user).select_related("organisation")
    ]


def _erase_populations(user: User) -> None:
    # The population belongs to the organisation and outlives the person who deposited it.
    Population.objects.filter(uploaded_by=user).update(uploaded_by=None)


personal_data.register("financing_populations", _export_populations, _erase_populations)
