from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PipelineConfig(AppConfig):
    name = "innobridge.pipeline"
    verbose_name = _("Agreement pipeline and analytics")
    default_auto_field = "django.db.models.BigAutoField"
