from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "maillage.participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.participation import personal_data as ours

        personal_data.register("participation", ours.export, ours.erase)
