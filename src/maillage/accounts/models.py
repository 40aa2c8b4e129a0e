"""People, organisations and the roles people hold in a territory or an organisation."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra: object) -> User:
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person, who logs in with an e-mail address."""

    username = None  # type: ignore[assignment]
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=120, blank=True)
    home_commune = models.ForeignKey(
        "territories.Commune", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name=_("commune de résidence"),
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")

    def __str__(self) -> str:
        return self.display_name or self.email


class Organisation(models.Model):
    class Kind(models.TextChoices):
        ARS = "ars", _("Agence régionale de santé")
        COLLECTIVITY = "collectivite", _("Collectivité (région, département, commune, EPCI)")
        CPTS = "cpts", _("CPTS")
        MSP = "msp", _("Maison de santé pluriprofessionnelle")
        HEALTH_CENTRE = "centre_sante", _("Centre de santé")
        HOSPITAL = "hopital", _("Établissement hospitalier")
        ASSOCIATION = "association", _("Association")
        SOCIAL_SERVICE = "service_social", _("Service social")
        OTHER = "autre", _("Autre")

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    region = models.ForeignKey(
        "territories.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    departement = models.ForeignKey(
        "territories.Departement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    CITIZEN = "citizen", _("Habitant·e / patient·e")
    VOLUNTEER = "volunteer", _("Bénévole")
    COORDINATOR = "coordinator", _("Coordinateur·rice d'association")
    HEALTH_PROFESSIONAL = "health_professional", _("Professionnel·le de santé")
    MODERATOR = "moderator", _("Modérateur·rice")
    ANALYST = "analyst", _("Analyste / décideur·euse")
    ADMINISTRATOR = "administrator", _("Administrateur·rice")


# Roles that see other people's personal or health-related data: they must use TOTP MFA.
PROFESSIONAL_ROLES = frozenset(
    {Role.COORDINATOR, Role.HEALTH_PROFESSIONAL, Role.MODERATOR, Role.ANALYST,
     Role.ADMINISTRATOR}
)


class TerritoryLevel(models.TextChoices):
    FRANCE = "france", _("France entière")
    REGION = "region", _("Région")
    DEPARTEMENT = "departement", _("Département")
    EPCI = "epci", _("EPCI")
    COMMUNE = "commune", _("Commune")


class RoleAssignment(models.Model):
    """A role held in a territory (a région, a département…) or in an organisation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(_("rôle"), max_length=30, choices=Role.choices)
    territory_level = models.CharField(
        _("niveau du territoire"), max_length=12, choices=TerritoryLevel.choices, blank=True
    )
    territory_code = models.CharField(_("code du territoire"), max_length=9, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="roles"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["user", "role"]
        verbose_name = _("rôle attribué")
        verbose_name_plural = _("rôles attribués")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "territory_level", "territory_code"],
                condition=Q(organisation__isnull=True),
                name="unique_territory_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=Q(organisation__isnull=False),
                name="unique_organisation_role",
            ),
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(territory_level=""),
                name="role_has_scope",
            ),
            models.CheckConstraint(
                condition=Q(territory_level__in=["", "france"], territory_code="")
                | (~Q(territory_level__in=["", "france"]) & ~Q(territory_code="")),
                name="role_territory_code_matches_level",
            ),
        ]

    def __str__(self) -> str:
        scope = self.organisation or f"{self.territory_level} {self.territory_code}".strip()
        return f"{self.user} — {self.get_role_display()} ({scope})"
