"""Writes of pathways: enrolment, consent, team, plan, tasks, results, ruptures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.models import PROFESSIONAL_ROLES, Organisation, RoleAssignment, User
from maillage.coordination.audit import Action, access_record
from maillage.coordination.models import (
    ActivityCondition,
    ActivityDefinition,
    Alert,
    CareTask,
    CareTeamMember,
    Consent,
    Encounter,
    NetworkMembership,
    NetworkProfessional,
    Observation,
    Pathway,
    PathwayTemplate,
    Patient,
)
from maillage.coordination.rules import access_forget
from maillage.coordination.services.common import (
    FOLLOW_UP_KINDS,
    PHQ9_LOINC,
    PHQ9_POSITIVE,
    PLAN_HORIZON_DAYS,
    _require,
    _require_on_pathway,
)
from maillage.core.links import absolute_url

# — Pathways, consent, team ————————————————————————————————————————————————————————————————————


@transaction.atomic
def pathway_enrol(*, actor: User, cooperation: Organisation, patient: Patient | None = None,
                  patient_fields: dict[str, Any] | None = None,
                  template: PathwayTemplate | None = None, consent_method: str,
                  start_date: date | None = None, now: datetime | None = None) -> Pathway:
    """Enrol a patient in a pathway of the cooperation, with their consent recorded first."""
    _require(actor, "coordination.enrol_patient", cooperation,
             _("Seule la coordination de la coopération inscrit des patients."))
    if consent_method not in Consent.Method.values:
        raise ValidationError({"consent_method": _(
            "Le consentement du patient doit être recueilli (écrit, oral ou en ligne).")})
    _check_template(template, cooperation)
    now = now or timezone.now()
    if patient is None:
        patient = Patient(**(patient_fields or {}))
        patient.full_clean()
        patient.save()
    pathway = Pathway.objects.create(
        patient=patient, cooperation=cooperation, template=template, coordinator=actor,
        start_date=start_date or timezone.localdate(now))
    Consent.objects.create(pathway=pathway, method=consent_method, recorded_by=actor,
                           recorded_at=now)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE,
                  what=_("inscription et consentement"))
    return pathway


@transaction.atomic
def consent_withdraw(*, actor: User, pathway: Pathway, now: datetime | None = None) -> Consent:
    """Withdraw consent: from now on only the patient sees the pathway; the plan is suspended."""
    _require_on_pathway(actor, "coordination.withdraw_consent", pathway, _("consentement"))
    consent = pathway.consents.filter(status=Consent.Status.ACTIVE).first()
    if consent is None:
        raise ValidationError(_("Le consentement est déjà retiré."))
    consent.status = Consent.Status.WITHDRAWN
    consent.withdrawn_at = now or timezone.now()
    consent.withdrawn_by = actor
    consent.save()
    Pathway.objects.filter(pk=pathway.pk).update(status=Pathway.Status.SUSPENDED)
    pathway.status = Pathway.Status.SUSPENDED
    access_forget(pathway)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE,
                  what=_("retrait du consentement"))
    return consent


@transaction.atomic
def consent_give(*, actor: User, pathway: Pathway, method: str,
                 now: datetime | None = None) -> Consent:
    """Record consent again after a withdrawal (by the patient, or noted by the coordinator)."""
    if not (pathway.patient.user_id == getattr(actor, "pk", None)
            or pathway.coordinator_id == getattr(actor, "pk", None)):
        raise Http404(_("Parcours introuvable."))
    if method not in Consent.Method.values:
        raise ValidationError({"method": _("Mode de recueil inconnu.")})
    if pathway.consents.filter(status=Consent.Status.ACTIVE).exists():
        raise ValidationError(_("Le consentement est déjà donné."))
    consent = Consent.objects.create(pathway=pathway, method=method, recorded_by=actor,
                                     recorded_at=now or timezone.now())
    Pathway.objects.filter(pk=pathway.pk).update(status=Pathway.Status.ACTIVE)
    pathway.status = Pathway.Status.ACTIVE
    access_forget(pathway)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("consentement"))
    return consent


def _check_template(template: PathwayTemplate | None, cooperation: Organisation) -> None:
    """A pathway follows a shared template or one of its own cooperation's."""
    if template is not None and template.cooperation_id not in (None, cooperation.pk):
        raise ValidationError({"template": _(
            "Ce modèle appartient à une autre coopération.")})


