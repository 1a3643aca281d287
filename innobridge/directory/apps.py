from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.directory"
    label = "directory"
    verbose_name = _("Directory")
