from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "innobridge.matching"
    label = "matching"
    verbose_name = _("Technology matching")

    def ready(self) -> None:
        # Signal handlers and the index version need the models: imported once the apps are loaded.
        from innobridge.lib import keysearch
        from innobridge.matching import index, signals

        signals.connect()
        keysearch.set_version_source(index.current_version)
        autodiscover_modules("judgements")  # other apps' judgement sources (learning.judgement_source)
