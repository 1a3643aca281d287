from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from innobridge.jobs.registry import discover


class JobsConfig(AppConfig):
    name = "innobridge.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        discover()  # every app's jobs module registers its job kinds
