"""Technology offers and needs, the feedback on suggested pairs, and contact requests."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.lib.concurrency import VersionedModel
from innobridge.lib.limits import LONG_TEXT, MATCH_TEXT, MEDIUM_TEXT, SHORT_TEXT, LimitedTextField
from innobridge.lib.models import EnglishSummaryModel, TimeStampedModel, Visibility


def new_public_key(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


class Language(models.TextChoices):
    ZH_HANT = "zh-Hant", _("Traditional Chinese")
    ZH_HANS = "zh-Hans", _("Simplified Chinese")
    EN = "en", _("English")


class MatchableRecord(VersionedModel, EnglishSummaryModel, TimeStampedModel):
    """Fields shared by offers and needs: an owner, text in any script, sectors, visibility."""

    slug = models.SlugField(_("reference"), max_length=80, unique=True, editable=False)
    owner = models.ForeignKey(Organisation, verbose_name=_("owner organisation"), on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=300)
    title_en = models.CharField(
        _("title in English"),
        max_length=300,
        blank=True,
        help_text=_("For English readers, when the title is in Chinese."),
    )
    description = LimitedTextField(_("description"), limit=LONG_TEXT)
    language = models.CharField(_("language"), max_length=10, choices=Language.choices, blank=True)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC, db_index=True
    )
    search_key = models.TextField(_("search key"), blank=True, editable=False)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title


class TechnologyOffer(MatchableRecord):
    """A technology a park company, institute or enterprise offers for deployment elsewhere."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Direction(models.TextChoices):
        BRING_IN = "bring_in", _("bring in (to the partner region)")
        GO_OUT = "go_out", _("go out (to international markets)")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", pgettext_lazy("status", "published")
        EXPIRED = "expired", _("expired")

    class IPStatus(models.TextChoices):
        GRANTED = "granted", _("patent granted")
        PENDING = "pending", _("patent pending")
        KNOW_HOW = "know_how", _("know-how or trade secret")
        OPEN = "open", _("open source or public domain")
        LICENSED = "licensed", _("licensed from a third party")
        NONE = "none", _("no protection")

    summary = models.CharField(_("summary"), max_length=500, blank=True)
    trl = models.PositiveSmallIntegerField(
        _("maturity (TRL 1-9)"),
        null=True,
        blank=True,
        choices=[(i, str(i)) for i in range(1, 10)],
        help_text=_(
            "Technology readiness level: 1 basic principles, 4 lab validation, 7 pilot in the field, "
            "9 proven in operation."
        ),
    )
    ip_status = models.CharField(_("IP status"), max_length=20, choices=IPStatus.choices, blank=True)
    scenarios = LimitedTextField(_("application scenarios"), limit=MEDIUM_TEXT)
    target_places = models.ManyToManyField(
        Place, verbose_name=_("target places"), blank=True, related_name="targeted_by_offers"
    )
    # The agreements it led to (agreement.offers); the link table keeps its first name.
    agreements = models.ManyToManyField(
        "programmes.Agreement",
        verbose_name=_("agreements"),
        blank=True,
        related_name="offers",
        db_table="programmes_agreement_offers",
    )
    direction = models.CharField(_("direction"), max_length=20, choices=Direction.choices, default=Direction.BRING_IN)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    contact = models.ForeignKey(
        Person, verbose_name=_("contact person"), null=True, blank=True, on_delete=models.SET_NULL
    )
    anonymous = models.BooleanField(
        _("hide the owner in public"),
        default=False,
        help_text=_("Others see the offer without your organisation's name until you accept their contact request."),
    )

    class Meta:
        verbose_name = _("technology offer")
        verbose_name_plural = _("technology offers")
        ordering = ["-published_on", "-created"]
        # Covers the live-offer count and latest change that tell whether the index is current.
        indexes = [
            models.Index(fields=["status", "expires_on", "last_updated"], name="offer_live_idx"),
            # The newest change: whether the nightly batch still stands for the pages (selectors).
            models.Index(fields=["-last_updated"], name="offer_changed_idx"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("matching:offer_detail", kwargs={"slug": self.slug})

    def matching_text(self) -> str:
        return self.text_of(self.summary, self.description, self.scenarios)

    @staticmethod
    def text_of(summary: str, description: str, scenarios: str) -> str:
        """The text the matcher reads (also from rows read without the model, by match-batch)."""
        return "\n".join(p for p in (summary, description, scenarios) if p)[:MATCH_TEXT]


def BudgetField(verbose_name) -> models.DecimalField:  # noqa: N802 - a field factory
    """A whole amount, optional, never negative (the form says so; the table refuses it too)."""
    return models.DecimalField(
        verbose_name,
        max_digits=14,
        decimal_places=0,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=_("A budget cannot be negative."))],
    )


