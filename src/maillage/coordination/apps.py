from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoordinationConfig(AppConfig):
    name = "maillage.coordination"
    verbose_name = _("Coopération des soins")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.coordination import personal_data as ours

        personal_data.register("coordination", ours.export, ours.erase)
