from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # The receivers import the audit models, which exist only once the app registry is ready.
        from innobridge.audit import context, signals

        signals.connect()
        context.wrap_management_commands()
