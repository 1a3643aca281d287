from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.programmes"
    label = "programmes"
    verbose_name = _("Programmes")
