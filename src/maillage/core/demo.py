"""The demo territory and one account per role."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from maillage.accounts.models import Role, RoleAssignment, User
from maillage.core.discovery import import_if_present

DEMO_REGION = "76"  # Occitanie

# (e-mail, role, territory level, territory code, label)
DEMO_ACCOUNTS: list[tuple[str, str | None, str, str, str]] = [
    ("habitante@demo.maillage.fr", Role.CITIZEN, "commune", "48095",
     "habitante de Mende (Lozère)"),
    ("benevole@demo.maillage.fr", Role.VOLUNTEER, "departement", "48",
     "bénévole du transport solidaire (Lozère)"),
    ("coordinatrice@demo.maillage.fr", Role.COORDINATOR, "departement", "48",
     "coordinatrice d'association (Lozère)"),
    ("medecin@demo.maillage.fr", Role.HEALTH_PROFESSIONAL, "departement", "12",
     "médecin généraliste (Aveyron)"),
    ("moderateur@demo.maillage.fr", Role.MODERATOR, "region", "76", "modérateur (Occitanie)"),
    ("analyste@demo.maillage.fr", Role.ANALYST, "region", "76",
     "analyste ARS (Occitanie)"),
    ("admin@demo.maillage.fr", Role.ADMINISTRATOR, "region", "76",
     "administratrice (Occitanie, accès à l'administration)"),
]


@transaction.atomic
def demo_accounts_ensure(password: str) -> list[tuple[str, str]]:
    from allauth.account.models import EmailAddress

    created = []
    for email, role, level, code, label in DEMO_ACCOUNTS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=password)
        user.set_password(password)
        user.display_name = label.split(" (")[0].capitalize()
        user.is_staff = user.is_superuser = role == Role.ADMINISTRATOR
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role:
            RoleAssignment.objects.get_or_create(
                user=user, role=role, territory_level=level, territory_code=code,
                organisation=None,
            )
        created.append((email, label))
    return created


def demo_data_load(say: Callable[[str], object] = print) -> None:
    """France's communes (Occitanie with boundaries), its supply, DREES's APL, first runs.

    Every step is idempotent, so the demo command can be run again on the same database.
    """
    call_command("import_territories", no_boundaries=True, verbosity=0)
    say("Communes de France chargées (contours : Occitanie).")
    call_command("import_territories", region=DEMO_REGION)
    for kind in ("sirene", "sae"):
        call_command("import_supply", kind, verbosity=0)
    say("Offre de soins chargée (SIRENE 2019, substitut provisoire ; SAE 2022).")
    if settings.MAILLAGE_DATA_MIRROR:
        call_command("access", "import-reference", verbosity=0)
        say("APL de référence DREES 2022 chargée.")
    for profession in ("generaliste", "infirmier", "masseur_kinesitherapeute",
                       "chirurgien_dentiste"):
        call_command("access", "run", "--region", DEMO_REGION, "--profession", profession,
                     verbosity=0)
    say("Accessibilité calculée pour l'Occitanie (généralistes, infirmiers, "
        "kinésithérapeutes, dentistes).")


def demo_content_load(say: Callable[[str], object] = print) -> None:
    """Participation and care-coordination content (needs the demo accounts)."""
    from maillage.coordination.demo import coordination_demo_load

    call_command("participation_demo", verbosity=0)
    say("Participation : signalements et concertations de démonstration chargés.")
    coordination_demo_load(say)
    # Apps that build on the ones above each bring a `demo_load(say)` in their demo module.
    for module_name in ("maillage.planning.demo", "maillage.labs.demo",
                        "maillage.transport.demo",  # before initiatives, which lists it
                        "maillage.initiatives.demo", "maillage.mobilization.demo"):
        module = import_if_present(module_name)
        if module is not None:
            module.demo_load(say)
