from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User
from maillage.healthcare.models import Facility
from maillage.territories.models import Commune
from maillage.territories.selectors import commune_search
from maillage.transport.models import (
    Mandate,
    Member,
    TransportSettings,
    Vehicle,
    Volunteer,
    Weekday,
)

DATE = forms.DateInput(attrs={"type": "date", "class": "fr-input"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time", "class": "fr-input"}, format="%H:%M")


class CommuneField(forms.CharField):
    """A commune typed as a name, a postal code or an INSEE code."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Nom, code postal ou code INSEE"))
        kwargs.setdefault("max_length", 200)
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        return value.name if isinstance(value, Commune) else value

    def clean(self, value: Any) -> Commune | None:
        text = super().clean(value)
        if not text:
            return None
        found = commune_search(text, limit=2)
        if not found:
            raise ValidationError(_("Commune introuvable : %(q)s"), params={"q": text},
                                  code="unknown_commune")
        return found[0]


class UserByEmailField(forms.EmailField):
    def clean(self, value: Any) -> User | None:
        email = super().clean(value)
        if not email:
            return None
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise ValidationError(_("Aucun compte n'a cette adresse e-mail."), code="no_user")
        return user



class SettingsForm(forms.ModelForm):
    class Meta:
        model = TransportSettings
        fields = ["rate_per_km", "minimum_per_ride", "membership_fee", "membership_validity_days",
                  "minimum_age", "require_isolation", "require_no_vehicle", "require_low_income",
                  "arrive_early_min", "arrive_late_min"]

    served = forms.CharField(
        label=_("Communes desservies (codes INSEE séparés par des virgules)"), required=False,
        widget=forms.Textarea(attrs={"rows": 2}))

    def clean_served(self) -> list[str]:
        return [c.strip().upper() for c in self.cleaned_data["served"].split(",") if c.strip()]


class MemberForm(forms.ModelForm):
    commune = CommuneField(label=_("Commune"))
    account_email = UserByEmailField(label=_("Compte de la personne (e-mail, facultatif)"),
                                     required=False)
    fee_paid = forms.BooleanField(label=_("Cotisation réglée aujourd'hui"), required=False,
                                  initial=True)

    class Meta:
        model = Member
        fields = ["first_name", "last_name", "birth_date", "phone", "address", "is_isolated",
                  "has_vehicle", "low_income"]
        widgets = {"birth_date": DATE, "phone": forms.TextInput(attrs={"type": "tel",
                                                                       "autocomplete": "tel"})}

    field_order = ["first_name", "last_name", "birth_date", "phone", "address", "commune"]


class MandateForm(forms.Form):
    user = UserByEmailField(label=_("E-mail de la personne mandatée"))
    relation = forms.ChoiceField(label=_("Lien"), choices=Mandate.Relation.choices)


class VolunteerForm(forms.Form):
    user = UserByEmailField(label=_("E-mail du ou de la bénévole (compte existant)"))
    home_commune = CommuneField(label=_("Commune de départ"))
    max_trip_km = forms.IntegerField(label=_("Trajet le plus long accepté (km)"), min_value=1,
                                     max_value=1000, initial=80)


class VolunteerSettingsForm(forms.ModelForm):
    zone_codes = forms.CharField(
        label=_("Communes où vous acceptez de prendre des passagers (codes INSEE)"),
        required=False)

    class Meta:
        model = Volunteer
        fields = ["max_trip_km", "active"]


class VehicleForm(forms.ModelForm):
    class Meta:
        model = Vehicle
        fields = ["label", "seats", "wheelchair_places"]


class SlotForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Jour"), choices=Weekday.choices, coerce=int)
    start = forms.TimeField(label=_("De"), widget=TIME)
    end = forms.TimeField(label=_("À"), widget=TIME)


class ExceptionForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DATE)
    start = forms.TimeField(label=_("Disponible de (vide : absent toute la journée)"),
                            widget=TIME, required=False)
    end = forms.TimeField(label=_("À"), widget=TIME, required=False)


class RideRequestForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Pour"), queryset=Member.objects.none())
    appointment_date = forms.DateField(label=_("Date du rendez-vous"), widget=DATE)
    appointment_time = forms.TimeField(label=_("Heure du rendez-vous"), widget=TIME)
    appointment_minutes = forms.IntegerField(label=_("Durée prévue (minutes)"), min_value=5,
                                             max_value=600, initial=30)
    facility = forms.ModelChoiceField(label=_("Établissement de santé"), required=False,
                                      queryset=Facility.objects.none())
    destination_address = forms.CharField(label=_("ou adresse de destination"), required=False,
                                          max_length=300)
    destination_commune = CommuneField(label=_("Commune de destination (pour une adresse)"),
                                       required=False)
    reason = forms.CharField(label=_("Motif (facultatif, visible du seul chauffeur assigné et "
                                     "des coordinateurs)"), required=False, max_length=200)
    pickup_address = forms.CharField(label=_("Adresse de prise en charge (vide : domicile)"),
                                     required=False, max_length=300)
    pickup_commune = CommuneField(label=_("Commune de prise en charge (vide : domicile)"),
                                  required=False)
    return_trip = forms.BooleanField(label=_("Trajet retour"), required=False, initial=True)
    wheelchair = forms.BooleanField(label=_("Fauteuil roulant"), required=False)
    walking_aid = forms.BooleanField(label=_("Aide à la marche"), required=False)
    companion = forms.BooleanField(label=_("Une personne m'accompagne"), required=False)
    door_to_door = forms.BooleanField(label=_("Aide de porte à porte"), required=False)

    def __init__(self, *args: Any, members=None, facilities=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members
            if members.count() == 1:
                self.fields["member"].initial = members.first()
        if facilities is not None:
            self.fields["facility"].queryset = facilities

    def service_arguments(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        moment = datetime.combine(data.pop("appointment_date"), data.pop("appointment_time"))
        data["appointment_at"] = timezone.make_aware(moment)
        return data


class PlanDayForm(forms.Form):
    day = forms.DateField(label=_("Jour à planifier (ou premier jour)"), widget=DATE)
    days = forms.TypedChoiceField(label=_("Durée"), coerce=int, initial=1, required=False,
                                  empty_value=1,
                                  choices=[(1, _("ce jour")), (7, _("la semaine (7 jours)"))])


class MoveForm(forms.Form):
    volunteer = forms.ModelChoiceField(label=_("Confier à"), queryset=Volunteer.objects.none())

    def __init__(self, *args: Any, association=None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if association is not None:
            self.fields["volunteer"].queryset = Volunteer.objects.filter(
                association=association, active=True).select_related("user")


class DropForm(forms.Form):
    km = forms.DecimalField(label=_("Kilomètres parcourus"), min_value=0, max_value=2000,
                            decimal_places=1)
