"""Forms of the participation pages (DSFR layout comes from the project's form templates)."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.insights.defaults import PROFESSIONS
from maillage.participation.blueprints import BLUEPRINTS
from maillage.participation.models import (
    CHOICE_KINDS,
    PhaseType,
    ProposalStatus,
    Question,
    QuestionKind,
    SignalementCategory,
)
from maillage.participation.services import QuestionSpec, question_field
from maillage.territories.models import Commune
from maillage.territories.selectors import INSEE_CODE, commune_search
from maillage.territories.text import normalise_name

CODE_IN_LABEL = re.compile(r"\((\d{5}|2[AB]\d{3})\)\s*$", re.IGNORECASE)


class ErrorsTiedToFields:
    """Point each invalid input at its error text (aria-describedby), as the DSFR asks."""

    def tie_errors(self) -> None:
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                auto_id = self[name].auto_id
                ids = [widget.attrs.get("aria-describedby", ""),
                       f"{auto_id}_helptext" if self.fields[name].help_text else "",
                       f"{auto_id}_error"]
                widget.attrs["aria-describedby"] = " ".join(i for i in ids if i)

    def is_valid(self) -> bool:
        valid = super().is_valid()  # type: ignore[misc]
        if not valid:
            self.tie_errors()
        return valid


def resolve_commune(text: str) -> str:
    """An INSEE code from what a person typed: a code, "Name (code)", a name or a postal code."""
    text = (text or "").strip()
    match = CODE_IN_LABEL.search(text)
    if match:
        return match.group(1).upper()
    if INSEE_CODE.match(text) and Commune.objects.filter(pk=text.upper()).exists():
        return text.upper()
    found = commune_search(text, limit=6)
    if not found:
        raise forms.ValidationError(_("Aucune commune ne correspond à « %(q)s »."),
                                    params={"q": text}, code="unknown_commune")
    needle = normalise_name(text)
    exact = [c for c in found if c.search_name == needle]
    if len(found) == 1 or len(exact) == 1:
        return (exact or found)[0].code
    raise forms.ValidationError(
        _("Plusieurs communes correspondent : précisez (%(list)s)."),
        params={"list": ", ".join(f"{c.name} ({c.code})" for c in found)},
        code="ambiguous_commune")


class SignalementForm(ErrorsTiedToFields, forms.Form):
    category = forms.ChoiceField(
        label=_("Quelle difficulté rencontrez-vous ?"), choices=SignalementCategory.choices,
        widget=forms.RadioSelect)
    commune = forms.CharField(
        label=_("Commune concernée"), max_length=120,
        help_text=_("Nom, code postal ou code INSEE ; ou utilisez « Me localiser »."),
        widget=forms.TextInput(attrs={"autocomplete": "address-level2",
                                      "list": "communes-suggestions"}))
    profession = forms.ChoiceField(
        label=_("Profession concernée (facultatif)"), required=False,
        choices=[("", _("Non précisée"))] + [(p.code, p.label) for p in PROFESSIONS.values()])
    text = forms.CharField(
        label=_("Décrivez la situation (facultatif)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("N'indiquez pas d'information médicale ni le nom d'un soignant."))
    anonymous = forms.BooleanField(
        label=_("Rester anonyme vis-à-vis des autres habitants (les modérateurs voient "
                "toujours l'auteur)"), required=False)

    def clean_commune(self) -> str:
        return resolve_commune(self.cleaned_data["commune"])


class ReasonForm(ErrorsTiedToFields, forms.Form):
    reason = forms.CharField(label=_("Motif"), max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))


class ProcessForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    summary = forms.CharField(label=_("Résumé"), max_length=400, required=False)
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))
    territory_level = forms.ChoiceField(
        label=_("Niveau du territoire"),
        choices=[("region", _("Région")), ("departement", _("Département")),
                 ("epci", _("EPCI")), ("commune", _("Commune"))])
    territory_code = forms.CharField(label=_("Code du territoire (INSEE ou SIREN)"),
                                     max_length=9)
    organiser_name = forms.CharField(label=_("Organisateur"), max_length=200)
    blueprint = forms.ChoiceField(
        label=_("Modèle de phases"), required=False,
        choices=[("", _("Aucun (phases ajoutées ensuite)"))]
        + [(b.key, f"{b.label} — {b.description}") for b in BLUEPRINTS.values()])
    starts_on = forms.DateField(label=_("Début de la première phase"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    is_published = forms.BooleanField(label=_("Publier tout de suite"), required=False)


class PhaseForm(ErrorsTiedToFields, forms.Form):
    type = forms.ChoiceField(label=_("Type de phase"), choices=PhaseType.choices)
    title = forms.CharField(label=_("Titre (facultatif)"), max_length=200, required=False)
    starts_at = forms.DateTimeField(label=_("Début"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))
    ends_at = forms.DateTimeField(label=_("Fin"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}))


class ProposalForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200,
                            help_text=_("Ex. : une unité mobile à Badaroux le mardi"))
    body = forms.CharField(label=_("Votre proposition"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 6}))
    commune = forms.CharField(label=_("Commune concernée (facultatif)"), max_length=120,
                              required=False)

    def clean_commune(self) -> str:
        text = self.cleaned_data["commune"]
        return resolve_commune(text) if text.strip() else ""


class AnswerForm(ErrorsTiedToFields, forms.Form):
    status = forms.ChoiceField(label=_("Statut"), choices=ProposalStatus.choices)
    answer = forms.CharField(
        label=_("Réponse officielle"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Obligatoire pour une proposition retenue ou non retenue (dites "
                    "pourquoi)."))


class CommentForm(ErrorsTiedToFields, forms.Form):
    body = forms.CharField(label=_("Votre commentaire"), max_length=3000,
                           widget=forms.Textarea(attrs={"rows": 3}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)


QUESTION_LINE = re.compile(r"^\?\s*(\w+)(\*)?(?:\s+(-?\d+)-(-?\d+))?\s+(.+)$")


class ConsultationForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    phase = forms.TypedChoiceField(label=_("Phase pendant laquelle il est ouvert"), coerce=int)
    anonymous = forms.BooleanField(label=_("Réponses anonymes"), required=False, initial=True)
    results_public = forms.BooleanField(label=_("Résultats publics en direct"),
                                        required=False, initial=True)
    questions = forms.CharField(
        label=_("Questions"), widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Une question par ligne commençant par « ? type », « * » si obligatoire ; "
                    "types : single, multiple, ranking (suivis d'une ligne « - choix » par "
                    "choix), scale 1-5, text, commune. Ex. : « ?single* Votre difficulté "
                    "principale ? »"))

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases

    def clean_questions(self) -> list[QuestionSpec]:
        specs: list[dict[str, Any]] = []
        for number, raw in enumerate(self.cleaned_data["questions"].splitlines(), start=1):
            line = raw.strip()
            if not line:
                continue
            if line.startswith("-"):
                if not specs or specs[-1]["kind"] not in CHOICE_KINDS:
                    raise forms.ValidationError(
                        _("Ligne %(n)s : un choix doit suivre une question à choix."),
                        params={"n": number})
                specs[-1]["choices"].append(line[1:].strip())
                continue
            match = QUESTION_LINE.match(line)
            if not match or match.group(1) not in QuestionKind.values:
                raise forms.ValidationError(
                    _("Ligne %(n)s : commencez par « ? » suivi d'un type (%(kinds)s)."),
                    params={"n": number, "kinds": ", ".join(QuestionKind.values)})
            kind, star, low, high, text = match.groups()
            spec: dict[str, Any] = {"kind": kind, "text": text, "required": bool(star),
                                    "choices": []}
            if kind == QuestionKind.SCALE and low is not None:
                spec.update(scale_min=int(low), scale_max=int(high))
            specs.append(spec)
        if not specs:
            raise forms.ValidationError(_("Ajoutez au moins une question."))
        return [QuestionSpec(**s) for s in specs]


class ConsultationAnswerForm(ErrorsTiedToFields, forms.Form):
    """One field per question, named like the API's keys ("q<id>")."""

    def __init__(self, *args: Any, questions: list[Question], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            self.fields[question_field(q)] = self._field(q)

    @staticmethod
    def _field(q: Question) -> forms.Field:
        options = {"label": q.text, "required": q.required, "help_text": q.help_text}
        choices = [(c.pk, c.label) for c in q.choices.all()]
        if q.kind == QuestionKind.SINGLE:
            return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **options)
        if q.kind == QuestionKind.MULTIPLE:
            return forms.MultipleChoiceField(choices=choices,
                                             widget=forms.CheckboxSelectMultiple, **options)
        if q.kind == QuestionKind.SCALE:
            scale = [(v, str(v)) for v in range(q.scale_min, q.scale_max + 1)]
            if q.scale_min_label or q.scale_max_label:
                options["help_text"] = f"{q.scale_min} = {q.scale_min_label} ; " \
                                       f"{q.scale_max} = {q.scale_max_label}"
            return forms.ChoiceField(choices=scale, widget=forms.RadioSelect, **options)
        if q.kind == QuestionKind.RANKING:
            options["help_text"] = q.help_text or _(
                "Donnez à chaque choix un rang différent (1 = le plus important).")
            return RankingField(choices=choices, **options)
        if q.kind == QuestionKind.COMMUNE:
            return forms.CharField(max_length=120, **options)
        return forms.CharField(max_length=3000, widget=forms.Textarea(attrs={"rows": 3}),
                               **options)

    def answers(self) -> dict[str, Any]:
        """The cleaned data in the service's format."""
        data: dict[str, Any] = {}
        for q in self.questions:
            name = question_field(q)
            value = self.cleaned_data.get(name)
            if q.kind == QuestionKind.COMMUNE and value:
                try:
                    value = resolve_commune(value)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
                    continue
            data[name] = value
        return data


