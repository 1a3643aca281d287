"""Background jobs of the matching app."""

from django.utils.translation import gettext_lazy as _

from innobridge.jobs.registry import job_kind


@job_kind("matching.reindex", _("Rebuild the matching indexes"))
def reindex(arguments: dict, progress) -> dict:
    from innobridge.matching import index

    return {"documents": index.rebuild(progress)}
