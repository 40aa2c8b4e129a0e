from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "maillage.labs"
    verbose_name = _("Laboratoires et hackathons")