class TechnologyNeed(MatchableRecord):
    """A challenge an enterprise, government body or zone wants a technology for."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", pgettext_lazy("status", "published")
        CLOSED = "closed", _("closed")

    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="needs"
    )
    # The agreements it led to (agreement.needs); the link table keeps its first name.
    agreements = models.ManyToManyField(
        "programmes.Agreement",
        verbose_name=_("agreements"),
        blank=True,
        related_name="needs",
        db_table="programmes_agreement_needs",
    )
    budget_min = BudgetField(_("budget from"))
    budget_max = BudgetField(_("budget up to"))
    currency = models.CharField(
        _("currency"),
        max_length=3,
        default="CNY",
        choices=[("CNY", "CNY"), ("HKD", "HKD"), ("USD", "USD"), ("EUR", "EUR")],
    )
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)

    class Meta:
        verbose_name = _("technology need")
        verbose_name_plural = _("technology needs")
        ordering = ["-created"]
        indexes = [models.Index(fields=["-last_updated"], name="need_changed_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget_min__isnull=True)
                | models.Q(budget_max__isnull=True)
                | models.Q(budget_max__gte=models.F("budget_min")),
                name="need_budget_range",
            ),
            models.CheckConstraint(
                condition=(models.Q(budget_min__isnull=True) | models.Q(budget_min__gte=0))
                & (models.Q(budget_max__isnull=True) | models.Q(budget_max__gte=0)),
                name="need_budget_not_negative",
                violation_error_message=_("A budget cannot be negative."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("matching:need_detail", kwargs={"slug": self.slug})

    def matching_text(self) -> str:
        return self.text_of(self.description)

    @staticmethod
    def text_of(description: str) -> str:
        """The text the matcher reads (also from rows read without the model, by match-batch)."""
        return description[:MATCH_TEXT]


class MatchFeedback(models.Model):
    """A person's verdict on a suggested need-offer pair; a rejected pair is not suggested again."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Verdict(models.TextChoices):
        RELEVANT = "relevant", _("relevant")
        NOT_RELEVANT = "not_relevant", _("not relevant")

    class Reason(models.TextChoices):
        TOO_EARLY = "too_early", _("too early stage")
        WRONG_SECTOR = "wrong_sector", _("wrong sector")
        BENEFIT_UNCLEAR = "benefit_unclear", _("benefit unclear")
        ALREADY_SOLVED = "already_solved", _("already solved")
        PLACE_MISMATCH = "place_mismatch", _("place mismatch")
        OTHER = "other", _("other")

    class Side(models.TextChoices):
        NEED = "need", _("judged from the need")
        OFFER = "offer", _("judged from the offer")

    need = models.ForeignKey(TechnologyNeed, on_delete=models.CASCADE, related_name="feedback")
    offer = models.ForeignKey(TechnologyOffer, on_delete=models.CASCADE, related_name="feedback")
    side = models.CharField(_("side"), max_length=10, choices=Side.choices)
    verdict = models.CharField(_("verdict"), max_length=20, choices=Verdict.choices)
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank shown"), null=True, blank=True)
    score = models.FloatField(_("score shown"), null=True, blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("match feedback")
        verbose_name_plural = _("match feedback")
        constraints = [models.UniqueConstraint(fields=["need", "offer", "side"], name="feedback_once_per_side")]


class ContactRequest(TimeStampedModel):
    """Interest expressed by one organisation in another's offer or need, answered by the other side."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")

    slug = models.SlugField(_("reference"), max_length=80, unique=True, editable=False)
    requester = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contact_requests_sent",
        verbose_name=pgettext_lazy("contact request", "from"),
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="contact_requests_received",
        verbose_name=pgettext_lazy("contact request", "to"),
    )
    offer = models.ForeignKey(
        TechnologyOffer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("offer"),
    )
    need = models.ForeignKey(
        TechnologyNeed,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="contact_requests",
        verbose_name=_("need"),
    )
    message = LimitedTextField(_("message"), limit=SHORT_TEXT)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    answer = LimitedTextField(_("answer"), limit=SHORT_TEXT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("contact request")
        verbose_name_plural = _("contact requests")
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(offer__isnull=False) | models.Q(need__isnull=False),
                name="contact_request_has_subject",
            ),
            # One pending request per organisation and record, whatever the timing of the posts
            # (two constraints: NULLs are distinct in a unique index).
            models.UniqueConstraint(
                fields=["requester", "offer"],
                condition=models.Q(status="pending", offer__isnull=False),
                name="contact_request_one_pending_per_offer",
            ),
            models.UniqueConstraint(
                fields=["requester", "need"],
                condition=models.Q(status="pending", need__isnull=False),
                name="contact_request_one_pending_per_need",
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("matching:contact_request_detail", kwargs={"slug": self.slug})


class StoredVector(models.Model):
    """An embedding cached by (encoder, folded text) hash: recomputed only when the text changes."""

    key = models.CharField(max_length=64, unique=True)
    encoder = models.CharField(max_length=40)
    vector = models.BinaryField()

    class Meta:
        verbose_name = _("stored vector")
        verbose_name_plural = _("stored vectors")


class IndexVersion(models.Model):
    """A token renewed by every write that can change a matching index.

    Reading one row per request tells a worker process whether its in-memory index may be
    stale, without counting the offers table on every page view. The token is random, not a
    counter: a rolled-back write followed by another write must not repeat an old value.
    """

    name = models.CharField(max_length=40, primary_key=True)
    version = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("index version")
        verbose_name_plural = _("index versions")

    def __str__(self) -> str:
        return f"{self.name} {self.version}"


class RankerVersion(models.Model):
    """One trained version of a programme's learned re-ranker, kept so staff can pin or roll back.

    The active version of a programme is the pinned one if staff pinned one, else the newest
    version that is neither withdrawn nor inactive (too few judgements, or no better than the
    shipped ranking on held-back needs); without one, the shipped fusion weights decide alone.
    """

    programme = models.ForeignKey(
        "programmes.Programme",
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="ranker_versions",
    )
    version = models.PositiveIntegerField(_("version"))
    model = models.JSONField(_("model"), default=dict)
    training_size = models.PositiveIntegerField(_("judgements used"), default=0)
    metrics = models.JSONField(_("metrics"), default=dict, blank=True)
    usable = models.BooleanField(_("usable"), default=False)
    pinned = models.BooleanField(_("pinned"), default=False)
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("re-ranker version")
        verbose_name_plural = _("re-ranker versions")
        ordering = ["programme_id", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "version"], name="ranker_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.programme or '-'} v{self.version}"


class BatchSuggestion(models.Model):
    """A suggestion computed by the nightly batch (``innobridge match-batch``) for a published record.

    The batch scores every record against the whole index at once on Spark; pages read its rows
    instead of searching. ``index_version`` is the matching index version the batch read the
    records under and ``computed`` when it started: a record edited after that is not reflected,
    and its page asks the online engine instead. Records are named by their reference (slug), as
    in the index, so the batch writes plain rows without looking up primary keys.
    """

    class Kind(models.TextChoices):
        OFFERS_FOR_NEED = "offers_for_need", _("offers for a need")
        NEEDS_FOR_OFFER = "needs_for_offer", _("needs for an offer")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    record = models.SlugField(_("record"), max_length=80, db_index=False)
    suggested = models.SlugField(_("suggested record"), max_length=80, db_index=False)
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    contributions = models.JSONField(_("contributions"), default=dict)
    index_version = models.CharField(_("index version"), max_length=32)
    computed = models.DateTimeField(_("computed"))

    class Meta:
        verbose_name = _("batch suggestion")
        verbose_name_plural = _("batch suggestions")
        constraints = [models.UniqueConstraint(fields=["kind", "record", "rank"], name="batch_suggestion_rank")]

    def __str__(self) -> str:
        return f"{self.record} {self.rank}. {self.suggested}"