def network_organisations(cooperation: Organisation) -> list[int]:
    return [cooperation.pk, *NetworkMembership.objects.filter(
        cooperation=cooperation).values_list("member_id", flat=True)]


@transaction.atomic
def care_team_add(*, actor: User, pathway: Pathway, user: User, profession: str,
                  organisation: Organisation | None = None,
                  is_referring_doctor: bool = False) -> CareTeamMember:
    """Add a professional of the cooperation's network to the patient's care team."""
    _require_on_pathway(actor, "coordination.change_pathway", pathway, _("équipe de soins"))
    listed = NetworkProfessional.objects.filter(
        user=user, organisation_id__in=network_organisations(pathway.cooperation))
    if organisation is not None:
        listed = listed.filter(organisation=organisation)
    entry = listed.select_related("organisation").first()
    if entry is None:
        raise ValidationError({"user": _(
            "Cette personne n'est pas un·e professionnel·le inscrit·e dans le réseau de la "
            "coopération.")})
    if not RoleAssignment.objects.filter(user=user, role__in=PROFESSIONAL_ROLES).exists():
        # Professional roles must use two-factor authentication; a plain account must not
        # reach a patient's data through a care team.
        raise ValidationError({"user": _(
            "Ce compte n'a pas de rôle de professionnel·le (qui impose l'authentification à "
            "deux facteurs) : il ne peut pas rejoindre une équipe de soins.")})
    if is_referring_doctor and profession != "generaliste":
        raise ValidationError({"is_referring_doctor": _(
            "Le médecin traitant est un médecin généraliste.")})
    if is_referring_doctor and pathway.team.filter(is_referring_doctor=True).exists():
        raise ValidationError({"is_referring_doctor": _(
            "L'équipe a déjà un médecin traitant.")})
    if pathway.team.filter(user=user).exists():
        raise ValidationError({"user": _("Cette personne fait déjà partie de l'équipe.")})
    member = CareTeamMember.objects.create(
        pathway=pathway, user=user, organisation=organisation or entry.organisation,
        profession=profession, is_referring_doctor=is_referring_doctor, added_by=actor)
    # Open tasks of that profession without an owner now have one.
    pathway.tasks.filter(profession=profession, owner__isnull=True,
                         status=CareTask.Status.REQUESTED).update(owner=user)
    access_forget(pathway)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("équipe de soins"))
    return member


@transaction.atomic
def care_team_remove(*, actor: User, member: CareTeamMember) -> None:
    pathway = member.pathway
    _require_on_pathway(actor, "coordination.change_pathway", pathway, _("équipe de soins"))
    pathway.tasks.filter(owner=member.user, status=CareTask.Status.REQUESTED).update(owner=None)
    member.delete()
    access_forget(pathway)
    access_record(actor=actor, pathway=pathway, action=Action.DELETE, what=_("équipe de soins"))


# — Care plan and tasks ——————————————————————————————————————————————————————————————————————


def activity_applies(activity: ActivityDefinition, pathway: Pathway) -> bool:
    if activity.condition == ActivityCondition.ALWAYS:
        return True
    if activity.condition == ActivityCondition.RISK_GRADE_2:
        return pathway.risk_grade == 2
    if activity.condition == ActivityCondition.RISK_GRADE_3:
        return pathway.risk_grade == 3
    # Screening results and discharges add their activities when they happen.
    return False


def activity_occurrences(activity: ActivityDefinition, start: date,
                         horizon_days: int = PLAN_HORIZON_DAYS,
                         last_done: date | None = None) -> list[tuple[date, date]]:
    """Due windows of an activity from `start`: [start + first + k·interval, … + window].

    A periodic activity already done on `last_done` (a result recorded or imported) is next
    due one interval after it, not at once: the patient is not sent for a test they just had,
    and the plan raises no false rupture. There is always at least one window.
    """
    first = start + timedelta(days=activity.first_due_days)
    if last_done is not None and activity.interval_days:
        first = max(first, last_done + timedelta(days=activity.interval_days))
    end = start + timedelta(days=horizon_days)
    windows = []
    due_from = first
    while due_from < end or not windows:
        windows.append((due_from, due_from + timedelta(days=activity.window_days)))
        if not activity.interval_days:
            break
        due_from += timedelta(days=activity.interval_days)
    return windows


