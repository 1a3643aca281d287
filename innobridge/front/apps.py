from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.front"
    label = "front"
    verbose_name = _("Front pages")