class RankingWidget(forms.MultiWidget):
    template_name = "participation/widgets/ranking.html"

    def __init__(self, choices: list[tuple[int, str]]) -> None:
        self.choice_labels = choices
        size = len(choices)
        widgets = [forms.Select(choices=[("", "—")] + [(r, str(r)) for r in range(1, size + 1)])
                   for _c in choices]
        super().__init__(widgets)

    def decompress(self, value: Any) -> list[Any]:
        return [None] * len(self.choice_labels)

    def get_context(self, name: str, value: Any, attrs: dict[str, Any]) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        for subwidget, (_pk, label) in zip(context["widget"]["subwidgets"], self.choice_labels,
                                          strict=True):
            subwidget["choice_label"] = label
        return context


class RankingField(forms.MultiValueField):
    """Ranks typed per choice; cleaned into the choice ids from first to last."""

    def __init__(self, *, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        self.choice_ids = [pk for pk, _label in choices]
        # A rank outside 1..n (a forged form) is an error, not a silent reordering.
        fields = [forms.IntegerField(required=False, min_value=1, max_value=len(choices))
                  for _c in choices]
        super().__init__(fields=fields, widget=RankingWidget(choices), require_all_fields=False,
                         **kwargs)

    def compress(self, data_list: list[Any]) -> list[int]:
        if not data_list or all(v in (None, "") for v in data_list):
            return []
        if any(v in (None, "") for v in data_list) or len(set(data_list)) != len(data_list):
            raise forms.ValidationError(_("Donnez à chaque choix un rang différent."),
                                        code="incomplete_ranking")
        return [pk for _rank, pk in sorted(zip(data_list, self.choice_ids, strict=True))]


class OptionForm(ErrorsTiedToFields, forms.Form):
    label = forms.CharField(label=_("Votre idée (un besoin ou une solution)"), max_length=200)


class BallotForm(ErrorsTiedToFields, forms.Form):
    """A ranked ballot (a rank per option) or a points ballot (points per option)."""

    def __init__(self, *args: Any, vote: Any, options: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote, self.options = vote, options
        if vote.kind == "ranked":
            self.fields["ranking"] = RankingField(
                choices=[(o.pk, o.label) for o in options], label=_("Votre classement"),
                help_text=_("1 = votre première priorité ; un rang différent par option."))
        else:
            for o in options:
                self.fields[f"points_{o.pk}"] = forms.IntegerField(
                    label=o.label, min_value=0, max_value=vote.budget, required=False,
                    initial=0)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.vote.kind == "points":
            total = sum(v or 0 for k, v in data.items() if k.startswith("points_"))
            if total > (self.vote.budget or 0):
                raise forms.ValidationError(
                    _("Vous répartissez %(n)s points pour %(b)s disponibles."),
                    params={"n": total, "b": self.vote.budget})
        return data

    def ballot(self) -> dict[str, Any]:
        if self.vote.kind == "ranked":
            return {"ranking": self.cleaned_data["ranking"]}
        return {"points": {k.removeprefix("points_"): v or 0
                           for k, v in self.cleaned_data.items() if k.startswith("points_")}}


class PriorityVoteForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Question"), max_length=200,
                            help_text=_("Ex. : quel besoin de santé est le plus important ?"))
    description = forms.CharField(label=_("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label=_("Type de vote"), choices=[
        ("pairwise", _("Comparaisons deux à deux (ajoutez vos idées)")),
        ("ranked", _("Classement (vote alternatif)")),
        ("points", _("Répartition de points (budget)"))], widget=forms.RadioSelect)
    phase = forms.TypedChoiceField(label=_("Phase de vote"), coerce=int)
    options = forms.CharField(label=_("Options, une par ligne"),
                              widget=forms.Textarea(attrs={"rows": 6}))
    budget = forms.IntegerField(label=_("Points à répartir (vote par points)"), min_value=1,
                                required=False)
    allow_new_options = forms.BooleanField(
        label=_("Les habitants peuvent ajouter des idées (comparaisons)"), required=False,
        initial=True)

    def __init__(self, *args: Any, phases: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phase"].choices = phases

    def clean_options(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["options"].splitlines()
                if line.strip()]


class ActionForm(ErrorsTiedToFields, forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    responsible_body = forms.CharField(label=_("Responsable"), max_length=200,
                                       help_text=_("Ex. : CPTS Cœur de Lozère, ARS, commune"))
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    proposals = forms.MultipleChoiceField(label=_("Propositions auxquelles elle répond"),
                                          required=False, widget=forms.CheckboxSelectMultiple)
    consultations = forms.MultipleChoiceField(label=_("Questionnaires dont elle découle"),
                                              required=False,
                                              widget=forms.CheckboxSelectMultiple)
    communes = forms.CharField(label=_("Communes concernées (codes INSEE séparés par des "
                                       "virgules)"), required=False)
    starts_on = forms.DateField(label=_("Début prévu"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Fin prévue"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, process: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, p.title) for p in process.proposals.all()]
        self.fields["consultations"].choices = [(c.pk, c.title)
                                                for c in process.consultations.all()]

    def clean_communes(self) -> list[str]:
        return [c.strip().upper() for c in self.cleaned_data["communes"].split(",")
                if c.strip()]


class ActionUpdateForm(ErrorsTiedToFields, forms.Form):
    text = forms.CharField(label=_("Nouvelles"), widget=forms.Textarea(attrs={"rows": 3}))
    status = forms.ChoiceField(label=_("État"), choices=[
        ("planned", _("Prévue")), ("in_progress", _("En cours")), ("done", _("Réalisée")),
        ("suspended", _("Suspendue")), ("abandoned", _("Abandonnée"))])
    progress = forms.IntegerField(label=_("Avancement (%)"), min_value=0, max_value=100)


class MinutesForm(ErrorsTiedToFields, forms.Form):
    minutes = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 8}))
    decisions = forms.CharField(label=_("Décisions"), required=False,
                                widget=forms.Textarea(attrs={"rows": 4}))


class NotificationSettingsForm(ErrorsTiedToFields, forms.Form):
    email = forms.ChoiceField(label=_("Recevoir les nouvelles par e-mail"), choices=[
        ("never", _("Jamais (notifications dans Maillage seulement)")),
        ("immediate", _("À chaque nouvelle")), ("daily", _("Un résumé par jour"))],
        widget=forms.RadioSelect)
