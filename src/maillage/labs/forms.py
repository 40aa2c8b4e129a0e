"""Forms of the labs pages (DSFR layout through the shared field template)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.labs.models import TERRITORY_LEVELS, LabKind, ProfileRole, Stage
from maillage.participation.forms import ErrorsTiedToFields
from maillage.participation.models import SignalementCategory

INPUT = {"class": "fr-input"}
SELECT = {"class": "fr-select"}
DATETIME = forms.DateTimeInput(attrs=INPUT | {"type": "datetime-local"},
                               format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]


def _datetime(label: str, **extra: object) -> forms.DateTimeField:
    return forms.DateTimeField(label=label, widget=DATETIME, input_formats=DATETIME_FORMATS,
                               **extra)


class LabForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Nom du laboratoire"), max_length=200,
                           widget=forms.TextInput(attrs=INPUT))
    kind = forms.ChoiceField(label=_("Porté par"), choices=LabKind.choices,
                             widget=forms.Select(attrs=SELECT))
    territory_level = forms.ChoiceField(label=_("Niveau du territoire"),
                                        choices=TERRITORY_LEVELS,
                                        widget=forms.Select(attrs=SELECT))
    territory_code = forms.CharField(
        label=_("Code du territoire"), max_length=9,
        help_text=_("Code de la région, numéro du département ou code INSEE de la commune."),
        widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 4}))


class EmailForm(ErrorsTiedToFields, forms.Form):
    email = forms.EmailField(label=_("Adresse e-mail du compte"),
                             widget=forms.EmailInput(attrs=INPUT))


class ChallengeForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre du défi"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("Description du défi"), max_length=10_000,
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 6}))
    territory_level = forms.ChoiceField(label=_("Niveau du territoire"),
                                        choices=TERRITORY_LEVELS,
                                        widget=forms.Select(attrs=SELECT))
    territory_code = forms.CharField(label=_("Code du territoire"), max_length=9,
                                     widget=forms.TextInput(attrs=INPUT))
    category = forms.ChoiceField(
        label=_("Difficulté signalée à montrer"), required=False,
        choices=[("", _("Toutes")), *SignalementCategory.choices],
        widget=forms.Select(attrs=SELECT))
    commune_codes = forms.CharField(
        label=_("Communes concernées"), required=False,
        help_text=_("Codes INSEE séparés par des virgules ; vide : tout le territoire."),
        widget=forms.TextInput(attrs=INPUT))
    ideas_close_at = _datetime(_("Idées reçues jusqu'au"))

    def clean_commune_codes(self) -> list[str]:
        text = self.cleaned_data.get("commune_codes") or ""
        return [c.strip() for c in text.replace(";", ",").split(",") if c.strip()]


class IdeaForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre de l'idée"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    body = forms.CharField(label=_("Description"), max_length=5000,
                           widget=forms.Textarea(attrs=INPUT | {"rows": 6}))
    commune_code = forms.CharField(label=_("Commune concernée (code INSEE, facultatif)"),
                                   max_length=5, required=False,
                                   widget=forms.TextInput(attrs=INPUT))


class CommentForm(ErrorsTiedToFields, forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=3000,
                           widget=forms.Textarea(attrs=INPUT | {"rows": 3}))


class ReasonForm(ErrorsTiedToFields, forms.Form):
    reason = forms.CharField(label=_("Motif du signalement"), max_length=500,
                             widget=forms.TextInput(attrs=INPUT))


class ProfileForm(ErrorsTiedToFields, forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Mes rôles"), choices=ProfileRole.choices, required=False,
        help_text=_("Votre nom, vos rôles et vos compétences sont visibles des personnes "
                    "connectées, pour former des équipes."),
        widget=forms.CheckboxSelectMultiple)
    skills = forms.CharField(label=_("Mes compétences"), max_length=500, required=False,
                             help_text=_("Par exemple : médecine générale, Python, UX, "
                                         "animation d'ateliers."),
                             widget=forms.TextInput(attrs=INPUT))
    bio = forms.CharField(label=_("Présentation"), max_length=2000, required=False,
                          widget=forms.Textarea(attrs=INPUT | {"rows": 3}))


class TeamForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Nom de l'équipe"), max_length=120,
                           widget=forms.TextInput(attrs=INPUT))
    role = forms.ChoiceField(label=_("Mon rôle dans l'équipe"), choices=ProfileRole.choices,
                             widget=forms.Select(attrs=SELECT))
    description = forms.CharField(label=_("Présentation"), max_length=3000, required=False,
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 3}))


class JoinForm(ErrorsTiedToFields, forms.Form):
    role = forms.ChoiceField(label=_("Mon rôle dans l'équipe"), choices=ProfileRole.choices,
                             widget=forms.Select(attrs=SELECT))


class TaskForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Nouvelle tâche"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    assignee_id = forms.TypedChoiceField(label=_("Confiée à"), coerce=int, required=False,
                                         empty_value=None, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: object, members: list = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee_id"].choices = [("", _("Personne"))] + [
            (m.user_id, m.user.display_name or m.user.email) for m in members]


class EventForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 4}))
    starts_at = _datetime(_("Début"))
    ends_at = _datetime(_("Fin"))
    place = forms.CharField(label=_("Lieu"), max_length=300, required=False,
                            widget=forms.TextInput(attrs=INPUT))
    online_url = forms.URLField(label=_("Lien de participation en ligne"), required=False,
                                assume_scheme="https", widget=forms.URLInput(attrs=INPUT))
    capacity = forms.IntegerField(label=_("Places"), min_value=1,
                                  widget=forms.NumberInput(attrs=INPUT))
    waiting_list_capacity = forms.IntegerField(label=_("Places en liste d'attente"),
                                               min_value=0, initial=20,
                                               widget=forms.NumberInput(attrs=INPUT))
    submissions_close_at = _datetime(_("Rendus acceptés jusqu'au"))
    score_max = forms.IntegerField(label=_("Note maximale par critère"), min_value=1,
                                   max_value=100, initial=10,
                                   widget=forms.NumberInput(attrs=INPUT))
    challenge_id = forms.TypedChoiceField(label=_("Défi"), coerce=int, required=False,
                                          empty_value=None, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: object, challenges: list = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["challenge_id"].choices = [("", _("Aucun"))] + [
            (c.pk, c.title) for c in challenges]


class ScheduleForm(ErrorsTiedToFields, forms.Form):
    starts_at = _datetime(_("Heure"))
    title = forms.CharField(label=_("Séquence"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))


class MentorForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Nom du mentor"), max_length=200,
                           widget=forms.TextInput(attrs=INPUT))
    expertise = forms.CharField(label=_("Expertise"), max_length=300,
                                widget=forms.TextInput(attrs=INPUT))


class CriterionForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Critère"), max_length=200,
                           widget=forms.TextInput(attrs=INPUT))
    weight = forms.IntegerField(label=_("Poids"), min_value=1, max_value=100,
                                widget=forms.NumberInput(attrs=INPUT))
    description = forms.CharField(label=_("Précisions"), max_length=500, required=False,
                                  widget=forms.TextInput(attrs=INPUT))


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "fr-upload"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: object, initial: object = None) -> list:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class SubmissionForm(ErrorsTiedToFields, forms.Form):
    description = forms.CharField(label=_("Description du rendu"), max_length=5000,
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 6}))
    links = forms.CharField(label=_("Liens"), required=False,
                            help_text=_("Un lien par ligne (dépôt de code, maquette, vidéo)."),
                            widget=forms.Textarea(attrs=INPUT | {"rows": 3}))
    files = MultipleFileField(label=_("Fichiers"), required=False,
                              help_text=_("PDF, PNG, JPEG, ZIP, ODP ou PPTX ; 10 Mo au plus "
                                          "chacun, 5 fichiers au plus."))

    def clean_links(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("links") or "").splitlines()
                if line.strip()]


class ScoreForm(ErrorsTiedToFields, forms.Form):
    """One integer field per criterion, named criterion_<id>."""

    def __init__(self, *args: object, criteria: list = (), score_max: int = 10,
                 **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.IntegerField(
                label=_("%(c)s (poids %(w)s), note de 0 à %(m)s")
                % {"c": criterion.name, "w": criterion.weight, "m": score_max},
                help_text=criterion.description or None,
                widget=forms.NumberInput(attrs=INPUT | {"min": 0, "max": score_max}))

    def values(self) -> dict[int, int]:
        return {int(name.split("_", 1)[1]): value for name, value in self.cleaned_data.items()}


class ProjectForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre du projet"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    summary = forms.CharField(label=_("Résumé"), max_length=3000,
                              widget=forms.Textarea(attrs=INPUT | {"rows": 4}))
    team_id = forms.TypedChoiceField(label=_("Équipe porteuse"), coerce=int, required=False,
                                     empty_value=None, widget=forms.Select(attrs=SELECT))

    def __init__(self, *args: object, teams: list = (), **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team_id"].choices = [("", _("Aucune"))] + [(t.pk, t.name) for t in teams]


class StageForm(ErrorsTiedToFields, forms.Form):
    stage = forms.ChoiceField(label=_("Nouvelle étape"), choices=Stage.choices,
                              widget=forms.Select(attrs=SELECT))
    pilot_commune_code = forms.CharField(
        label=_("Commune de l'expérimentation (code INSEE)"), max_length=5, required=False,
        help_text=_("Obligatoire pour passer en expérimentation."),
        widget=forms.TextInput(attrs=INPUT))
    stop_reason = forms.CharField(label=_("Raison de l'arrêt"), required=False,
                                  help_text=_("Obligatoire pour arrêter le projet."),
                                  widget=forms.Textarea(attrs=INPUT | {"rows": 2}))
    note = forms.CharField(label=_("Commentaire"), required=False,
                           widget=forms.TextInput(attrs=INPUT))


class FundingForm(ErrorsTiedToFields, forms.Form):
    funding_requested = forms.DecimalField(label=_("Financement demandé (€)"), min_value=0,
                                           decimal_places=2, max_digits=12,
                                           widget=forms.NumberInput(attrs=INPUT))
    funding_obtained = forms.DecimalField(label=_("Financement obtenu (€)"), min_value=0,
                                          decimal_places=2, max_digits=12,
                                          widget=forms.NumberInput(attrs=INPUT))


class MilestoneForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Jalon"), max_length=200,
                            widget=forms.TextInput(attrs=INPUT))
    due_on = forms.DateField(label=_("Prévu le"), required=False,
                             widget=forms.DateInput(attrs=INPUT | {"type": "date"}))


class PartnerForm(ErrorsTiedToFields, forms.Form):
    name = forms.CharField(label=_("Partenaire"), max_length=200,
                           widget=forms.TextInput(attrs=INPUT))
    contribution = forms.CharField(label=_("Apport"), max_length=300, required=False,
                                   widget=forms.TextInput(attrs=INPUT))
