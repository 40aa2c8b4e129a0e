from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.engines.payment import Population as PopulationArrays
from maillage.engines.payment import synthetic_population
from maillage.financing import exports, importers, pathways, selectors, services
from maillage.financing.forms import GenerateForm, PathwaysForm, SyntheticForm, UploadForm
from maillage.financing.importers import COLUMNS, PopulationFileError
from maillage.financing.models import Population
from maillage.financing.rules import can
from maillage.financing.simulation import (
    MODEL_DESCRIPTIONS,
    MODEL_LABELS,
    Report,
    build_report,
    sensitivity_choices,
)

TRIAL_MAX_PATIENTS = services.TRIAL_MAX_PATIENTS


def index(request: HttpRequest) -> HttpResponse:
    organisations = (list(selectors.organisations_for(request.user))
                     if request.user.is_authenticated else [])
    return render(request, "financing/index.html", {
        "title": _("Simulateur de financement"),
        "populations": (selectors.populations_for(request.user)
                        if organisations else []),
        "organisations": organisations,
        "upload_form": UploadForm(organisations=organisations),
        "generate_form": GenerateForm(organisations=organisations),
        "trial_form": SyntheticForm(),
        "columns": COLUMNS,
        "models": _model_descriptions(),
        **_pathways_context(request, organisations),
    })


def _pathways_context(request: HttpRequest, organisations: list, form: PathwaysForm | None = None
                      ) -> dict:
    """The « use the cooperation's pathways » action, for members who coordinate it."""
    if not organisations:
        return {"pathways_form": None}
    coordinated = pathways.exportable_organisations(request.user, organisations)
    if not coordinated:
        return {"pathways_form": None}
    return {"pathways_form": form or PathwaysForm(
        organisations=coordinated, initial={"year": timezone.localdate().year, "years": 1}),
        "pathways_tariffs": pathways.TARIFFS, "pathways_defaults": pathways.DEFAULTS,
        "pathways_other_act": (pathways.OTHER_ACT_VALUE, pathways.OTHER_ACT_SOURCE),
        "pathways_min_patients": pathways.MIN_PATIENTS}


def _model_descriptions() -> list[tuple[str, str]]:
    return [(MODEL_LABELS[m], MODEL_DESCRIPTIONS[m]) for m in MODEL_LABELS]


