from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.insights import defaults
from maillage.insights.models import Method


class RunForm(forms.Form):
    profession = forms.ChoiceField(
        label=_("Profession"), choices=[(p.code, p.label) for p in defaults.PROFESSIONS.values()]
    )
    method = forms.ChoiceField(label=_("Méthode"), choices=Method.choices, initial=Method.APL)
    speed_kmh = forms.FloatField(
        label=_("Vitesse effective (km/h)"), min_value=5, max_value=130,
        initial=defaults.CALIBRATED_SPEED_KMH,
        help_text=_("Distance à vol d'oiseau × détour ÷ vitesse ; valeur calibrée sur l'APL "
                    "DREES par défaut."),
    )
    label = forms.CharField(label=_("Libellé (facultatif)"), max_length=200, required=False)
