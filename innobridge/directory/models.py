"""The directory: who and where. Organisations, people, sectors and places."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from innobridge.lib.concurrency import VersionedModel
from innobridge.lib.limits import LONG_TEXT, MEDIUM_TEXT, LimitedTextField
from innobridge.lib.models import SluggedModel, TimeStampedModel, TrilingualNameModel, pick_language


class Sector(TrilingualNameModel, SluggedModel):
    """A technology sector of the programme's taxonomy; staff may add more."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent sector"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    position = models.PositiveSmallIntegerField(_("display order"), default=100)

    slug_prefix = "sector"

    class Meta:
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")
        ordering = ["position", "slug"]

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation_list") + f"?sector={self.slug}"


class Place(TrilingualNameModel, SluggedModel, TimeStampedModel):
    """A node of the place hierarchy: country > province > city > district > zone > site."""

    romanise_in_english = True

    class Kind(models.TextChoices):
        COUNTRY = "country", _("country or region")
        PROVINCE = "province", _("province or special administrative region")
        CITY = "city", _("city")
        DISTRICT = "district", _("district")
        ZONE = "zone", _("zone or industrial park")
        SITE = "site", _("site")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("part of"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    description = LimitedTextField(_("description"), limit=MEDIUM_TEXT)

    slug_prefix = "place"

    class Meta:
        verbose_name = _("place")
        verbose_name_plural = _("places")
        ordering = ["slug"]

    def get_absolute_url(self) -> str:
        return reverse("directory:place_detail", kwargs={"slug": self.slug})

    def ancestors(self) -> list[Place]:
        """From the root down to the parent; guards against accidental cycles."""
        chain: list[Place] = []
        node, seen = self.parent, {self.pk}
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return list(reversed(chain))


class Organisation(VersionedModel, TrilingualNameModel, SluggedModel, TimeStampedModel):
    """Any party of the programme: the park operator, its companies, governments, enterprises..."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    romanise_in_english = True

    class Kind(models.TextChoices):
        PARK_OPERATOR = "park_operator", _("science-park operator")
        PARK_COMPANY = "park_company", _("park company")
        RESEARCH_INSTITUTE = "research_institute", _("research institute")
        UNIVERSITY = "university", _("university")
        ENTERPRISE = "enterprise", _("enterprise")
        GOVERNMENT = "government", _("government body")
        INDUSTRIAL_ZONE = "industrial_zone", _("industrial zone or park")
        ALLIANCE = "alliance", _("alliance or community")
        HOLDING = "holding", _("holding or liaison company")
        MEDIA = "media", _("media or PR agency")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="organisations")
    places = models.ManyToManyField(Place, verbose_name=_("places"), blank=True, related_name="organisations")
    website = models.URLField(_("website"), blank=True)
    description = LimitedTextField(_("description"), limit=LONG_TEXT)
    founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)

    slug_prefix = "org"

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["slug"]

    def get_absolute_url(self) -> str:
        return reverse("directory:organisation_detail", kwargs={"slug": self.slug})

    def search_terms(self) -> list[str]:
        terms = super().search_terms()
        if self.pk:
            terms += [a.text for a in self.aliases.all()]
        return terms


class Alias(models.Model):
    """Another name an organisation goes by: a short form (科技園公司), an acronym, a former name."""

    class Kind(models.TextChoices):
        SHORT = "short", _("short form")
        ACRONYM = "acronym", _("acronym")
        FORMER = "former", _("former name")
        OTHER = "other", _("other name")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("organisation")
    )
    text = models.CharField(_("alias"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SHORT)

    class Meta:
        verbose_name = _("alias")
        verbose_name_plural = _("aliases")
        constraints = [models.UniqueConstraint(fields=["organisation", "text"], name="alias_unique_per_org")]
        ordering = ["text"]

    def __str__(self) -> str:
        return self.text


def new_alias_reference() -> str:
    return f"alias-{secrets.token_hex(5)}"


class PendingAlias(models.Model):
    """An alias a member asked for that is also a name or alias of another organisation.

    Kept apart from ``Alias`` on purpose: name resolution and search read ``Alias`` only, so a
    name claimed from someone else (squatting "HKSTP") does nothing until staff approve it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        REJECTED = "rejected", _("rejected")

    reference = models.SlugField(_("reference"), max_length=40, unique=True, default=new_alias_reference)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pending_aliases", verbose_name=_("organisation")
    )
    text = models.CharField(_("alias"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=Alias.Kind.choices, default=Alias.Kind.SHORT)
    claims = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation that already goes by this name"),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("asked by")
    )
    requested_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("alias awaiting review")
        verbose_name_plural = _("aliases awaiting review")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "text"],
                condition=models.Q(status="pending"),
                name="pending_alias_once_per_org",
            )
        ]
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return self.text


