from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MobilizationConfig(AppConfig):
    name = "maillage.mobilization"
    verbose_name = _("Mobilisation citoyenne")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.mobilization import personal_data as ours

        personal_data.register("mobilization", ours.export, ours.erase)
