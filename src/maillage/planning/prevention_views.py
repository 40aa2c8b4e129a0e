"""Pages of targeted prevention: from the priority index to a campaign or a screening action.
Thin: planning.prevention does the work, with the rights of the apps it calls."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.insights import defaults
from maillage.planning import prevention
from maillage.planning.models import ScreeningAction
from maillage.planning.priority import DEFAULT_WEIGHTS


class TargetForm(forms.Form):
    """Which communes: région, profession, how many, the index's weights (hidden fields)."""

    region = forms.CharField(max_length=3, widget=forms.HiddenInput)
    profession = forms.CharField(max_length=40, widget=forms.HiddenInput)
    top = forms.IntegerField(label=gettext_lazy("Nombre de communes ciblées"), min_value=1,
                             max_value=prevention.MAX_TOP)


class CampaignForm(TargetForm):
    title = forms.CharField(label=gettext_lazy("Titre de la campagne"), max_length=200)
    theme = forms.ChoiceField(label=gettext_lazy("Thème"))
    organiser_name = forms.CharField(label=gettext_lazy("Organisée par"), max_length=200)
    body = forms.CharField(label=gettext_lazy("Présentation"), widget=forms.Textarea(
        attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from maillage.mobilization.models import CampaignTheme

        super().__init__(*args, **kwargs)
        self.fields["theme"].choices = CampaignTheme.choices


class ScreeningForm(TargetForm):
    title = forms.CharField(label=gettext_lazy("Titre de l'action de dépistage"),
                            max_length=200)
    cooperation = forms.TypedChoiceField(label=gettext_lazy("Coopération qui la mène"),
                                         coerce=int)
    activity = forms.ChoiceField(label=gettext_lazy("Parcours et activité de dépistage"))
    description = forms.CharField(label=gettext_lazy("Présentation"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    starts_on = forms.DateField(label=gettext_lazy("Début"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=gettext_lazy("Fin"), required=False,
                              widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from maillage.coordination.models import PathwayTemplate
        from maillage.coordination.selectors import cooperations

        super().__init__(*args, **kwargs)
        self.fields["cooperation"].choices = [(c.pk, c.name) for c in cooperations()]
        self.fields["activity"].choices = [
            (f"{t.pk}:{a.code}", f"{t.name} — {a.name}")
            for t in PathwayTemplate.objects.prefetch_related("activities")
            for a in prevention.screening_activities(t)]


def _weights(data: Any) -> dict[str, Any]:
    return {k: data.get(f"w_{k}") for k in DEFAULT_WEIGHTS}


def _apply(form: forms.Form, exc: ValidationError) -> None:
    for name, errors in exc.message_dict.items():
        target = {"activity_code": "activity", "template": "activity"}.get(name, name)
        form.add_error(target if target in form.fields else None, errors)


def _page(request: HttpRequest, *, campaign_form: CampaignForm | None = None,
          screening_form: ScreeningForm | None = None) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    region = data.get("region") or "76"
    profession = data.get("profession") or "generaliste"
    if profession not in defaults.PROFESSIONS:
        raise Http404(_("Profession inconnue."))
    top = data.get("top") or "20"
    errors: dict[str, list[str]] = {}
    try:
        chosen = prevention.targets(region=region, profession=profession,
                                    top=int(top) if top.isdigit() else -1,
                                    weights=_weights(data))
    except ValidationError as exc:
        errors = exc.message_dict
        chosen = prevention.targets(region=region, profession=profession)
    initial = {"region": region, "profession": profession, "top": chosen.top}
    hidden_weights = [(f"w_{k}", v) for k, v in chosen.index.weights.items()]
    status = 400 if errors or (campaign_form and campaign_form.errors) or (
        screening_form and screening_form.errors) else 200
    return render(request, "planning/prevention.html", {
        "targets": chosen, "rows": chosen.index.rows[:chosen.top], "errors": errors,
        "region": region, "profession": profession, "weights": hidden_weights,
        "campaign_form": campaign_form or CampaignForm(initial=initial),
        "screening_form": screening_form or ScreeningForm(initial=initial),
        "title": _("Prévention ciblée sur les communes prioritaires")}, status=status)


@login_required
def prevention_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@login_required
def campaign_create(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("planning:prevention")
    form = CampaignForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            campaign = prevention.priority_campaign_create(
                actor=request.user, region=data["region"], profession=data["profession"],
                top=data["top"], weights=_weights(request.POST), title=data["title"],
                theme=data["theme"], body=data["body"], organiser_name=data["organiser_name"])
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Campagne créée pour les communes prioritaires."))
            return redirect(campaign)
    return _page(request, campaign_form=form)


@login_required
def screening_create(request: HttpRequest) -> HttpResponse:
    from maillage.accounts.models import Organisation
    from maillage.coordination.models import PathwayTemplate

    if request.method != "POST":
        return redirect("planning:prevention")
    form = ScreeningForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        template_pk, _sep, code = data["activity"].partition(":")
        try:
            action = prevention.screening_action_create(
                actor=request.user, region=data["region"], profession=data["profession"],
                top=data["top"], weights=_weights(request.POST), title=data["title"],
                cooperation=Organisation.objects.get(pk=data["cooperation"]),
                template=PathwayTemplate.objects.get(pk=int(template_pk)), activity_code=code,
                description=data["description"], starts_on=data["starts_on"],
                ends_on=data["ends_on"])
        except PermissionDenied:
            raise
        except ValidationError as exc:
            _apply(form, exc)
        else:
            messages.success(request, _("Action de dépistage créée pour les communes "
                                        "prioritaires."))
            return redirect(action)
    return _page(request, screening_form=form)


def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = (ScreeningAction.objects.select_related("region", "cooperation", "template")
              .filter(pk=pk).first())
    if action is None:
        raise Http404(_("Action de dépistage inconnue."))
    return render(request, "planning/screening.html", {
        "action": action, "activity": prevention.activity_of(action),
        "targets": prevention.screening_targets(action), "criteria": action.criteria or {},
        "title": action.title})
