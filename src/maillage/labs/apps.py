from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LabsConfig(AppConfig):
    name = "maillage.labs"
    verbose_name = _("Laboratoires et hackathons")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.labs import personal_data as ours

        personal_data.register("labs", ours.export, ours.erase)
