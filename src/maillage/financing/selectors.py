"""Reads of the financing app, with the same rights as the writes."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation, User
from maillage.engines.payment import Population as PopulationArrays
from maillage.financing.models import Population
from maillage.financing.rules import can, organisation_ids
from maillage.financing.storage import population_from_bytes


def populations_for(actor: User) -> QuerySet[Population]:
    """The populations of the organisations the actor is a member of (without their data)."""
    return (Population.objects.filter(organisation_id__in=organisation_ids(actor))
            .select_related("organisation", "uploaded_by").defer("data"))


def organisations_for(actor: User) -> QuerySet[Organisation]:
    return Organisation.objects.filter(pk__in=organisation_ids(actor)).order_by("name")


def population_get(*, actor: User, pk: int, perm: str = "financing.view_population"
                   ) -> Population:
    """The population if the actor holds `perm` on it; otherwise 404 (its existence is not
    disclosed to non-members)."""
    population = Population.objects.select_related("organisation").filter(pk=pk).first()
    if population is None or not can(actor, perm, population):
        raise Http404(_("Population introuvable."))
    return population


def population_arrays(population: Population) -> PopulationArrays:
    return population_from_bytes(population.data)
