from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TransportConfig(AppConfig):
    name = "maillage.transport"
    verbose_name = _("Transport solidaire")

    def ready(self) -> None:
        from maillage.accounts import personal_data
        from maillage.transport import personal_data as ours
        from maillage.transport import rules  # noqa: F401  (registers the permissions)

        personal_data.register("transport", ours.export, ours.erase)
