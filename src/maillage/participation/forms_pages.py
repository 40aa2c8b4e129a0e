"""Forms of the organisers' committee pages and of the authors' edit pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.participation.forms import CommentForm, ErrorsTiedToFields, SignalementForm
from maillage.participation.models import MemberKind


class CommitteeForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Nom du comité"), max_length=200,
                           help_text=_("Ex. : comité citoyen de santé du Cœur de Lozère"))
    description = forms.CharField(label=_("Mission (facultatif)"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))


class MemberForm(ErrorsTiedToFields, forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte Maillage de la personne"),
                             widget=forms.EmailInput(attrs={"autocomplete": "off"}))
    kind = forms.ChoiceField(label=_("Collège"), choices=MemberKind.choices)
    title = forms.CharField(label=_("Fonction (facultatif)"), max_length=200, required=False,
                            help_text=_("Ex. : maire de Badaroux, infirmière libérale"))


class MeetingForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    agenda = forms.CharField(label=_("Ordre du jour"), widget=forms.Textarea(attrs={"rows": 5}))
    starts_at = forms.DateTimeField(label=_("Début"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Fin"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    place = forms.CharField(label=_("Lieu (ou lien ci-dessous)"), max_length=300,
                            required=False)
    online_url = forms.CharField(label=_("Lien de visioconférence (https://…)"), max_length=200,
                                 required=False,
                                 widget=forms.URLInput(attrs={"inputmode": "url"}))
    capacity = forms.IntegerField(label=_("Places ouvertes au public (facultatif)"),
                                  required=False, min_value=1)


class SignalementEditForm(SignalementForm):
    """The signalement form; the commune is shown but stays as filed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["commune"].disabled = True
        self.fields["commune"].required = False
        self.fields["commune"].help_text = _("La commune d'un signalement ne change pas.")

    def clean_commune(self) -> str:
        return self.initial.get("commune", "")


class CommentEditForm(CommentForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["parent"]
