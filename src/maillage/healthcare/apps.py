from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HealthcareConfig(AppConfig):
    name = "maillage.healthcare"
    verbose_name = _("Offre de soins")
