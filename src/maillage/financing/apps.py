from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancingConfig(AppConfig):
    name = "maillage.financing"
    verbose_name = _("Financement des équipes de soins")

    def ready(self) -> None:
        # Registers the personal-data export and erasure hooks.
        from maillage.financing import services  # noqa: F401