def last_results(pathway: Pathway, codes: set[str]) -> dict[str, date]:
    """The day of the latest LOINC result of each code in the pathway's record."""
    from django.db.models import Max

    latest = (pathway.observations.filter(system="http://loinc.org", code__in=codes)
              .values("code").annotate(last=Max("effective_at")))
    return {row["code"]: timezone.localdate(row["last"]) for row in latest}


def _owner_for(pathway: Pathway, profession: str) -> User | None:
    member = pathway.team.filter(profession=profession).select_related("user").first()
    return member.user if member else None


def _tasks_for(pathway: Pathway, activity: ActivityDefinition, start: date,
               horizon_days: int = PLAN_HORIZON_DAYS,
               last_done: date | None = None) -> list[CareTask]:
    owner = _owner_for(pathway, activity.profession)
    return [CareTask(pathway=pathway, activity=activity, title=activity.name,
                     profession=activity.profession, owner=owner, due_from=a, due_by=b)
            for a, b in activity_occurrences(activity, start, horizon_days, last_done)]


@transaction.atomic
def care_plan_instantiate(*, actor: User, pathway: Pathway,
                          template: PathwayTemplate | None = None,
                          start_date: date | None = None, risk_grade: int | None = None,
                          horizon_days: int = PLAN_HORIZON_DAYS) -> list[CareTask]:
    """Turn each applicable activity of the template into tasks over the coming year."""
    _require_on_pathway(actor, "coordination.change_pathway", pathway, _("plan de soins"))
    template = template or pathway.template
    if template is None:
        raise ValidationError({"template": _("Choisissez un modèle de parcours.")})
    _check_template(template, pathway.cooperation)
    if risk_grade is not None:
        if risk_grade not in (0, 1, 2, 3):
            raise ValidationError({"risk_grade": _("Le grade de risque va de 0 à 3.")})
        pathway.risk_grade = risk_grade
    pathway.template = template
    pathway.start_date = start_date or pathway.start_date or timezone.localdate()
    pathway.save(update_fields=["template", "start_date", "risk_grade"])
    if pathway.tasks.filter(activity__template=template,
                            status=CareTask.Status.REQUESTED).exists():
        raise ValidationError(_("Le plan de ce modèle est déjà en place ; adaptez-le tâche par "
                                "tâche."))
    activities = [a for a in template.activities.all() if activity_applies(a, pathway)]
    done = last_results(pathway, {a.loinc for a in activities if a.loinc})
    tasks = []
    for activity in activities:
        last = done.get(activity.loinc) if activity.loinc else None
        tasks += _tasks_for(pathway, activity, pathway.start_date, horizon_days,
                            last if last is not None and last <= pathway.start_date else None)
    created = CareTask.objects.bulk_create(tasks)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("plan de soins"))
    return created


def _check_owner(pathway: Pathway, owner: User | None) -> None:
    if owner is not None and not pathway.team.filter(user=owner).exists():
        raise ValidationError({"owner": _(
            "Le ou la responsable d'une tâche doit faire partie de l'équipe de soins.")})


@transaction.atomic
def task_add(*, actor: User, pathway: Pathway, title: str, profession: str, due_from: date,
             due_by: date, owner: User | None = None) -> CareTask:
    """Adapt the plan: add a task outside the template."""
    _require_on_pathway(actor, "coordination.change_pathway", pathway, _("plan de soins"))
    _check_owner(pathway, owner)
    task = CareTask(pathway=pathway, title=title, profession=profession, due_from=due_from,
                    due_by=due_by, owner=owner)
    if due_from > due_by:
        raise ValidationError({"due_by": _("La fin de la fenêtre précède son début.")})
    task.full_clean()
    task.save()
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("plan de soins"))
    return task


