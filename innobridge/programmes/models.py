"""Programmes and what happens in them: delegations, events and agreements."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.lib.concurrency import VersionedModel
from innobridge.lib.limits import LONG_TEXT, MEDIUM_TEXT, LimitedTextField
from innobridge.lib.models import (
    EnglishSummaryModel,
    SluggedModel,
    TimeStampedModel,
    TrilingualNameModel,
    Visibility,
)


class Programme(TrilingualNameModel, SluggedModel, TimeStampedModel):
    """A standing cooperation between a park operator and a partner region."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    operator = models.ForeignKey(
        Organisation, verbose_name=_("park operator"), on_delete=models.PROTECT, related_name="operated_programmes"
    )
    region = models.ForeignKey(
        Place, verbose_name=_("partner region"), on_delete=models.PROTECT, related_name="programmes"
    )
    partners = models.ManyToManyField(
        Organisation, verbose_name=_("partner organisations"), blank=True, related_name="partner_programmes"
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("focus sectors"), blank=True)
    started = models.DateField(_("started"), null=True, blank=True)
    description = LimitedTextField(_("description"), limit=LONG_TEXT)

    slug_prefix = "programme"

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["-started", "slug"]

    def get_absolute_url(self) -> str:
        return reverse("programmes:programme_detail", kwargs={"slug": self.slug})


class Delegation(TrilingualNameModel, EnglishSummaryModel, SluggedModel, TimeStampedModel):
    """A trip by a visiting side to a hosting side, across one or more cities."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="delegations"
    )
    visiting = models.ForeignKey(
        Organisation, verbose_name=_("visiting side"), on_delete=models.PROTECT, related_name="delegations_sent"
    )
    hosting = models.ForeignKey(
        Organisation, verbose_name=_("hosting side"), on_delete=models.PROTECT, related_name="delegations_hosted"
    )
    destination = models.ForeignKey(
        Place, verbose_name=_("destination"), on_delete=models.PROTECT, related_name="delegations"
    )
    start = models.DateField(_("from"))
    end = models.DateField(_("to"))
    dates_approximate = models.BooleanField(
        _("dates approximate"),
        default=False,
        help_text=_("Tick when the source gives only the month or says 'recently'."),
    )
    purpose = LimitedTextField(_("purpose"), limit=MEDIUM_TEXT)
    members = models.ManyToManyField(
        Organisation,
        verbose_name=_("member organisations"),
        blank=True,
        through="DelegationMember",
        related_name="delegations_joined",
    )
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)

    slug_prefix = "delegation"

    class Meta:
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(condition=models.Q(end__gte=models.F("start")), name="delegation_end_after_start"),
        ]

    def get_absolute_url(self) -> str:
        return reverse("programmes:delegation_detail", kwargs={"slug": self.slug})


class DelegationStop(models.Model):
    """One city of a delegation's itinerary, in travel order."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="stops", verbose_name=_("delegation")
    )
    place = models.ForeignKey(Place, on_delete=models.PROTECT, related_name="delegation_stops", verbose_name=_("city"))
    order = models.PositiveSmallIntegerField(_("order"))
    arrive = models.DateField(_("arrive"), null=True, blank=True)
    depart = models.DateField(_("depart"), null=True, blank=True)

    class Meta:
        verbose_name = _("itinerary stop")
        verbose_name_plural = _("itinerary stops")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["delegation", "order"], name="stop_order_unique")]


class DelegationLeader(models.Model):
    """A person leading a delegation, in the order the source names them."""

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="leaders", verbose_name=_("delegation")
    )
    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="delegations_led", verbose_name=_("person")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("delegation leader")
        verbose_name_plural = _("delegation leaders")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["delegation", "person"], name="leader_unique")]


