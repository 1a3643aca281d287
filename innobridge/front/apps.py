from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from innobridge.lib.pages import discover


class Config(AppConfig):
    name = "innobridge.front"
    label = "front"
    verbose_name = _("Front pages")

    def ready(self) -> None:
        discover()  # every app's page providers (innobridge.lib.pages), now that all apps are loaded
