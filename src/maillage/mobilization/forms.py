"""Forms of the mobilization pages (DSFR layout through participation's field templates)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.mobilization.models import (
    TERRITORY_LEVELS,
    AuthorityKind,
    CampaignTheme,
    Side,
    ThreadKind,
    Topic,
)
from maillage.participation.forms import ErrorsTiedToFields

DSFR_INPUT = {"class": "fr-input"}
DSFR_SELECT = {"class": "fr-select"}


class PetitionForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    body = forms.CharField(label=_("Texte de la pétition"), max_length=10_000,
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 8}))
    authority_kind = forms.ChoiceField(label=_("Autorité interpellée"),
                                       choices=AuthorityKind.choices,
                                       widget=forms.Select(attrs=DSFR_SELECT))
    authority_name = forms.CharField(
        label=_("Nom de l'autorité"), max_length=200,
        help_text=_("Par exemple : Mairie de Mende, ARS Occitanie."),
        widget=forms.TextInput(attrs=DSFR_INPUT))
    territory_level = forms.ChoiceField(label=_("Niveau du territoire"),
                                        choices=TERRITORY_LEVELS,
                                        widget=forms.Select(attrs=DSFR_SELECT))
    territory_code = forms.CharField(
        label=_("Code du territoire"), max_length=9,
        help_text=_("Code INSEE de la commune, numéro du département ou code de la région."),
        widget=forms.TextInput(attrs=DSFR_INPUT))
    threshold = forms.IntegerField(label=_("Seuil de signatures"), min_value=1,
                                   max_value=10_000_000,
                                   widget=forms.NumberInput(attrs=DSFR_INPUT))
    deadline = forms.DateTimeField(
        label=_("Date limite"), help_text=_("Au plus un an."),
        widget=forms.DateTimeInput(attrs=DSFR_INPUT | {"type": "datetime-local"}))


class ReasonForm(ErrorsTiedToFields, forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=2000, required=False,
                             widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 2}))


class AnswerForm(ErrorsTiedToFields, forms.Form):
    answer = forms.CharField(label=_("Réponse officielle"), max_length=20_000,
                             widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 6}))


class ThreadForm(ErrorsTiedToFields, forms.Form):
    territory_level = forms.ChoiceField(label=_("Niveau du territoire"),
                                        choices=TERRITORY_LEVELS,
                                        widget=forms.Select(attrs=DSFR_SELECT))
    territory_code = forms.CharField(label=_("Code du territoire"), max_length=9,
                                     widget=forms.TextInput(attrs=DSFR_INPUT))
    topic = forms.ChoiceField(label=_("Thème"), choices=Topic.choices,
                              widget=forms.Select(attrs=DSFR_SELECT))
    kind = forms.ChoiceField(label=_("Format"), choices=ThreadKind.choices,
                             widget=forms.RadioSelect)
    title = forms.CharField(label=_("Titre"), max_length=200,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    body = forms.CharField(label=_("Message"), max_length=10_000,
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 6}))


class PostForm(ErrorsTiedToFields, forms.Form):
    body = forms.CharField(label=_("Votre réponse"), max_length=10_000,
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 4}))
    quoted_id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    side = forms.ChoiceField(label=_("Votre argument est"), required=False,
                             choices=[(Side.FOR, _("Pour")), (Side.AGAINST, _("Contre"))],
                             widget=forms.RadioSelect)


class CampaignForm(ErrorsTiedToFields, forms.Form):
    region = forms.CharField(label=_("Code de la région"), max_length=3,
                             widget=forms.TextInput(attrs=DSFR_INPUT))
    title = forms.CharField(label=_("Titre"), max_length=200,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    theme = forms.ChoiceField(label=_("Thème"), choices=CampaignTheme.choices,
                              widget=forms.Select(attrs=DSFR_SELECT))
    body = forms.CharField(label=_("Présentation"), max_length=20_000,
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 6}))
    organiser_name = forms.CharField(label=_("Organisé par"), max_length=200,
                                     widget=forms.TextInput(attrs=DSFR_INPUT))
    desert_classes = forms.TypedMultipleChoiceField(
        label=_("Communes ciblées : classe d'accès"), required=False, coerce=int,
        choices=[(0, _("zone d'intervention prioritaire")),
                 (1, _("zone d'action complémentaire")), (2, _("non sous-dotée"))],
        widget=forms.CheckboxSelectMultiple)
    min_share_75 = forms.FloatField(
        label=_("Part des 75 ans et plus au moins (entre 0 et 1)"), required=False,
        min_value=0, max_value=1, widget=forms.NumberInput(attrs=DSFR_INPUT | {"step": "0.01"}))
    min_signalements = forms.IntegerField(
        label=_("Signalements au moins"), required=False, min_value=1,
        widget=forms.NumberInput(attrs=DSFR_INPUT))


class EventForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    place = forms.CharField(label=_("Lieu"), max_length=300,
                            widget=forms.TextInput(attrs=DSFR_INPUT))
    commune_code = forms.CharField(label=_("Code INSEE de la commune"), max_length=5,
                                   required=False, widget=forms.TextInput(attrs=DSFR_INPUT))
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs=DSFR_INPUT | {"type":
                                                                          "datetime-local"}))
    capacity = forms.IntegerField(label=_("Places"), required=False, min_value=1,
                                  widget=forms.NumberInput(attrs=DSFR_INPUT))


class CampaignMessageForm(ErrorsTiedToFields, forms.Form):
    subject = forms.CharField(label=_("Objet"), max_length=200,
                              widget=forms.TextInput(attrs=DSFR_INPUT))
    body = forms.CharField(label=_("Message"), max_length=5000,
                           help_text=_("Un lien vers la campagne et un lien de désinscription "
                                       "sont ajoutés à chaque e-mail."),
                           widget=forms.Textarea(attrs=DSFR_INPUT | {"rows": 6}))