class KeyFigure(models.Model):
    """A headline number an organisation states about itself, e.g. companies supported."""

    class Kind(models.TextChoices):
        COMPANIES = "companies", _("companies supported")
        RESEARCHERS = "researchers", _("researchers")
        UNICORNS = "unicorns", _("unicorns supported")
        EMPLOYEES = "employees", _("employees")
        PATENTS = "patents", _("patents")
        AREA = "area_m2", _("floor area (m²)")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="key_figures", verbose_name=_("organisation")
    )
    kind = models.CharField(_("figure"), max_length=20, choices=Kind.choices)
    value = models.PositiveBigIntegerField(_("value"))
    at_least = models.BooleanField(
        _("stated as a minimum"), default=False, help_text=_("Tick when the source says 'over' or 'more than'.")
    )
    as_of = models.DateField(_("as of"), null=True, blank=True)

    class Meta:
        verbose_name = _("key figure")
        verbose_name_plural = _("key figures")
        ordering = ["kind"]
        constraints = [models.UniqueConstraint(fields=["organisation", "kind"], name="key_figure_unique_kind")]


class Person(VersionedModel, TrilingualNameModel, SluggedModel, TimeStampedModel):
    """Someone who acts for an organisation. Contact details are personal data: staff only."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    romanise_in_english = romanise_as_person = True

    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=80, blank=True)
    notes = LimitedTextField(_("notes"), limit=MEDIUM_TEXT)

    slug_prefix = "person"

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["slug"]

    def get_absolute_url(self) -> str:
        return reverse("directory:person_detail", kwargs={"slug": self.slug})

    def current_positions(self):
        return [p for p in self.positions.all() if p.end is None]


class Position(models.Model):
    """A person's title at an organisation over a period; open-ended while current."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="positions", verbose_name=_("organisation")
    )
    title_zh_hant = models.CharField(_("title (Traditional Chinese)"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title (Simplified Chinese)"), max_length=200, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    start = models.DateField(_("from"), null=True, blank=True)
    end = models.DateField(_("to"), null=True, blank=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["-start", "pk"]

    @property
    def title(self) -> str:
        return pick_language(self.title_zh_hant, self.title_zh_hans, self.title_en, get_language())

    def __str__(self) -> str:
        return f"{self.person} – {self.title} ({self.organisation})"


class NameKey(models.Model):
    """A folded name or alias of an organisation, person or place, indexed for exact look-ups.

    Name resolution (document ingestion, meeting-request import) asks "which record is called
    this?" in any script; with one row per folded name the answer is an index look-up instead of
    a scan of the table. Kept current by signals (``directory.signals``), whoever saves the record.
    """

    class Source(models.TextChoices):
        NAME = "name", _("name")
        ALIAS = "alias", _("alias")
        SHORT = "short", _("short form")

    model = models.CharField(_("kind of record"), max_length=20)
    object_id = models.PositiveBigIntegerField()
    key = models.CharField(_("folded name"), max_length=300)
    source = models.CharField(_("from"), max_length=10, choices=Source.choices, default=Source.NAME)

    class Meta:
        verbose_name = _("name key")
        verbose_name_plural = _("name keys")
        indexes = [models.Index(fields=["model", "key"]), models.Index(fields=["model", "object_id"])]
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id", "key", "source"], name="name_key_unique"),
        ]


class Membership(models.Model):
    """Links a partner user to the organisation whose records they manage (``user.membership``).

    It belongs to the directory, which knows organisations; the accounts app, below it, reads it only
    through the user. The table keeps its first name (``accounts_membership``).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership", verbose_name=_("user")
    )

    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        MEMBER = "member", _("member")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(
        _("role"),
        max_length=10,
        choices=Role.choices,
        default=Role.MEMBER,
        help_text=_("Administrators invite colleagues and manage who belongs to the organisation."),
    )

    class Meta:
        db_table = "accounts_membership"
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation}"


class MembershipRequest(models.Model):
    """A signed-up user asks to act for an organisation: one in the directory (a claim) or a new one they
    propose. Staff approve or refuse it; a user has at most one request waiting (a database constraint)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for staff")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("user"),
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="membership_requests",
        verbose_name=_("organisation"),
        help_text=_("Empty when the user proposes a new organisation."),
    )
    proposed_name = models.CharField(_("proposed organisation"), max_length=200, blank=True)
    proposed_kind = models.CharField(_("kind"), max_length=30, choices=Organisation.Kind.choices, blank=True)
    proposed_website = models.URLField(_("website"), blank=True)
    role_in_organisation = models.CharField(_("your position there"), max_length=200, blank=True)
    message = models.TextField(_("message to staff"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided = models.DateTimeField(_("decided"), null=True, blank=True)
    note = models.TextField(_("note to the user"), max_length=2000, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(status="pending"), name="one_pending_membership_request"
            ),
            models.CheckConstraint(
                condition=models.Q(organisation__isnull=False) | ~models.Q(proposed_name=""),
                name="membership_request_names_an_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.organisation or self.proposed_name}"

    @property
    def organisation_name(self) -> str:
        return str(self.organisation) if self.organisation_id else self.proposed_name


class Invitation(models.Model):
    """An invitation to join an organisation, sent by staff or by one of its administrators to an e-mail
    address. Only a hash of the link's secret is stored; the link works once, until ``expires``."""

    reference = models.CharField(_("reference"), max_length=40, unique=True, editable=False)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("e-mail address"), max_length=150)
    role = models.CharField(_("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    secret_hash = models.CharField(_("secret hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("invited by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires = models.DateTimeField(_("expires"))
    accepted = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("accepted by"),
    )

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created", "-pk"]

    def __str__(self) -> str:
        return f"{self.email} → {self.organisation}"
