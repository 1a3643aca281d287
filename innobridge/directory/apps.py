from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.directory"
    label = "directory"
    verbose_name = _("Directory")

    def ready(self) -> None:
        from innobridge.directory import signals  # noqa: F401  (connects the name-key receivers)
