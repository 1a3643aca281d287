"""Background jobs of the matching app."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.jobs.registry import job_kind
from innobridge.matching import index, learning
from innobridge.programmes.models import Programme


@job_kind("matching.reindex", _("Rebuild the matching indexes"))
def reindex(arguments: dict, progress) -> dict:

    return {"documents": index.rebuild(progress)}


@job_kind("matching.ranker_train", _("Retrain the learned re-ranker"))
def ranker_train(arguments: dict, progress) -> dict:
    """One programme (``programme``: its slug), or every programme."""

    programmes = Programme.objects.order_by("pk")
    if arguments.get("programme"):
        programmes = programmes.filter(slug=arguments["programme"])
    trained, links = {}, []
    for programme in programmes:
        version = learning.ranker_train(programme=programme, progress=progress)
        trained[programme.slug] = {"version": version.version, "judgements": version.training_size}
        # The status page links each programme's ranker page, which shows the version in the reader's words.
        links.append({"url": reverse("matching:ranker_detail", args=[programme.slug]), "label": programme.name})
    return {"trained": trained, "links": links}
