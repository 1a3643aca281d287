"""Any write that can change what the matching indexes hold bumps the shared index version.

Covers saves and deletes of offers, needs, organisations, places and sectors and their sector and
place links. The version also keys the directory's cached result cards (names of organisations,
their places and sectors), which is why sector renames and organisations' places count too.
Bulk writes (``QuerySet.update``, ``bulk_create``) send no signals: code that
uses them calls ``services.index_version_bump`` itself; a periodic full check catches the rest.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from innobridge.directory.models import Organisation, Place, Sector
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.matching.services import index_version_bump


def _bump(**kwargs) -> None:

    if kwargs.get("raw"):  # fixtures being loaded: the index is built afresh anyway
        return
    if kwargs.get("action", "post_").startswith("pre_"):
        return
    # Inside the writer's transaction, so the new version is visible exactly when the write is.
    index_version_bump()


def connect() -> None:

    for model in (TechnologyOffer, TechnologyNeed, Organisation, Place, Sector):
        post_save.connect(_bump, sender=model, dispatch_uid=f"index-version-save-{model.__name__}")
        post_delete.connect(_bump, sender=model, dispatch_uid=f"index-version-delete-{model.__name__}")
    for through in (
        TechnologyOffer.sectors.through,
        TechnologyOffer.target_places.through,
        TechnologyNeed.sectors.through,
        Organisation.sectors.through,
        Organisation.places.through,
    ):
        m2m_changed.connect(_bump, sender=through, dispatch_uid=f"index-version-m2m-{through.__name__}")
