"""Forms of the initiatives pages (DSFR layout through the project's field templates)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.initiatives.models import InitiativeKind, Population, ReactionKind, Theme
from maillage.initiatives.photos import max_bytes
from maillage.participation.forms import ErrorsTiedToFields, resolve_commune

DSFR_INPUT = {"class": "fr-input"}
DSFR_SELECT = {"class": "fr-select"}


def _blank(label: str, choices: list) -> list:
    return [("", label), *choices]


class CommuneField(forms.CharField):
    """A commune typed as its name, "Name (code)", INSEE code or postal code."""

    def clean(self, value: str) -> str:
        value = super().clean(value)
        return resolve_commune(value) if value else ""


class DirectoryFilterForm(ErrorsTiedToFields, forms.Form):
    q = forms.CharField(label=_("Mots-clés"), required=False, max_length=200,
                        widget=forms.TextInput(attrs=DSFR_INPUT))
    region = forms.CharField(label=_("Région (code INSEE)"), required=False, max_length=3,
                             widget=forms.TextInput(attrs=DSFR_INPUT))
    departement = forms.CharField(label=_("Département (numéro)"), required=False, max_length=3,
                                  widget=forms.TextInput(attrs=DSFR_INPUT))
    commune = CommuneField(label=_("Commune"), required=False, max_length=200,
                           widget=forms.TextInput(attrs=DSFR_INPUT))
    kind = forms.ChoiceField(label=_("Type"), required=False,
                             choices=_blank(_("Tous les types"), InitiativeKind.choices),
                             widget=forms.Select(attrs=DSFR_SELECT))
    theme = forms.ChoiceField(label=_("Thème"), required=False,
                              choices=_blank(_("Tous les thèmes"), Theme.choices),
                              widget=forms.Select(attrs=DSFR_SELECT))
    population = forms.ChoiceField(label=_("Population servie"), required=False,
                                   choices=_blank(_("Toutes"), Population.choices),
                                   widget=forms.Select(attrs=DSFR_SELECT))


class InitiativeForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Nom de l'initiative"), max_length=200,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    kind = forms.ChoiceField(label=_("Type"), choices=InitiativeKind.choices,
                             widget=forms.Select(attrs=DSFR_SELECT))
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices,
                              widget=forms.Select(attrs=DSFR_SELECT))
    population = forms.ChoiceField(label=_("Population servie"), choices=Population.choices,
                                   widget=forms.Select(attrs=DSFR_SELECT))
    commune = CommuneField(label=_("Commune"), max_length=200,
                           help_text=_("Nom, code postal ou code INSEE."),
                           widget=forms.TextInput(attrs=DSFR_INPUT))
    run_by = forms.CharField(label=_("Porté par"), max_length=200,
                             help_text=_("La structure ou le collectif qui la fait vivre."),
                             widget=forms.TextInput(attrs=DSFR_INPUT))
    started_on = forms.DateField(label=_("Depuis le"), required=False,
                                 widget=forms.DateInput(attrs=DSFR_INPUT | {"type": "date"}))
    summary = forms.CharField(label=_("Présentation"), max_length=5000,
                              widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 6}))
    contact = forms.CharField(label=_("Contact"), max_length=300, required=False,
                              help_text=_("Adresse e-mail, téléphone ou site public."),
                              widget=forms.TextInput(attrs=DSFR_INPUT))
    how_to_join = forms.CharField(label=_("Comment y participer ou en bénéficier"),
                                  max_length=2000, required=False,
                                  widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 3}))
    results = forms.CharField(
        label=_("Résultats (chiffres donnés par l'initiative)"), required=False,
        max_length=6000,
        help_text=_("Un par ligne : indicateur ; valeur ; unité ; année. Par exemple : "
                    "Patients sans médecin traitant suivis ; 1200 ; patients ; 2024"),
        widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 4}))
    lessons = forms.CharField(label=_("Enseignements : ce que nous ferions autrement"),
                              max_length=5000, required=False,
                              widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 4}))


class TestimonyForm(ErrorsTiedToFields, forms.Form):
    body = forms.CharField(label=_("Votre témoignage"), max_length=5000,
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 5}))
    show_name = forms.BooleanField(
        label=_("Afficher mon nom"), required=False,
        help_text=_("Sinon, votre témoignage est publié comme « Anonyme »."))
    photo = forms.FileField(
        label=_("Photo (facultative)"), required=False,
        widget=forms.ClearableFileInput(attrs={"class": "fr-upload",
                                               "accept": "image/jpeg,image/png,image/webp"}))
    photo_description = forms.CharField(
        label=_("Description de la photo"), required=False, max_length=300,
        help_text=_("Obligatoire avec une photo, pour les personnes qui ne la voient pas."),
        widget=forms.TextInput(attrs=DSFR_INPUT))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The limit is a setting, read when the form is built, not at import.
        self.fields["photo"].help_text = _(
            "JPEG, PNG ou WebP, %(mb)s Mo au plus. Les métadonnées (position, appareil) sont "
            "effacées.") % {"mb": round(max_bytes() / 1024 / 1024, 1)}


class ReasonForm(ErrorsTiedToFields, forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=2000,
                             widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 2}))


class TestimonyDecisionForm(ErrorsTiedToFields, forms.Form):
    """Publishing needs no reason; refusing does (checked by the service, so the browser must
    not block "Publier" on an empty field)."""

    reason = forms.CharField(label=_("Motif"), max_length=2000, required=False,
                             help_text=_("Obligatoire pour un refus ; l'auteur·rice le lira."),
                             widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 2}))


class OwnerForm(ErrorsTiedToFields, forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail de la personne"),
                             widget=forms.EmailInput(attrs=DSFR_INPUT))


class NearestForm(ErrorsTiedToFields, forms.Form):
    commune = CommuneField(label=_("Votre commune"), max_length=200,
                           help_text=_("Nom, code postal ou code INSEE."),
                           widget=forms.TextInput(attrs=DSFR_INPUT))
    kind = forms.ChoiceField(label=_("Ce qui manque chez vous"), required=False,
                             choices=_blank(_("Tous les types"), InitiativeKind.choices),
                             widget=forms.Select(attrs=DSFR_SELECT))


REACTION_CHOICES = ReactionKind.choices
