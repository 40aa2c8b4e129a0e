from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InsightsConfig(AppConfig):
    name = "maillage.insights"
    verbose_name = _("Mesures de l'accès aux soins")
