"""The cooperation's pathways as anonymised patient-years, for the payment simulator.

What leaves the coordination app here is one record per patient and year with nothing that can
be traced back to the person: a random identifier drawn for this export only (never the patient
key, name, birth date, commune or any source identifier), the age band, the sex, the chronic
conditions as ALD numbers, counts of acts by profession, a quality score, patient-experience
points and the deprivation quintile when known. Below :data:`MIN_PATIENTS` patients the export
is refused: such small groups could be re-identified from their age, sex and conditions.

Rights: only a coordinator of the cooperation (``coordination.view_cohort``, the rule of the
cohort view), and only the pathways that coordinator may open (`pathways_visible_to`: those they
coordinate or care for, as for the cohort) whose consent is ACTIVE. Every patient exported gets
ONE access-log entry stating the purpose, which they read on « Qui a consulté mon dossier ».

Conditions → ALD numbers (list of the ALD 30, art. D. 160-4 du code de la sécurité sociale):

* type 2 diabetes (template ``diabete-type-2``, ICD-10 E11) → ALD 8 « diabète de type 1 et
  diabète de type 2 »;
* heart failure (``insuffisance-cardiaque``, I50) → ALD 5 « insuffisance cardiaque grave,
  troubles du rythme graves, cardiopathies valvulaires graves, cardiopathies congénitales
  graves »;
* COPD (``bpco``, J44) → ALD 14 « insuffisance respiratoire chronique grave ».

Being in a pathway does not prove the ALD was granted by the payer (ALD 5 and 14 require a
severe form): the mapping is an approximation, said so on the simulator's screen.
"""

from __future__ import annotations

import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import Organisation
from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import (
    CareTask,
    CareTeamMember,
    Condition,
    Encounter,
    Pathway,
    Patient,
    QuestionnaireResponse,
)
from maillage.coordination.rules import can
from maillage.coordination.selectors import pathways_visible_to
from maillage.engines.payment import AGE_BANDS

# Fewer patients than this and the export is refused (re-identification risk).
MIN_PATIENTS = 10
MAX_YEARS = 5
PURPOSE = "simulation de financement, données anonymisées"
ALD_SOURCE = ("Liste des affections de longue durée (ALD 30), article D. 160-4 du code de la "
              "sécurité sociale : ALD 5 (insuffisance cardiaque grave…), ALD 8 (diabète de "
              "type 1 et de type 2), ALD 14 (insuffisance respiratoire chronique grave)")
# Pathway template code → ALD number.
TEMPLATE_ALD = {"diabete-type-2": 8, "insuffisance-cardiaque": 5, "bpco": 14}
# ICD-10 category of a problem-list condition → ALD number (the same three conditions).
ICD10_ALD = {"E11": 8, "I50": 5, "J44": 14}
ICD10_SYSTEM = "http://hl7.org/fhir/sid/icd-10"
# Hospital stays and emergency visits are not acts of a primary-care profession.
STAY_KINDS = (Encounter.Kind.INPATIENT, Encounter.Kind.EMERGENCY)
OTHER_PROFESSION = "autre"
SEX_CODES = {Patient.Sex.FEMALE: "F", Patient.Sex.MALE: "M"}
# The PREM questionnaire's score is scaled to the 0–20 points of patient experience.
EXPERIENCE_POINTS = 20.0


@dataclass(frozen=True)
class AnonymisedPatientYear:
    """One patient in one year, without any identifier that leads back to them."""

    id: str  # random, drawn for this export only; links a patient's years within it
    year: int
    age_band: str | None  # one of the payment engine's AGE_BANDS; None: birth date unknown
    sex: str | None  # "F", "M"; None: not recorded or other
    ald: tuple[int, ...]  # ALD numbers, sorted
    acts: dict[str, int] = field(default_factory=dict)  # profession code → acts in the year
    hospital_stays: int = 0  # hospital stays and emergency visits
    quality: float | None = None  # share of the plan's tasks done within their window, 0–100
    experience: float | None = None  # PREM points on 0–20; None: not answered in the year
    deprivation_quintile: int | None = None  # the coordination app does not know it


