"""B2B matchmaking sessions, the meeting requests between organisations, their schedule, and travel legs."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Greatest, Least
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from innobridge.directory.models import Organisation, Place
from innobridge.lib.concurrency import VersionedModel
from innobridge.lib.limits import SHORT_TEXT, LimitedTextField
from innobridge.lib.models import SluggedModel, TimeStampedModel, TrilingualNameModel, Visibility
from innobridge.programmes.models import Agreement, Delegation, Event


def new_reference(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(5)}"


def new_leg_reference() -> str:
    """Travel-leg addresses carry this random reference, never the row id."""
    return new_reference("leg")


class TimeZone(models.TextChoices):
    """Both are UTC+8 all year; the name tells calendar programs which region the session is in."""

    HONG_KONG = "Asia/Hong_Kong", _("Hong Kong time (UTC+8)")
    SHANGHAI = "Asia/Shanghai", _("China Standard Time (UTC+8)")


class MatchmakingSession(VersionedModel, TrilingualNameModel, SluggedModel, TimeStampedModel):
    """A B2B session in one city on one day: time slots, tables, and the organisations who meet there."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for requests")
        SCHEDULED = "scheduled", _("scheduled")
        PUBLISHED = "published", pgettext_lazy("schedule", "published")

    class Registration(models.TextChoices):
        CLOSED = "closed", _("staff add participants")
        APPROVAL = "approval", _("organisations register, staff approve")
        OPEN = "open", _("organisations register, no approval")

    class WhoMeets(models.TextChoices):
        ANYONE = "anyone", _("anyone may meet anyone")
        ACROSS = "across", _("visitors meet locals only")

    delegation = models.ForeignKey(
        Delegation,
        verbose_name=_("delegation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matchmaking_sessions",
    )
    event = models.ForeignKey(
        Event,
        verbose_name=_("event"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="matchmaking_sessions",
    )
    place = models.ForeignKey(
        Place, verbose_name=_("city"), on_delete=models.PROTECT, related_name="matchmaking_sessions"
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("start time"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("minutes per slot"), default=20, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    slots = models.PositiveSmallIntegerField(
        _("number of slots"), default=12, validators=[MinValueValidator(1), MaxValueValidator(96)]
    )
    morning_slots = models.PositiveSmallIntegerField(
        _("morning slots"),
        default=6,
        help_text=_("Slots 1 to this number are the morning; the rest are the afternoon."),
    )
    lunch_minutes = models.PositiveSmallIntegerField(
        _("lunch break (minutes)"),
        default=0,
        help_text=_("Time between the last morning slot and the first afternoon slot."),
    )
    tables = models.PositiveSmallIntegerField(
        _("tables"), default=10, validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    fairness = models.PositiveSmallIntegerField(
        _("fairness bound"),
        null=True,
        blank=True,
        default=2,
        help_text=_("Largest difference in breaks between two participants; empty for no bound."),
    )
    request_expiry_hours = models.PositiveSmallIntegerField(
        _("pending requests expire after (hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_("An unanswered request lapses after this many hours and frees both sides' slots; empty: never."),
    )
    time_zone = models.CharField(_("time zone"), max_length=40, choices=TimeZone.choices, default=TimeZone.HONG_KONG)
    registration = models.CharField(
        _("registration"), max_length=20, choices=Registration.choices, default=Registration.CLOSED
    )
    visitor_quota = models.PositiveSmallIntegerField(
        _("requests per visiting organisation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(96)],
        help_text=_("Most meeting requests a visiting organisation may send; empty: as many as its free slots."),
    )
    local_quota = models.PositiveSmallIntegerField(
        _("requests per local organisation"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(96)],
        help_text=_("Most meeting requests a local organisation may send; empty: as many as its free slots."),
    )
    who_meets = models.CharField(
        _("who may meet whom"), max_length=20, choices=WhoMeets.choices, default=WhoMeets.ANYONE
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    unpublished_changes = models.BooleanField(
        _("unpublished changes"),
        default=False,
        help_text=_("Staff changed the schedule since it was published; participants still read the published one."),
    )
    visibility = models.CharField(
        _("visibility"), max_length=20, choices=Visibility.choices, default=Visibility.PARTNERS
    )
    organisations = models.ManyToManyField(
        Organisation,
        verbose_name=_("participants"),
        through="SessionParticipant",
        related_name="matchmaking_sessions",
        blank=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    slug_prefix = "session"

    class Meta:
        verbose_name = _("matchmaking session")
        verbose_name_plural = _("matchmaking sessions")
        ordering = ["-date", "start_time", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(morning_slots__lte=models.F("slots")), name="session_morning_within_slots"
            ),
        ]

    def get_absolute_url(self) -> str:
        return reverse("meetings:session_detail", kwargs={"slug": self.slug})


class Group(models.TextChoices):
    """Which side of a session an organisation is on: the visiting delegation, or the host region."""

    UNSET = "", _("not set")
    VISITOR = "visitor", _("visitor")
    LOCAL = "local", _("local")


class SessionParticipant(models.Model):
    """An organisation taking part in a session, with the slots it cannot meet in."""

    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="participants", verbose_name=_("session")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="session_participations", verbose_name=_("organisation")
    )
    unavailable_slots = models.JSONField(
        _("unavailable slots"), default=list, blank=True, help_text=_("1-based slot numbers.")
    )
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, blank=True, default="")
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("session participant")
        verbose_name_plural = _("session participants")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "organisation"], name="session_participant_unique"),
        ]


class SessionRegistration(TimeStampedModel):
    """An organisation asks to take part in a session; approved, it becomes a participant."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting approval")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    reference = models.SlugField(_("reference"), max_length=40, unique=True, editable=False)
    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("session")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="session_registrations", verbose_name=_("organisation")
    )
    group = models.CharField(_("group"), max_length=10, choices=Group.choices, blank=True, default="")
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("decision note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("session registration")
        verbose_name_plural = _("session registrations")
        ordering = ["created", "pk"]
        constraints = [
            # One registration waiting or approved per organisation and session.
            models.UniqueConstraint(
                fields=["session", "organisation"],
                condition=models.Q(status__in=["pending", "approved"]),
                name="session_registration_one_active",
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = new_reference("reg")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.organisation} @ {self.session}"


class MeetingRequest(TimeStampedModel):
    """One organisation asks to meet another in a session; only accepted requests are scheduled."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting answer")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired unanswered")

    class Source(models.TextChoices):
        SUGGESTION = "suggestion", _("matching suggestion")
        PARTICIPANT = "participant", _("participant")
        IMPORT = "import", _("import")
        STAFF = "staff", _("staff")

    class Preference(models.TextChoices):
        MORNING = "morning", _("morning")
        AFTERNOON = "afternoon", _("afternoon")
        ANY = "any", _("any time")

    slug = models.SlugField(_("reference"), max_length=80, unique=True, editable=False)
    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="requests", verbose_name=_("session")
    )
    requester = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_requests_sent", verbose_name=_("requester")
    )
    requested = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="meeting_requests_received",
        verbose_name=_("requested organisation"),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        default=2,
        choices=[(1, _("1 (low)")), (2, _("2 (normal)")), (3, _("3 (high)"))],
        validators=[MinValueValidator(1), MaxValueValidator(3)],
    )
    preference = models.CharField(
        _("session preference"), max_length=20, choices=Preference.choices, default=Preference.ANY
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    source = models.CharField(_("source"), max_length=20, choices=Source.choices, default=Source.PARTICIPANT)
    offer = models.ForeignKey(
        "matching.TechnologyOffer",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_requests",
        verbose_name=_("offer"),
    )
    need = models.ForeignKey(
        "matching.TechnologyNeed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meeting_requests",
        verbose_name=_("need"),
    )
    fixed_slot = models.PositiveSmallIntegerField(_("fixed slot"), null=True, blank=True)
    after = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="before_these",
        verbose_name=_("after"),
        help_text=_("Requests that must take place before this one."),
    )
    note = LimitedTextField(_("note"), limit=SHORT_TEXT)
    answer = LimitedTextField(_("answer"), limit=SHORT_TEXT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("meeting request")
        verbose_name_plural = _("meeting requests")
        ordering = ["created", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(requester=models.F("requested")), name="meeting_request_two_sides"
            ),
            models.CheckConstraint(
                condition=models.Q(priority__gte=1, priority__lte=3), name="meeting_request_priority_range"
            ),
            # One open or accepted request per pair and session, whichever side asked.
            models.UniqueConstraint(
                Least("requester", "requested"),
                Greatest("requester", "requested"),
                "session",
                condition=models.Q(status__in=["pending", "accepted"]),
                name="meeting_request_one_active_per_pair",
            ),
        ]

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = new_reference("mr")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.requester} → {self.requested}"

    def get_absolute_url(self) -> str:
        return reverse("meetings:request_detail", kwargs={"slug": self.slug})


