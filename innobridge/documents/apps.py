from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.documents"
    label = "documents"
    verbose_name = _("Documents")