@transaction.atomic
def task_update(*, actor: User, task: CareTask, owner: User | None = None,
                due_from: date | None = None, due_by: date | None = None,
                cancel: bool = False) -> CareTask:
    pathway = task.pathway
    _require_on_pathway(actor, "coordination.change_pathway", pathway, _("plan de soins"))
    _check_owner(pathway, owner)
    if owner is not None:
        task.owner = owner
    task.due_from = due_from or task.due_from
    task.due_by = due_by or task.due_by
    if task.due_from > task.due_by:
        raise ValidationError({"due_by": _("La fin de la fenêtre précède son début.")})
    if cancel:
        task.status = CareTask.Status.CANCELLED
    task.save()
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("plan de soins"))
    return task


@transaction.atomic
def task_complete(*, actor: User, task: CareTask, done_on: date, note: str = "",
                  value: float | None = None, unit: str = "",
                  encounter_kind: str | None = None) -> CareTask:
    """Record that a task was done, with its result as a structured value when it has one."""
    pathway = task.pathway
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("tâche"))
    if task.status != CareTask.Status.REQUESTED:
        raise ValidationError(_("Cette tâche est déjà close."))
    if done_on > timezone.localdate() + timedelta(days=1):
        raise ValidationError({"done_on": _("La date de réalisation est dans le futur.")})
    task.status = CareTask.Status.COMPLETED
    task.done_on = done_on
    task.done_by = actor
    task.note = note
    task.save()
    moment = timezone.make_aware(datetime.combine(done_on, datetime.min.time()).replace(hour=12))
    if encounter_kind:
        if encounter_kind not in Encounter.Kind.values:
            raise ValidationError({"encounter_kind": _("Type de rencontre inconnu.")})
        Encounter.objects.create(pathway=pathway, kind=encounter_kind, label=task.title,
                                 started_at=moment, ended_at=moment, recorded_by=actor,
                                 task=task)
    if value is not None:
        activity = task.activity
        code = activity.loinc if activity and activity.loinc else ""
        if not code:
            raise ValidationError({"value": _("Cette activité n'attend pas de valeur mesurée.")})
        _observation_store(actor=actor, pathway=pathway, code=code, label=task.title,
                           value=value, unit=unit, effective_at=moment, task=task)
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("tâche réalisée"))
    return task


def _observation_store(*, actor: User | None, pathway: Pathway, code: str, label: str,
                       value: float | None, unit: str, effective_at: datetime,
                       task: CareTask | None = None, system: str = "http://loinc.org",
                       source_identifier: str = "", text: str = "") -> Observation:
    observation = Observation.objects.create(
        pathway=pathway, task=task, system=system, code=code, label=label[:300], value=value,
        unit=unit[:40], text=text[:300], effective_at=effective_at, recorded_by=actor,
        source_identifier=source_identifier)
    if (code == PHQ9_LOINC and value is not None and value >= PHQ9_POSITIVE
            and pathway.template_id):
        _add_conditional_tasks(pathway, ActivityCondition.SCREENING_POSITIVE,
                               timezone.localdate(effective_at))
    return observation


def _add_conditional_tasks(pathway: Pathway, condition: str, start: date) -> list[CareTask]:
    tasks = []
    for activity in pathway.template.activities.filter(condition=condition):
        if pathway.tasks.filter(activity=activity, status=CareTask.Status.REQUESTED).exists():
            continue
        tasks += _tasks_for(pathway, activity, start, horizon_days=1)
    return CareTask.objects.bulk_create(tasks)


@transaction.atomic
def observation_record(*, actor: User, pathway: Pathway, code: str, label: str,
                       value: float | None, unit: str = "", effective_at: datetime,
                       text: str = "") -> Observation:
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("résultat"))
    if value is None and not text:
        raise ValidationError({"value": _("Indiquez une valeur ou un résultat.")})
    observation = _observation_store(actor=actor, pathway=pathway, code=code, label=label,
                                     value=value, unit=unit, effective_at=effective_at,
                                     text=text)
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("résultat"))
    return observation


@transaction.atomic
def encounter_record(*, actor: User, pathway: Pathway, kind: str, started_at: datetime,
                     ended_at: datetime | None = None, label: str = "") -> Encounter:
    """Record a consultation or a hospital stay; a discharge schedules its follow-up."""
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("rencontre"))
    if kind not in Encounter.Kind.values:
        raise ValidationError({"kind": _("Type de rencontre inconnu.")})
    if ended_at is not None and ended_at < started_at:
        raise ValidationError({"ended_at": _("La fin précède le début.")})
    encounter = Encounter.objects.create(pathway=pathway, kind=kind, started_at=started_at,
                                         ended_at=ended_at, label=label, recorded_by=actor)
    if kind == Encounter.Kind.INPATIENT and ended_at is not None and pathway.template_id:
        _add_conditional_tasks(pathway, ActivityCondition.AFTER_DISCHARGE,
                               timezone.localdate(ended_at))
    access_record(actor=actor, pathway=pathway, action=Action.CREATE, what=_("rencontre"))
    return encounter