class MeetingPreference(models.Model):
    """A participant's wish about meeting another participant of the same session.

    The scheduler never places a meeting between two organisations when either does not want to
    meet the other, and places must-meet pairs before any other request.
    """

    class Kind(models.TextChoices):
        MUST = "must", _("must meet")
        WOULD_LIKE = "would_like", _("would like to meet")
        DO_NOT = "do_not", _("do not want to meet")

    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="preferences", verbose_name=_("session")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_preferences", verbose_name=_("organisation")
    )
    other = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="meeting_preferences_about", verbose_name=_("about")
    )
    kind = models.CharField(_("preference"), max_length=20, choices=Kind.choices)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("meeting preference")
        verbose_name_plural = _("meeting preferences")
        ordering = ["session", "organisation", "other"]
        constraints = [
            models.UniqueConstraint(fields=["session", "organisation", "other"], name="meeting_preference_once"),
            models.CheckConstraint(condition=~models.Q(organisation=models.F("other")), name="meeting_preference_two"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} → {self.other}: {self.get_kind_display()}"


class ScheduleRun(models.Model):
    """One run of the scheduler on a session: what it found, how good, how long, and why not all fit."""

    class Status(models.TextChoices):
        OPTIMAL = "optimal", _("optimal")
        FEASIBLE = "feasible", _("feasible (within the stated gap)")
        INFEASIBLE = "infeasible", _("infeasible")
        UNKNOWN = "unknown", _("no schedule found in the time limit")

    class Kind(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        RESCHEDULE = "reschedule", _("reschedule (few moves)")

    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="runs", verbose_name=_("session")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SCHEDULE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    requests = models.PositiveIntegerField(_("accepted requests"), default=0)
    scheduled = models.PositiveIntegerField(_("scheduled"), default=0)
    breaks = models.PositiveIntegerField(_("breaks"), null=True, blank=True)
    bound = models.FloatField(_("bound on breaks"), null=True, blank=True)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    seconds = models.FloatField(_("seconds"), default=0)
    moved = models.PositiveIntegerField(_("meetings moved"), default=0)
    time_limit = models.FloatField(_("time limit (seconds)"), default=0)
    greedy_breaks = models.PositiveIntegerField(_("first-come breaks"), null=True, blank=True)
    greedy_scheduled = models.PositiveIntegerField(_("first-come placed"), null=True, blank=True)
    explanation = models.JSONField(_("explanation"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        ordering = ["-created", "-pk"]
        get_latest_by = ["created", "pk"]


class Meeting(models.Model):
    """A scheduled meeting: an accepted request placed in a slot at a table, and what came of it."""

    audited = True  # every change is kept in the audit trail (innobridge.audit)

    class Outcome(models.TextChoices):
        NOT_RECORDED = "", _("not recorded")
        FOLLOW_UP = "follow_up", _("follow-up agreed")
        AGREEMENT = "agreement", _("agreement in preparation")
        NO_FOLLOW_UP = "no_follow_up", _("no fit")

    class Attendance(models.TextChoices):
        NOT_RECORDED = "", _("not recorded")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")
        MOVED = "moved", _("moved to another time")

    request = models.OneToOneField(
        MeetingRequest, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("request")
    )
    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("session")
    )
    run = models.ForeignKey(
        ScheduleRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings", verbose_name=_("run")
    )
    slot = models.PositiveSmallIntegerField(_("slot"), validators=[MinValueValidator(1)])
    table = models.PositiveSmallIntegerField(_("table"), validators=[MinValueValidator(1)])
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices, blank=True, default="")
    outcome_note = models.CharField(_("outcome note"), max_length=500, blank=True)
    attendance = models.CharField(_("attendance"), max_length=10, choices=Attendance.choices, blank=True, default="")
    agreement = models.ForeignKey(
        Agreement,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_meetings",
        verbose_name=_("agreement in preparation"),
    )

    class Meta:
        verbose_name = _("meeting")
        verbose_name_plural = _("meetings")
        ordering = ["slot", "table"]
        constraints = [
            models.UniqueConstraint(fields=["session", "slot", "table"], name="meeting_table_once_per_slot"),
        ]


class MeetingRepresentative(models.Model):
    """A person who represents one side at a meeting; an organisation may send several.

    Kept on the request, not the slot, so a new schedule keeps who goes.
    """

    request = models.ForeignKey(
        MeetingRequest, on_delete=models.CASCADE, related_name="representatives", verbose_name=_("request")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["organisation", "user__last_name", "user__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["request", "user"], name="meeting_representative_once"),
        ]


class SchedulePublication(models.Model):
    """What participants were told: the schedule as it stood when staff published it.

    ``entries`` is a list of ``[request id, slot, table]``; comparing the live schedule with the last
    publication gives the moved, added and dropped meetings, and whom a new publication concerns.
    """

    session = models.ForeignKey(
        MatchmakingSession, on_delete=models.CASCADE, related_name="publications", verbose_name=_("session")
    )
    number = models.PositiveIntegerField(_("version"))
    entries = models.JSONField(_("meetings"), default=list)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        verbose_name = _("published schedule")
        verbose_name_plural = _("published schedules")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="schedule_publication_number_once"),
        ]


class TravelLeg(VersionedModel):
    """A delegation's journey between two cities, with its departure and duration."""

    class Mode(models.TextChoices):
        TRAIN = "train", _("high-speed train")
        CAR = "car", _("car or coach")
        PLANE = "plane", _("flight")
        FERRY = "ferry", _("ferry")
        OTHER = "other", _("other")

    delegation = models.ForeignKey(
        Delegation, on_delete=models.CASCADE, related_name="travel_legs", verbose_name=_("delegation")
    )
    reference = models.SlugField(_("reference"), max_length=20, unique=True, editable=False, default=new_leg_reference)
    from_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="travel_legs_from", verbose_name=pgettext_lazy("travel", "from")
    )
    to_place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="travel_legs_to", verbose_name=pgettext_lazy("travel", "to")
    )
    depart = models.DateTimeField(_("departure"))
    minutes = models.PositiveIntegerField(_("travel time (minutes)"), validators=[MinValueValidator(1)])
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, default=Mode.TRAIN)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("travel leg")
        verbose_name_plural = _("travel legs")
        ordering = ["depart", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(from_place=models.F("to_place")), name="travel_leg_two_places"),
        ]