def age_band(birth_date: date | None, year: int) -> str | None:
    """The band of the age reached during `year` (« âge atteint dans l'année »)."""
    if birth_date is None:
        return None
    age = year - birth_date.year
    if age < 0:
        return None
    bounds = [(int(b.split("-")[0].rstrip("+")), b) for b in AGE_BANDS]
    band = bounds[0][1]
    for low, name in bounds:
        if age >= low:
            band = name
    return band


def can_export(actor: Any, cooperation: Organisation) -> bool:
    return bool(getattr(actor, "is_authenticated", False)) and can(
        actor, "coordination.view_cohort", cooperation)


def cooperations_exportable_by(actor: Any, organisations: list[Organisation]
                               ) -> list[Organisation]:
    """Among `organisations`, those whose pathways the actor may export (as coordinator)."""
    return [o for o in organisations if can_export(actor, o)]


def _pathways(actor: Any, cooperation: Organisation, last_day: date) -> QuerySet[Pathway]:
    return (pathways_visible_to(actor)
            .filter(cooperation=cooperation, consents__status="active")
            .filter(Q(start_date__lte=last_day) | Q(start_date__isnull=True,
                                                   created_at__date__lte=last_day))
            .distinct())


@transaction.atomic
def anonymised_population(*, actor: Any, cooperation: Organisation, year: int, years: int = 1,
                          today: date | None = None) -> list[AnonymisedPatientYear]:
    """The patient-years `year - years + 1 … year` of the cooperation's consented pathways.

    Raises PermissionDenied (not a coordinator of the cooperation) or ValidationError (bad
    years, fewer than MIN_PATIENTS patients: nothing is exported nor logged then). `today`
    decides which task windows are over (a window still open is not counted as missed).
    """
    if not can_export(actor, cooperation):
        raise PermissionDenied(_("Seule la coordination de la coopération peut utiliser ses "
                                 "parcours pour une simulation."))
    if not 2000 <= year <= 2100 or not 1 <= years <= MAX_YEARS:
        raise ValidationError(_("Année entre 2000 et 2100, 1 à %(n)s années.")
                              % {"n": MAX_YEARS}, code="bad_years")
    today = today or timezone.localdate()
    first_year = year - years + 1
    pathways = list(_pathways(actor, cooperation, date(year, 12, 31))
                    .select_related("patient", "template"))
    by_patient: dict[int, list[Pathway]] = defaultdict(list)
    for pathway in pathways:
        by_patient[pathway.patient_id].append(pathway)
    if len(by_patient) < MIN_PATIENTS:
        raise ValidationError(
            _("Trop peu de patients (%(n)s) dans les parcours consentis de la coopération : il "
              "en faut au moins %(min)s pour que les données anonymisées ne permettent pas de "
              "les reconnaître. Rien n'a été exporté.")
            % {"n": len(by_patient), "min": MIN_PATIENTS}, code="small_cohort")
    facts = _Facts(pathways, date(first_year, 1, 1), date(year, 12, 31), today)
    records: list[AnonymisedPatientYear] = []
    for own in by_patient.values():
        patient = own[0].patient
        export_id = secrets.token_hex(8)
        ald = facts.ald(own)
        for y in range(first_year, year + 1):
            if not any(_started(p) <= date(y, 12, 31) for p in own):
                continue
            records.append(AnonymisedPatientYear(
                id=export_id, year=y, age_band=age_band(patient.birth_date, y),
                sex=SEX_CODES.get(patient.sex), ald=ald,
                acts=facts.acts(own, y), hospital_stays=facts.stays(own, y),
                quality=facts.quality(own, y), experience=facts.experience(own, y),
                deprivation_quintile=None))
        access_record(actor=actor, pathway=own[0], patient=patient, action=Action.EXPORT,
                      what=_("parcours (export anonymisé)"), reason=PURPOSE)
    # The order says nothing about enrolment or names.
    records.sort(key=lambda r: (r.id, r.year))
    return records


def _started(pathway: Pathway) -> date:
    return pathway.start_date or timezone.localdate(pathway.created_at)


