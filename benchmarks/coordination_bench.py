"""Benchmark of the care-cooperation app on a CPTS-sized cohort (issue 9, performance).

A scratch SQLite database (in a temporary folder; the project's database is not touched)
holds the communes of a région from the mirror (``territories/communes-centres/
communes_2026_pop_latlon.csv``), a cooperation with member organisations, services spread over
the région's communes and professionals, and ``--pathways`` patients (seeded
``random.Random(seed)``) on the three shared templates: a médecin traitant in 90 % of the
teams, a nurse in all, a plan instantiated from the template, a hospital stay for 10 %.

Measured (wall-clock seconds, best of ``--repeat`` for the reads):

1. ``care_plan_instantiate`` for every pathway (per pathway);
2. ``alerts_detect`` — the daily rupture detection — 45 days after the start (first run:
   alerts raised) and again the next day (nothing new); per pathway and SQL queries per
   pathway;
3. ``questionnaires_dispatch`` on the start day;
4. ``directory_search`` around a commune (30 km), without and with a word;
5. ``cohort`` of the coordinator (by pathway and commune), ``pathways_list`` (all of them,
   as the FHIR Patient search reads them; one access-log entry per pathway) and
   ``pathways_slice`` (the list page: 50, most at risk first, only those logged);
6. one pathway's FHIR export (``pathway_bundle``, R4B validation included).

The reference is the daily job's budget: the whole cohort's detection well under a minute.

Usage::

    PYTHONPATH=src .venv/bin/python benchmarks/coordination_bench.py [--mirror DIR]
        [--region 76] [--pathways 2000] [--services 2000] [--seed 0] [--repeat 3]

The last line is machine-readable: ``pathways=… instantiate_ms=… detect_s=…
detect_ms_per_pathway=… detect_queries_per_pathway=… rerun_s=… dispatch_s=… directory_ms=…
cohort_ms=… list_ms=… page_ms=… export_ms=…``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMUNES = "territories/communes-centres/communes_2026_pop_latlon.csv"
DETECT_BUDGET_S = 60.0


def say(msg: str) -> None:
    print(msg, flush=True)


def setup_django(folder: Path) -> None:
    os.environ["MAILLAGE_VAR_DIR"] = str(folder)
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.config.settings")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-not-for-production")
    # Notifications go to memory: the figures are the detection's, not the mail server's.
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def timed(call, repeat: int = 1) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = call()
        best = min(best, time.perf_counter() - start)
    return best, result


def load_communes(mirror: Path, region: str) -> list[str]:
    from maillage.territories.models import Commune, Departement, Region

    rows = [r for r in csv.DictReader((mirror / COMMUNES).open(encoding="utf-8"))
            if r["region"] == region and r["latitude"]]
    Region.objects.create(code=region, name=f"Région {region}")
    for dep in sorted({r["departement"] for r in rows}):
        Departement.objects.create(code=dep, name=f"Département {dep}", region_id=region)
    Commune.objects.bulk_create([Commune(
        code=r["code_insee"], name=r["nom"], search_name=r["nom"].lower(),
        departement_id=r["departement"], region_id=region, population=int(r["population"] or 0),
        latitude=float(r["latitude"]), longitude=float(r["longitude"])) for r in rows])
    return [r["code_insee"] for r in rows]


def build(args: argparse.Namespace, communes: list[str]) -> dict:
    from maillage.accounts.models import Organisation, Role, RoleAssignment, User
    from maillage.coordination import services
    from maillage.coordination.models import (
        CareTeamMember,
        Consent,
        Encounter,
        HealthcareService,
        NetworkMembership,
        NetworkProfessional,
        Pathway,
        PathwayTemplate,
        Patient,
        ServiceCategory,
    )

    rng = random.Random(args.seed)
    services.questionnaires_load()
    services.templates_load()
    templates = list(PathwayTemplate.objects.order_by("code"))
    cpts = Organisation.objects.create(name="CPTS du banc d'essai", kind="cpts")
    members = [Organisation.objects.create(name=f"MSP {i}", kind="msp",
                                           commune_id=rng.choice(communes)) for i in range(20)]
    NetworkMembership.objects.bulk_create([NetworkMembership(cooperation=cpts, member=m)
                                           for m in members])
    categories = [c for c, _label in ServiceCategory.choices]
    HealthcareService.objects.bulk_create([HealthcareService(
        organisation=rng.choice(members), name=f"Service {i} {rng.choice(categories)}",
        category=rng.choice(categories), commune_id=rng.choice(communes),
        description="Consultations, soins, orientation") for i in range(args.services)])

    def account(email: str) -> User:
        user = User(email=email, display_name=email.split("@")[0])
        user.set_unusable_password()
        return user

    coordinator = account("coord@bench.example")
    coordinator.save()
    RoleAssignment.objects.create(user=coordinator, role=Role.COORDINATOR, organisation=cpts)
    staff = User.objects.bulk_create([account(f"pro{i}@bench.example") for i in range(200)])
    RoleAssignment.objects.bulk_create([RoleAssignment(
        user=u, role=Role.HEALTH_PROFESSIONAL, organisation=members[i % 20])
        for i, u in enumerate(staff)])
    professions = ["generaliste", "infirmier"]
    NetworkProfessional.objects.bulk_create([NetworkProfessional(
        organisation=members[i % 20], user=u, name=str(u), profession=professions[i % 2])
        for i, u in enumerate(staff)])
    gps, nurses = staff[0::2], staff[1::2]

    start = date(2026, 1, 5)
    now = datetime(2026, 1, 5, 9, 0).astimezone()
    patient_users = User.objects.bulk_create([account(f"patient{i}@bench.example")
                                              for i in range(args.pathways)])
    patients = Patient.objects.bulk_create([Patient(
        user=patient_users[i], family_name=f"Patient{i}", given_name="X",
        commune_id=rng.choice(communes)) for i in range(args.pathways)])
    pathways = Pathway.objects.bulk_create([Pathway(
        patient=p, cooperation=cpts, template=templates[i % 3], coordinator=coordinator,
        start_date=start) for i, p in enumerate(patients)])
    Consent.objects.bulk_create([Consent(pathway=p, method="written", recorded_by=coordinator,
                                         recorded_at=now) for p in pathways])
    team = []
    for p in pathways:
        if rng.random() < 0.9:
            team.append(CareTeamMember(pathway=p, user=rng.choice(gps), profession="generaliste",
                                       is_referring_doctor=True, organisation=members[0]))
        team.append(CareTeamMember(pathway=p, user=rng.choice(nurses), profession="infirmier",
                                   organisation=members[1]))
    CareTeamMember.objects.bulk_create(team)
    stays = [p for p in pathways if rng.random() < 0.1]
    Encounter.objects.bulk_create([Encounter(
        pathway=p, kind="IMP", started_at=now + timedelta(days=10),
        ended_at=now + timedelta(days=14)) for p in stays])
    return {"coordinator": coordinator, "cpts": cpts, "start": start,
            "pathways": list(Pathway.objects.select_related("patient", "cooperation",
                                                            "template"))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mirror", default=os.environ.get("MAILLAGE_DATA_MIRROR")
                        or str(REPO.parent / "shared" / "data"))
    parser.add_argument("--region", default="76")
    parser.add_argument("--pathways", type=int, default=2000)
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    mirror = Path(args.mirror)
    if not (mirror / COMMUNES).exists():
        say(f"{mirror / COMMUNES} : fichier introuvable (--mirror)")
        return 2

    with tempfile.TemporaryDirectory(prefix="maillage-bench-") as folder:
        setup_django(Path(folder))
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        from maillage.coordination import fhir, selectors, services
        from maillage.territories.models import Commune

        t0 = time.perf_counter()
        communes = load_communes(mirror, args.region)
        data = build(args, communes)
        say(f"data: {len(communes)} communes, {args.services} services, "
            f"{len(data['pathways'])} pathways ({time.perf_counter() - t0:.1f} s)")
        coordinator, start = data["coordinator"], data["start"]

        t = time.perf_counter()
        tasks = 0
        for pathway in data["pathways"]:
            tasks += len(services.care_plan_instantiate(actor=coordinator, pathway=pathway))
        instantiate = time.perf_counter() - t
        n = len(data["pathways"])
        say(f"care_plan_instantiate: {instantiate:.2f} s for {n} pathways, "
            f"{1000 * instantiate / n:.2f} ms each, {tasks} tasks")

        with CaptureQueriesContext(connection) as queries:
            detect, summary = timed(lambda: services.alerts_detect(today=start
                                                                   + timedelta(days=45)))
        per_pathway = len(queries.captured_queries) / n
        say(f"alerts_detect (day 45): {detect:.2f} s, {1000 * detect / n:.2f} ms/pathway, "
            f"{per_pathway:.1f} queries/pathway; raised {summary.raised}, "
            f"closed {summary.closed}; budget {DETECT_BUDGET_S:.0f} s "
            f"({DETECT_BUDGET_S / detect:.0f}× margin)")
        rerun, again = timed(lambda: services.alerts_detect(today=start + timedelta(days=46)))
        say(f"alerts_detect (day 46, again): {rerun:.2f} s; raised {again.raised}, "
            f"closed {again.closed}")
        dispatch, sent = timed(lambda: services.questionnaires_dispatch(today=start))
        say(f"questionnaires_dispatch (day 0): {dispatch:.2f} s, {sent.sent} sent")

        near = Commune.objects.order_by("-population").first()
        directory, hits = timed(lambda: selectors.directory_search(near=near, radius_km=30),
                                args.repeat)
        worded, hits_w = timed(lambda: selectors.directory_search(
            query="soins", near=near, radius_km=30), args.repeat)
        say(f"directory_search near {near.name} (30 km): {1000 * directory:.0f} ms, "
            f"{len(hits)} hits; with a word: {1000 * worded:.0f} ms, {len(hits_w)} hits")
        cohort, rows = timed(lambda: selectors.cohort(actor=coordinator,
                                                      cooperation=data["cpts"]), args.repeat)
        say(f"cohort: {1000 * cohort:.0f} ms, {len(rows)} rows")
        listing, shown = timed(lambda: selectors.pathways_list(actor=coordinator), 1)
        say(f"pathways_list (logs each pathway shown): {1000 * listing:.0f} ms, "
            f"{len(shown)} pathways")
        paged, page = timed(lambda: selectors.pathways_slice(actor=coordinator, limit=50), 1)
        say(f"pathways_slice (the list page: 50, most at risk first, logs those shown): "
            f"{1000 * paged:.0f} ms, {len(page.rows)} of {page.total}")
        one = data["pathways"][0]
        export, bundle = timed(lambda: fhir.pathway_bundle(one), args.repeat)
        say(f"pathway_bundle (validated): {1000 * export:.0f} ms, "
            f"{len(bundle['entry'])} resources")
        say(f"pathways={n} instantiate_ms={1000 * instantiate / n:.2f} detect_s={detect:.2f} "
            f"detect_ms_per_pathway={1000 * detect / n:.2f} "
            f"detect_queries_per_pathway={per_pathway:.1f} rerun_s={rerun:.2f} "
            f"dispatch_s={dispatch:.2f} directory_ms={1000 * directory:.0f} "
            f"cohort_ms={1000 * cohort:.0f} list_ms={1000 * listing:.0f} "
            f"page_ms={1000 * paged:.0f} "
            f"export_ms={1000 * export:.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
