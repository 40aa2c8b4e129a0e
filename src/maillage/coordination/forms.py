from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.coordination.models import (
    ActivityDefinition,
    CareProfession,
    Consent,
    Document,
    Encounter,
    HealthcareService,
    NetworkProfessional,
    PathwayTemplate,
    Patient,
    Questionnaire,
    ServiceCategory,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Quoi ?"), required=False, max_length=100,
                        help_text=_("Ex. : podologue, diabète, soins infirmiers"))
    commune = forms.CharField(label=_("Près de quelle commune ?"), required=False,
                              max_length=100, help_text=_("Nom, code postal ou code INSEE"))
    rayon = forms.IntegerField(label=_("Rayon (km)"), min_value=1, max_value=200, initial=30,
                               required=False)
    categorie = forms.ChoiceField(label=_("Catégorie"), required=False,
                                  choices=[("", _("Toutes")), *ServiceCategory.choices])


class ServiceForm(forms.ModelForm):
    commune_code = forms.CharField(label=_("Commune (code INSEE)"), max_length=5)

    class Meta:
        model = HealthcareService
        fields = ["name", "category", "description", "address", "eligibility", "referral",
                  "telephone", "accepts_new_patients", "active"]


class ProfessionalForm(forms.ModelForm):
    user_email = forms.EmailField(
        label=_("E-mail de son compte Maillage (facultatif)"), required=False,
        help_text=_("Pour pouvoir l'ajouter aux équipes de soins."))

    class Meta:
        model = NetworkProfessional
        fields = ["name", "profession", "role"]


class TemplateDeriveForm(forms.Form):
    source = forms.ModelChoiceField(
        label=_("Modèle de départ"), queryset=PathwayTemplate.objects.filter(cooperation=None),
        help_text=_("Ses activités et sa source (recommandation publiée) sont reprises ; "
                    "vous les adaptez ensuite."))
    name = forms.CharField(label=_("Nom du modèle de la coopération (facultatif)"),
                           max_length=200, required=False)


class TemplateForm(forms.ModelForm):
    source_url = forms.URLField(label=_("adresse de la source"), max_length=300,
                                assume_scheme="https")

    class Meta:
        model = PathwayTemplate
        fields = ["name", "condition_label", "source_title", "source_url", "source_date",
                  "discharge_follow_up_days"]


class ActivityForm(forms.ModelForm):
    interval_days = forms.IntegerField(
        label=_("Intervalle (jours)"), min_value=1, max_value=3650, required=False,
        help_text=_("Vide : activité unique ou conditionnelle."))

    class Meta:
        model = ActivityDefinition
        fields = ["name", "profession", "first_due_days", "interval_days", "window_days",
                  "condition", "loinc", "questionnaire", "rationale"]


class EnrolForm(forms.Form):
    family_name = forms.CharField(label=_("Nom"), max_length=150)
    given_name = forms.CharField(label=_("Prénom"), max_length=150)
    birth_date = forms.DateField(label=_("Date de naissance"), required=False, widget=DATE)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Patient.Sex.choices,
                            initial=Patient.Sex.UNKNOWN)
    commune_code = forms.CharField(label=_("Commune (code INSEE)"), max_length=5,
                                   required=False)
    patient_email = forms.EmailField(
        label=_("E-mail du compte du patient (facultatif)"), required=False,
        help_text=_("Pour qu'il ou elle voie son plan, ses messages et le journal des accès."))
    template = forms.ModelChoiceField(label=_("Modèle de parcours"),
                                      queryset=PathwayTemplate.objects.all(), required=False)
    start_date = forms.DateField(label=_("Début du plan"), required=False, widget=DATE)
    consent_method = forms.ChoiceField(label=_("Consentement du patient recueilli"),
                                       choices=Consent.Method.choices,
                                       widget=forms.RadioSelect)
    consent_confirmed = forms.BooleanField(
        label=_("Le patient a consenti au partage de ses données avec l'équipe de soins."))


class TeamMemberForm(forms.Form):
    email = forms.EmailField(label=_("E-mail du ou de la professionnel·le"))
    profession = forms.ChoiceField(label=_("Profession"), choices=CareProfession.choices)
    is_referring_doctor = forms.BooleanField(label=_("Médecin traitant"), required=False)


class PlanForm(forms.Form):
    template = forms.ModelChoiceField(label=_("Modèle"), queryset=PathwayTemplate.objects.all())
    start_date = forms.DateField(label=_("Début"), widget=DATE)
    risk_grade = forms.TypedChoiceField(
        label=_("Grade de risque podologique (diabète)"), coerce=int, required=False,
        empty_value=None, choices=[("", "—"), (0, "0"), (1, "1"), (2, "2"), (3, "3")])


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Activité"), max_length=200)
    profession = forms.ChoiceField(label=_("Profession"), choices=CareProfession.choices)
    due_from = forms.DateField(label=_("À partir du"), widget=DATE)
    due_by = forms.DateField(label=_("Au plus tard le"), widget=DATE)
    owner_email = forms.EmailField(
        label=_("Responsable (e-mail d'un membre de l'équipe, facultatif)"), required=False)


class TaskAdaptForm(forms.Form):
    owner_email = forms.EmailField(
        label=_("Nouveau ou nouvelle responsable (e-mail d'un membre de l'équipe)"),
        required=False)
    due_from = forms.DateField(label=_("À partir du"), widget=DATE, required=False)
    due_by = forms.DateField(label=_("Au plus tard le"), widget=DATE, required=False)
    cancel = forms.BooleanField(label=_("Annuler cette tâche"), required=False)


class TaskDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Réalisé le"), widget=DATE)
    value = forms.FloatField(label=_("Résultat (valeur)"), required=False)
    unit = forms.CharField(label=_("Unité"), max_length=40, required=False)
    note = forms.CharField(label=_("Compte rendu"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class EncounterForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Encounter.Kind.choices)
    label = forms.CharField(label=_("Motif"), max_length=200, required=False)
    started_at = forms.DateTimeField(label=_("Début"), widget=DATETIME)
    ended_at = forms.DateTimeField(label=_("Fin (sortie)"), widget=DATETIME, required=False)


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 3}))


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type"), choices=Document.Kind.choices)
    title = forms.CharField(label=_("Titre"), max_length=200)
    file = forms.FileField(label=_("Fichier (PDF, PNG, JPEG ou texte ; 10 Mo au plus)"))
    replaces = forms.IntegerField(required=False, widget=forms.HiddenInput)


class TeleconsultationForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Date et heure"), widget=DATETIME)
    minutes = forms.IntegerField(label=_("Durée (minutes)"), min_value=5, max_value=120,
                                 initial=20)
    patient_consented = forms.BooleanField(
        label=_("Le patient consent à la téléconsultation."))


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Comment l'alerte a été résolue"), max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Bundle FHIR R4 (JSON)"))
    consent_method = forms.ChoiceField(label=_("Consentement du patient recueilli"),
                                       choices=Consent.Method.choices)
    consent_confirmed = forms.BooleanField(
        label=_("Le patient a consenti au partage de ses données avec l'équipe de soins."))


class QuestionnaireSendForm(forms.Form):
    questionnaire = forms.ModelChoiceField(label=_("Questionnaire"),
                                           queryset=Questionnaire.objects.all())


class AnswerForm(forms.Form):
    """One radio group per question of the questionnaire."""

    def __init__(self, questionnaire: Questionnaire, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in questionnaire.items:
            self.fields[f"q{item['link_id']}"] = forms.TypedChoiceField(
                label=item["text"], coerce=int, widget=forms.RadioSelect,
                choices=[(o["value"], o["label"]) for o in item["options"]])