class DelegationMember(models.Model):
    """An organisation travelling with a delegation (park companies, institutes, partners)."""

    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        ACCOMPANYING = "accompanying", _("accompanying partner")

    delegation = models.ForeignKey(Delegation, on_delete=models.CASCADE, verbose_name=_("delegation"))
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, verbose_name=_("organisation"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("delegation member")
        verbose_name_plural = _("delegation members")
        ordering = ["order"]
        constraints = [models.UniqueConstraint(fields=["delegation", "organisation"], name="member_unique")]


class Event(TrilingualNameModel, EnglishSummaryModel, SluggedModel, TimeStampedModel):
    """Something that happened at a place on a day: a meeting, a visit, a signing..."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Kind(models.TextChoices):
        MEETING = "meeting", _("official meeting")
        SITE_VISIT = "site_visit", _("site visit")
        SIGNING = "signing", _("signing ceremony")
        SEMINAR = "seminar", _("seminar")
        LAUNCH = "launch", _("launch")
        MATCHMAKING = "matchmaking", _("matchmaking session")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="events"
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    date = models.DateField(_("date"))
    date_approximate = models.BooleanField(_("date approximate"), default=False)
    place = models.ForeignKey(
        Place, verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    description = LimitedTextField(_("description"), limit=LONG_TEXT)
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)

    slug_prefix = "event"

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-date", "slug"]

    def get_absolute_url(self) -> str:
        return reverse("programmes:event_detail", kwargs={"slug": self.slug})


class EventParticipant(models.Model):
    """An organisation, and optionally the person for it, taking part in an event."""

    class Role(models.TextChoices):
        HOST = "host", _("host")
        GUEST = "guest", _("guest")
        PARTICIPANT = "participant", _("participant")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants", verbose_name=_("event"))
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="event_participations", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_participations",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTICIPANT)

    class Meta:
        verbose_name = _("event participant")
        verbose_name_plural = _("event participants")
        ordering = ["role", "pk"]


class Currency(models.TextChoices):
    CNY = "CNY", "CNY"
    HKD = "HKD", "HKD"
    USD = "USD", "USD"
    EUR = "EUR", "EUR"


class Agreement(VersionedModel, TrilingualNameModel, EnglishSummaryModel, SluggedModel, TimeStampedModel):
    """A signed (or planned) cooperation between parties, followed through to deployment."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Kind(models.TextChoices):
        COOPERATION = "cooperation", _("cooperation agreement")
        MOU = "mou", _("memorandum of understanding")
        FRAMEWORK = "framework", _("strategic framework agreement")
        LICENCE = "licence", _("technology licence")
        PILOT = "pilot", _("pilot project agreement")
        INVESTMENT = "investment", _("investment agreement")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SIGNED = "signed", _("signed")
        IN_EXECUTION = "in_execution", _("in execution")
        PILOT = "pilot", _("pilot")
        DEPLOYED = "deployed", _("deployed")
        SCALED = "scaled", _("scaled")
        LAPSED = "lapsed", _("lapsed")
        TERMINATED = "terminated", _("terminated")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SIGNED, db_index=True)
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="agreements"
    )
    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    signing_event = models.ForeignKey(
        Event,
        verbose_name=_("signing event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements",
    )
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    signed_on_approximate = models.BooleanField(_("signing date approximate"), default=False)
    signed_at = models.ForeignKey(
        Place, verbose_name=_("signed at"), null=True, blank=True, on_delete=models.PROTECT, related_name="agreements"
    )
    scope = LimitedTextField(_("scope"), limit=MEDIUM_TEXT)
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True, related_name="agreements")
    witnesses = models.ManyToManyField(
        Person, verbose_name=_("witnesses"), blank=True, related_name="agreements_witnessed"
    )
    visibility = models.CharField(_("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PUBLIC)
    value_amount = models.DecimalField(
        _("investment amount"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("The investment or contract value the agreement commits, if known."),
    )
    value_currency = models.CharField(_("currency"), max_length=3, choices=Currency.choices, blank=True)
    # The offers and needs it came from are agreement.offers / agreement.needs, declared on the offer
    # and the need (matching sits above programmes in the layer order and names Agreement, not back).

    slug_prefix = "agreement"

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")
        ordering = ["-signed_on", "slug"]
        indexes = [models.Index(fields=["signed_on"], name="agreement_signed_on")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(value_amount__isnull=True) | ~models.Q(value_currency=""),
                name="agreement_value_has_currency",
                violation_error_message=_("Give the currency of the amount."),
            ),
            models.CheckConstraint(
                condition=models.Q(value_amount__isnull=True) | models.Q(value_amount__gte=0),
                name="agreement_value_not_negative",
                violation_error_message=_("The amount cannot be negative."),
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("programmes:agreement_detail", kwargs={"slug": self.slug})


class AgreementParty(models.Model):
    """An organisation bound by an agreement, with its role in it."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Role(models.TextChoices):
        PARTY = "party", _("party")
        LEAD = "lead", _("lead party")
        TECHNOLOGY_PROVIDER = "provider", _("technology provider")
        HOST = "host", _("host or adopter")
        SUPPORTER = "supporter", _("supporting party")

    agreement = models.ForeignKey(
        Agreement, on_delete=models.CASCADE, related_name="parties", verbose_name=_("agreement")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="agreement_parties", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.PARTY)
    signatory = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="agreements_signed",
        verbose_name=_("signatory"),
    )

    class Meta:
        verbose_name = _("agreement party")
        verbose_name_plural = _("agreement parties")
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["agreement", "organisation"], name="party_unique")]

    def __str__(self) -> str:  # as the history pages name it
        return f"{self.organisation} ({self.get_role_display()})"
