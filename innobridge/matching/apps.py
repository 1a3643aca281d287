from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.matching"
    label = "matching"
    verbose_name = _("Technology matching")

    def ready(self) -> None:
        from innobridge.matching import signals

        signals.connect()