# — Ruptures ————————————————————————————————————————————————————————————————————————————————


@dataclass(frozen=True)
class Rupture:
    kind: str
    subject: str
    detail: str
    task_id: int | None = None
    encounter_id: int | None = None


def pathway_ruptures(pathway: Pathway, today: date) -> list[Rupture]:
    """The ruptures of one pathway on a given day (pure reading; no rights, no log)."""
    return _ruptures_of([pathway], today)[pathway.pk]


def _ruptures_of(pathways: list[Pathway], today: date) -> dict[int, list[Rupture]]:
    """The ruptures of several pathways, read with a fixed number of queries for the batch."""
    from collections import defaultdict

    ids = [p.pk for p in pathways]
    found: dict[int, list[Rupture]] = {pk: [] for pk in ids}
    for task in (CareTask.objects.filter(pathway_id__in=ids, status=CareTask.Status.REQUESTED,
                                         due_by__lt=today).order_by("due_by", "title")):
        found[task.pathway_id].append(Rupture(
            Alert.Kind.OVERDUE, f"task:{task.pk}",
            _("%(t)s : attendu au plus tard le %(d)s")
            % {"t": task.title, "d": task.due_by.strftime("%d/%m/%Y")}, task_id=task.pk))
    planned: dict[int, set[int | None]] = defaultdict(set)
    for pathway_id, activity_id in (CareTask.objects.filter(pathway_id__in=ids)
                                    .values_list("pathway_id", "activity_id").distinct()):
        planned[pathway_id].add(activity_id)
    activities: dict[int, list[ActivityDefinition]] = {}
    for pathway in pathways:
        if pathway.template_id and planned.get(pathway.pk):
            if pathway.template_id not in activities:
                activities[pathway.template_id] = list(pathway.template.activities.all())
            for activity in activities[pathway.template_id]:
                if activity_applies(activity, pathway) and activity.pk not in planned[pathway.pk]:
                    found[pathway.pk].append(Rupture(
                        Alert.Kind.MISSING, f"activity:{activity.code}",
                        _("%(a)s n'est pas au plan") % {"a": activity.name}))
    stays: dict[int, list[Encounter]] = defaultdict(list)
    visits: dict[int, list[datetime]] = defaultdict(list)
    for encounter in (Encounter.objects.filter(
            pathway_id__in=ids, kind__in=(Encounter.Kind.INPATIENT, Encounter.Kind.EMERGENCY,
                                          *FOLLOW_UP_KINDS))
            .only("pk", "pathway_id", "kind", "started_at", "ended_at").order_by("-started_at")):
        if encounter.kind in FOLLOW_UP_KINDS:
            visits[encounter.pathway_id].append(encounter.started_at)
        elif encounter.ended_at is not None:
            stays[encounter.pathway_id].append(encounter)
    with_gp = set(CareTeamMember.objects.filter(pathway_id__in=ids, is_referring_doctor=True)
                  .values_list("pathway_id", flat=True))
    for pathway in pathways:
        delay = timedelta(days=pathway.template.discharge_follow_up_days
                          if pathway.template_id else 7)
        for stay in stays.get(pathway.pk, ()):
            discharged = timezone.localdate(stay.ended_at)
            deadline = discharged + delay
            if today <= deadline:
                continue
            seen = any(moment >= stay.ended_at and timezone.localdate(moment) <= deadline
                       for moment in visits.get(pathway.pk, ()))
            if not seen:
                found[pathway.pk].append(Rupture(
                    Alert.Kind.DISCHARGE, f"encounter:{stay.pk}",
                    _("Sortie le %(d)s sans consultation de suivi sous %(n)s jours")
                    % {"d": discharged.strftime("%d/%m/%Y"), "n": delay.days},
                    encounter_id=stay.pk))
        if pathway.pk not in with_gp:
            found[pathway.pk].append(Rupture(Alert.Kind.NO_REFERRING_DOCTOR, "team",
                                             _("Aucun médecin traitant dans l'équipe de soins")))
    return found