class _Facts:
    """The pathways' tasks, encounters, conditions and answers in the period, read once."""

    def __init__(self, pathways: list[Pathway], first: date, last: date, today: date):
        ids = [p.pk for p in pathways]
        self.today = today
        self.tasks: dict[int, list[CareTask]] = defaultdict(list)
        for task in CareTask.objects.filter(pathway_id__in=ids).exclude(
                status=CareTask.Status.CANCELLED).filter(
                Q(due_by__range=(first, last)) | Q(done_on__range=(first, last))):
            self.tasks[task.pathway_id].append(task)
        self.encounters: dict[int, list[Encounter]] = defaultdict(list)
        zone = timezone.get_current_timezone()
        start = datetime(first.year, 1, 1, tzinfo=zone)
        end = datetime(last.year, 12, 31, tzinfo=zone) + timedelta(days=1)
        for encounter in Encounter.objects.filter(pathway_id__in=ids, started_at__gte=start,
                                                  started_at__lt=end):
            self.encounters[encounter.pathway_id].append(encounter)
        self.professions = {(m.pathway_id, m.user_id): m.profession
                            for m in CareTeamMember.objects.filter(pathway_id__in=ids)}
        self.conditions: dict[int, list[Condition]] = defaultdict(list)
        for condition in Condition.objects.filter(pathway_id__in=ids, system=ICD10_SYSTEM):
            self.conditions[condition.pathway_id].append(condition)
        self.answers: dict[int, list[QuestionnaireResponse]] = defaultdict(list)
        for response in (QuestionnaireResponse.objects
                         .filter(pathway_id__in=ids, questionnaire__kind="prem",
                                 status=QuestionnaireResponse.Status.COMPLETED,
                                 answered_at__gte=start, answered_at__lt=end)
                         .select_related("questionnaire")):
            self.answers[response.pathway_id].append(response)

    def ald(self, pathways: list[Pathway]) -> tuple[int, ...]:
        numbers = {TEMPLATE_ALD[p.template.code] for p in pathways
                   if p.template is not None and p.template.code in TEMPLATE_ALD}
        for pathway in pathways:
            for condition in self.conditions[pathway.pk]:
                number = ICD10_ALD.get(condition.code.upper()[:3])
                if number is not None and condition.resolved is None:
                    numbers.add(number)
        return tuple(sorted(numbers))

    def acts(self, pathways: list[Pathway], year: int) -> dict[str, int]:
        """Completed tasks done in the year, plus encounters not recording a task."""
        counts: Counter[str] = Counter()
        for pathway in pathways:
            for task in self.tasks[pathway.pk]:
                if task.status == CareTask.Status.COMPLETED and task.done_on.year == year:
                    counts[task.profession] += 1
            for encounter in self.encounters[pathway.pk]:
                if (encounter.task_id is not None or encounter.kind in STAY_KINDS
                        or timezone.localtime(encounter.started_at).year != year):
                    continue
                counts[self.professions.get((pathway.pk, encounter.recorded_by_id),
                                            OTHER_PROFESSION)] += 1
        return dict(sorted(counts.items()))

    def stays(self, pathways: list[Pathway], year: int) -> int:
        return sum(1 for p in pathways for e in self.encounters[p.pk]
                   if e.kind in STAY_KINDS and timezone.localtime(e.started_at).year == year)

    def quality(self, pathways: list[Pathway], year: int) -> float | None:
        """Tasks whose window closed in the year (or was met): share done within it."""
        due = met = 0
        for pathway in pathways:
            for task in self.tasks[pathway.pk]:
                if task.due_by.year != year:
                    continue
                done = task.status == CareTask.Status.COMPLETED
                if not done and task.due_by >= self.today:
                    continue  # still time to do it
                due += 1
                met += done and task.due_from <= task.done_on <= task.due_by
        return round(100.0 * met / due, 1) if due else None

    def experience(self, pathways: list[Pathway], year: int) -> float | None:
        answered = [r for p in pathways for r in self.answers[p.pk]
                    if timezone.localtime(r.answered_at).year == year]
        if not answered:
            return None
        last = max(answered, key=lambda r: r.answered_at)
        return round(EXPERIENCE_POINTS * last.score / max(last.questionnaire.max_score, 1), 1)
