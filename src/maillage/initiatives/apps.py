from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    name = "maillage.initiatives"
    verbose_name = _("Initiatives et témoignages")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.initiatives import personal_data as ours
        from maillage.initiatives import rules  # noqa: F401  (registers the permissions)

        personal_data.register("initiatives", ours.export, ours.erase)
