from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.insights import defaults
from maillage.planning.models import ScenarioChange, SitingRun


class ScenarioForm(forms.Form):
    region = forms.CharField(label=_("Région (code INSEE)"), max_length=3)
    profession = forms.ChoiceField(label=_("Profession"), choices=())
    name = forms.CharField(label=_("Nom du scénario"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    investment_cost_eur = forms.DecimalField(label=_("Coût d'investissement (€)"),
                                             required=False, min_value=0, decimal_places=0)
    yearly_cost_eur = forms.DecimalField(label=_("Coût annuel (€)"), required=False,
                                         min_value=0, decimal_places=0)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profession"].choices = [(code, spec.label)
                                             for code, spec in defaults.PROFESSIONS.items()]


class ChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Changement"), choices=ScenarioChange.Kind.choices)
    commune = forms.CharField(
        label=_("Commune (code INSEE ; pour une offre de transport, la destination)"),
        max_length=5, required=False)
    fte = forms.FloatField(label=_("Équivalents temps plein"), initial=1.0, min_value=0.1,
                           max_value=100)
    hours_per_week = forms.FloatField(
        label=_("Heures par semaine (unité mobile, téléconsultation)"), required=False,
        min_value=0.5, max_value=80)
    label = forms.CharField(label=_("Libellé"), required=False, max_length=200)
    schedule = forms.CharField(
        label=_("Tournée de l'unité mobile"), required=False,
        help_text=_("Un arrêt par ligne : code INSEE, jour, heures (ex. « 48095 lundi 9h-12h »)."),
        widget=forms.Textarea(attrs={"rows": 4}))
    origins = forms.CharField(label=_("Communes desservies par l'offre de transport (codes "
                                      "INSEE séparés par des virgules)"), required=False)
    minutes_saved = forms.FloatField(label=_("Minutes gagnées sur le trajet"), required=False,
                                     min_value=0.5, max_value=120)
    member_share = forms.FloatField(
        label=_("Part de la population concernée (0 à 1 ; 1 pour une ligne de bus)"),
        required=False, min_value=0.001, max_value=1)


class SitingForm(forms.Form):
    region = forms.CharField(label=_("Région (code INSEE)"), max_length=3)
    profession = forms.ChoiceField(label=_("Profession"), choices=())
    k = forms.IntegerField(label=_("Nombre de nouveaux sites"), min_value=1, max_value=50,
                           initial=3)
    objective = forms.ChoiceField(label=_("Objectif"), choices=SitingRun.Objective.choices)
    site_fte = forms.FloatField(label=_("Équivalents temps plein par site"), initial=2.0,
                                min_value=0.1, max_value=100)
    max_minutes = forms.FloatField(
        label=_("Temps de trajet couvert (minutes, objectif « couverture »)"), initial=15.0,
        min_value=1, max_value=120)
    min_population = forms.IntegerField(label=_("Population minimale d'une commune candidate"),
                                        initial=0, min_value=0, required=False)
    candidate_codes = forms.CharField(
        label=_("Communes candidates (bâtiments disponibles), codes INSEE séparés par des "
                "virgules ; vide = toutes les communes de la région"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["profession"].choices = [(code, spec.label)
                                             for code, spec in defaults.PROFESSIONS.items()]

    with_facility = forms.BooleanField(
        label=_("Seulement les communes qui accueillent déjà une MSP, un centre de santé ou un "
                "hôpital (FINESS)"), required=False)

    def clean_candidate_codes(self) -> list[str]:
        text = self.cleaned_data.get("candidate_codes") or ""
        return [c for c in text.replace(";", ",").replace("\n", ",").replace(" ", ",")
                .split(",") if c]
