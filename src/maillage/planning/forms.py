from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.insights import defaults
from maillage.planning.models import ScenarioChange


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
    commune = forms.CharField(label=_("Commune (code INSEE)"), max_length=5)
    fte = forms.FloatField(label=_("Équivalents temps plein"), initial=1.0, min_value=0.1,
                           max_value=100)
    hours_per_week = forms.FloatField(
        label=_("Heures par semaine (unité mobile, téléconsultation)"), required=False,
        min_value=0.5, max_value=80)
    label = forms.CharField(label=_("Libellé"), required=False, max_length=200)
