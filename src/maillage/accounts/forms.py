from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import User


class ProfileForm(forms.ModelForm):
    home_commune_code = forms.CharField(
        label=_("Code INSEE de votre commune (facultatif)"), required=False, max_length=5,
        help_text=_("Sert à vous montrer ce qui concerne votre territoire."),
    )

    class Meta:
        model = User
        fields = ["display_name"]

    def clean_home_commune_code(self) -> str:
        from maillage.territories.models import Commune

        code = self.cleaned_data["home_commune_code"].strip().upper()
        if code and not Commune.objects.filter(pk=code).exists():
            raise forms.ValidationError(_("Aucune commune n'a le code INSEE %(code)s."),
                                        params={"code": code})
        return code


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Votre mot de passe, pour confirmer"), widget=forms.PasswordInput,
        strip=False,
    )
    confirm = forms.BooleanField(
        label=_("Je comprends que mon compte et mes données personnelles seront supprimés "
                "définitivement."),
    )