def template_csv(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(importers.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="modele-population.csv"'
    return response


def _trial_population(request: HttpRequest) -> tuple[PopulationArrays, dict]:
    form = SyntheticForm(request.GET or None)
    if not request.GET:
        settings = {"patients": 2000, "seed": 42, "years": 3}
    elif form.is_valid():
        settings = form.cleaned_data
    else:
        raise Http404(_("Paramètres de la population synthétique invalides."))
    if settings["patients"] > TRIAL_MAX_PATIENTS:
        raise Http404(_("L'essai est limité à %(n)s patients.") % {"n": TRIAL_MAX_PATIENTS})
    return synthetic_population(settings["patients"], seed=settings["seed"],
                                years=settings["years"]), settings


def trial(request: HttpRequest) -> HttpResponse:
    population, settings = _trial_population(request)
    report = build_report(population, request.GET)
    title = _("Essai sur une population synthétique — %(n)s patients, graine %(s)s") % {
        "n": settings["patients"], "s": settings["seed"]}
    return _render_simulation(request, report, title=title, population=None,
                              export_url_name="financing:trial_export", export_args=[],
                              synthetic=settings)


def trial_export(request: HttpRequest, fmt: str) -> HttpResponse:
    population, settings = _trial_population(request)
    report = build_report(population, request.GET)
    title = _("Essai synthétique (%(n)s patients, graine %(s)s)") % {
        "n": settings["patients"], "s": settings["seed"]}
    return _export(report, title, fmt, f"simulation-essai-{settings['seed']}")


@login_required
def population_detail(request: HttpRequest, pk: int) -> HttpResponse:
    population = selectors.population_get(actor=request.user, pk=pk,
                                          perm="financing.simulate_population")
    report = build_report(selectors.population_arrays(population), request.GET)
    return _render_simulation(
        request, report, title=population.name, population=population,
        export_url_name="financing:population_export", export_args=[population.pk],
        can_delete=can(request.user, "financing.delete_population", population))


@login_required
def population_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    population = selectors.population_get(actor=request.user, pk=pk,
                                          perm="financing.export_population")
    report = build_report(selectors.population_arrays(population), request.GET)
    return _export(report, population.name, fmt,
                   f"simulation-{slugify(population.name)[:40] or population.pk}")


def _export(report: Report, title: str, fmt: str, filename: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(exports.report_csv(report, title),
                                content_type="text/csv; charset=utf-8")
    elif fmt == "pdf":
        response = HttpResponse(exports.report_pdf(report, title),
                                content_type="application/pdf")
    else:
        raise Http404(_("Format inconnu (csv ou pdf)."))
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _render_simulation(request: HttpRequest, report: Report, *, title: str,
                       population: Population | None, export_url_name: str,
                       export_args: list, synthetic: dict | None = None,
                       can_delete: bool = False) -> HttpResponse:
    for error in report.errors:
        messages.warning(request, error)
    models = list(report.comparison.results)
    return render(request, "financing/simulation.html", {
        "title": title, "population": population, "report": report,
        "synthetic": synthetic, "can_delete": can_delete,
        "model_labels": [MODEL_LABELS[m] for m in models],
        "by_model_svg": exports.by_model_svg(report),
        "distribution_svg": exports.distribution_svg(report),
        "sensitivity_svg": exports.sensitivity_svg(report) if report.sensitivity else "",
        "sensitivity_choices": sensitivity_choices(),
        "chosen_sensitivity": request.GET.get("sensibilite", ""),
        "sensitivity_rows": report.sensitivity.rows() if report.sensitivity else [],
        "parameter_groups": [(MODEL_LABELS[m], [p for p in report.parameters if p.model == m])
                             for m in models],
        "export_csv": _with_query(reverse(export_url_name, args=[*export_args, "csv"]),
                                  request),
        "export_pdf": _with_query(reverse(export_url_name, args=[*export_args, "pdf"]),
                                  request),
    })


def _with_query(url: str, request: HttpRequest) -> str:
    query = request.GET.urlencode()
    return f"{url}?{query}" if query else url


@login_required
@require_POST
def population_upload(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for(request.user))
    form = UploadForm(request.POST, request.FILES, organisations=organisations)
    if not form.is_valid():
        return _index_with_errors(request, upload_form=form)
    organisation = form.organisations[form.cleaned_data["organisation"]]
    try:
        population, created = services.population_upload(
            actor=request.user, organisation=organisation, name=form.cleaned_data["name"],
            content=form.cleaned_data["file"].read())
    except PopulationFileError as exc:
        return _index_with_errors(request, upload_form=form, file_errors=exc.errors)
    if created:
        messages.success(request, _("Population enregistrée : %(n)s lignes.")
                         % {"n": population.rows})
    else:
        messages.info(request, _("Ce fichier avait déjà été déposé : voici la même population."))
    return redirect(population)


@login_required
@require_POST
def population_generate(request: HttpRequest) -> HttpResponse:
    organisations = list(selectors.organisations_for(request.user))
    form = GenerateForm(request.POST, organisations=organisations)
    if not form.is_valid():
        return _index_with_errors(request, generate_form=form)
    data = form.cleaned_data
    try:
        population, _created = services.population_generate(
            actor=request.user, organisation=form.organisations[data["organisation"]],
            patients=data["patients"], seed=data["seed"], years=data["years"],
            name=data["name"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("financing:index")
    return redirect(population)


@login_required
@require_POST
def population_delete(request: HttpRequest, pk: int) -> HttpResponse:
    population = selectors.population_get(actor=request.user, pk=pk)
    name = population.name
    services.population_delete(actor=request.user, population=population)
    messages.success(request, _("Population « %(n)s » supprimée.") % {"n": name})
    return redirect("financing:index")


@login_required
@require_POST
def population_from_pathways(request: HttpRequest) -> HttpResponse:
    """« Utiliser les parcours de la coopération » : anonymised pathways → a population."""
    organisations = list(selectors.organisations_for(request.user))
    coordinated = pathways.exportable_organisations(request.user, organisations)
    form = PathwaysForm(request.POST, organisations=coordinated)
    if not coordinated:
        raise PermissionDenied(_("Seule la coordination d'une coopération peut utiliser ses "
                                 "parcours."))
    if not form.is_valid():
        return _index_with_errors(request, pathways_form=form)
    data = form.cleaned_data
    try:
        population, created = pathways.population_from_pathways(
            actor=request.user, organisation=form.organisations[data["organisation"]],
            year=data["year"], years=data["years"], name=data["name"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("financing:index")
    if created:
        messages.success(request, _("Population enregistrée depuis les parcours anonymisés : "
                                    "%(n)s patients.") % {"n": population.patients})
    else:
        messages.info(request, _("Les parcours n'ont pas changé : voici la même population."))
    return redirect(population)


def _index_with_errors(request: HttpRequest, *, upload_form: UploadForm | None = None,
                       generate_form: GenerateForm | None = None,
                       file_errors: list[str] | None = None,
                       pathways_form: PathwaysForm | None = None) -> HttpResponse:
    organisations = list(selectors.organisations_for(request.user))
    return render(request, "financing/index.html", {
        "title": _("Simulateur de financement"),
        "populations": selectors.populations_for(request.user),
        "organisations": organisations,
        "upload_form": upload_form or UploadForm(organisations=organisations),
        "generate_form": generate_form or GenerateForm(organisations=organisations),
        "trial_form": SyntheticForm(), "columns": COLUMNS, "models": _model_descriptions(),
        "file_errors": file_errors or [],
        **_pathways_context(request, organisations, pathways_form),
    }, status=400)
