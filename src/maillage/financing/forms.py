from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.financing.services import MAX_SYNTHETIC_PATIENTS, MAX_SYNTHETIC_YEARS

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class OrganisationChoiceMixin(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {o.pk: o for o in organisations}
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]


class UploadForm(OrganisationChoiceMixin):
    name = forms.CharField(label=_("Nom de la population (facultatif)"), max_length=200,
                           required=False)
    file = forms.FileField(label=_("Fichier CSV"),
                           help_text=_("UTF-8, séparateur « , » ou « ; », en-tête exact du "
                                       "modèle ci-dessous."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Fichier trop volumineux (50 Mo au plus)."))
        return upload


class SyntheticForm(forms.Form):
    patients = forms.IntegerField(label=_("Nombre de patients"), min_value=1,
                                  max_value=MAX_SYNTHETIC_PATIENTS, initial=2000)
    seed = forms.IntegerField(label=_("Graine (même graine, même population)"), min_value=0,
                              max_value=2**31 - 1, initial=42)
    years = forms.IntegerField(label=_("Années suivies"), min_value=1,
                               max_value=MAX_SYNTHETIC_YEARS, initial=3)


class GenerateForm(OrganisationChoiceMixin, SyntheticForm):
    name = forms.CharField(label=_("Nom (facultatif)"), max_length=200, required=False)


class PathwaysForm(OrganisationChoiceMixin):
    """Use the cooperation's pathways (anonymised) as a population; organisations = those the
    user coordinates."""

    year = forms.IntegerField(label=_("Année (la dernière si plusieurs)"), min_value=2000,
                              max_value=2100)
    years = forms.IntegerField(label=_("Années suivies"), min_value=1,
                               max_value=MAX_SYNTHETIC_YEARS, initial=1)
    name = forms.CharField(label=_("Nom (facultatif)"), max_length=200, required=False)