@dataclass(frozen=True)
class DetectionSummary:
    pathways: int
    raised: int
    closed: int


DETECTION_BATCH = 400


@transaction.atomic
def alerts_detect(*, today: date, pathways: list[Pathway] | None = None) -> DetectionSummary:
    """Raise an alert per new rupture and close those whose cause is gone (run daily).

    Suspended pathways (consent withdrawn) are not examined: no one may look at them.
    Pathways are read in batches, with a fixed number of queries per batch.
    """
    if pathways is None:
        pathways = list(Pathway.objects.filter(status=Pathway.Status.ACTIVE)
                        .select_related("template", "patient"))
    raised = closed = 0
    to_notify: dict[int, set[str]] = {}
    for first in range(0, len(pathways), DETECTION_BATCH):
        batch = pathways[first:first + DETECTION_BATCH]
        ruptures = _ruptures_of(batch, today)
        open_alerts: dict[int, list[Alert]] = {p.pk: [] for p in batch}
        for alert in Alert.objects.filter(pathway__in=batch, status=Alert.Status.OPEN):
            open_alerts[alert.pathway_id].append(alert)
        gone: list[int] = []
        new: list[tuple[Pathway, Rupture]] = []
        for pathway in batch:
            current = {r.subject + "|" + r.kind: r for r in ruptures[pathway.pk]}
            for alert in open_alerts[pathway.pk]:
                if current.pop(alert.subject + "|" + alert.kind, None) is None:
                    gone.append(alert.pk)
            new += [(pathway, r) for r in current.values()]
        if gone:
            closed += Alert.objects.filter(pk__in=gone).update(
                status=Alert.Status.RESOLVED, resolved_on=today,
                resolution=_("Levée automatiquement : la cause a disparu."))
        Alert.objects.bulk_create([Alert(
            pathway=pathway, kind=r.kind, subject=r.subject, task_id=r.task_id,
            encounter_id=r.encounter_id, detail=r.detail[:300], raised_on=today)
            for pathway, r in new])
        raised += len(new)
        owners = dict(CareTask.objects.filter(
            pk__in=[r.task_id for _p, r in new if r.task_id]).values_list("pk", "owner_id"))
        for pathway, rupture in new:
            for user_id in {pathway.coordinator_id, owners.get(rupture.task_id)} - {None}:
                to_notify.setdefault(user_id, set()).add(pathway.get_absolute_url())
    transaction.on_commit(lambda: _alerts_notify(to_notify))
    return DetectionSummary(len(pathways), raised, closed)


def _alerts_notify(to_notify: dict[int, set[str]]) -> None:
    """Tell the coordinator and the task owners that alerts wait, without any health data:
    the e-mail names no patient, no condition, no activity; only opaque links."""
    from django.core.mail import send_mail

    for user in User.objects.filter(pk__in=to_notify, is_active=True):
        links = sorted(to_notify[user.pk])
        send_mail(
            _("Maillage : alertes de rupture de parcours"),
            _("De nouvelles alertes de rupture concernent %(n)s parcours que vous suivez. "
              "Connectez-vous pour les voir :\n%(links)s")
            % {"n": len(links), "links": "\n".join(absolute_url(link) for link in links)},
            None, [user.email], fail_silently=True)


@transaction.atomic
def alert_resolve(*, actor: User, alert: Alert, resolution: str,
                  today: date | None = None) -> Alert:
    pathway = alert.pathway
    _require_on_pathway(actor, "coordination.record_pathway", pathway, _("alerte"))
    if alert.status != Alert.Status.OPEN:
        raise ValidationError(_("Cette alerte est déjà résolue."))
    if not resolution.strip():
        raise ValidationError({"resolution": _("Dites comment l'alerte a été résolue.")})
    alert.status = Alert.Status.RESOLVED
    alert.resolved_on = today or timezone.localdate()
    alert.resolved_by = actor
    alert.resolution = resolution.strip()[:500]
    alert.save()
    access_record(actor=actor, pathway=pathway, action=Action.UPDATE, what=_("alerte"))
    return alert


