from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Organisation
from innobridge.meetings.models import MatchmakingSession, MeetingRequest, TravelLeg


class SessionForm(forms.ModelForm):
    class Meta:
        model = MatchmakingSession
        fields = [
            "name_zh_hant",
            "name_zh_hans",
            "name_en",
            "delegation",
            "event",
            "place",
            "venue",
            "date",
            "start_time",
            "slot_minutes",
            "slots",
            "morning_slots",
            "lunch_minutes",
            "tables",
            "fairness",
            "request_expiry_hours",
            "registration",
            "visitor_quota",
            "local_quota",
            "who_meets",
            "time_zone",
            "status",
            "visibility",
        ]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "start_time": forms.TimeInput(attrs={"type": "time"}),
        }

    def clean(self):
        data = super().clean()
        if not any(data.get(k) for k in ("name_zh_hant", "name_zh_hans", "name_en")):
            raise forms.ValidationError(_("Give the session a name in at least one language."))
        slots, morning = data.get("slots"), data.get("morning_slots")
        if slots is not None and morning is not None and morning > slots:
            self.add_error("morning_slots", _("The morning cannot have more slots than the whole session."))
        return data


def parse_slots(text: str, limit: int) -> list[int]:
    """'1, 2, 7-9' -> [1, 2, 7, 8, 9]; numbers outside 1..limit are an error."""
    out: set[int] = set()
    for part in (text or "").replace("，", ",").replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                lo, hi = (int(x) for x in part.split("-", 1))
                out.update(range(lo, hi + 1))
            else:
                out.add(int(part))
        except ValueError as exc:
            raise forms.ValidationError(_("Write slot numbers like 1, 2, 7-9.")) from exc
    bad = sorted(s for s in out if not 1 <= s <= limit)
    if bad:
        raise forms.ValidationError(_("Slots go from 1 to %(n)d.") % {"n": limit})
    return sorted(out)


class ParticipantForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.order_by("name_en", "slug"), to_field_name="slug"
    )
    unavailable = forms.CharField(
        label=_("Unavailable slots"), required=False, help_text=_("For example 1, 2, 7-9. Leave empty if free all day.")
    )

    def __init__(self, *args, session: MatchmakingSession, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session

    def clean_unavailable(self):
        return parse_slots(self.cleaned_data["unavailable"], self.session.slots)


class RequestForm(forms.Form):
    """Participants choose whom to meet; staff also choose the requester, a fixed slot and orders."""

    requester = forms.ModelChoiceField(
        label=_("Requester"), queryset=Organisation.objects.order_by("name_en", "slug"), to_field_name="slug"
    )
    requested = forms.ModelChoiceField(
        label=_("Meet with"), queryset=Organisation.objects.order_by("name_en", "slug"), to_field_name="slug"
    )
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=MeetingRequest._meta.get_field("priority").choices, coerce=int, initial=2
    )
    preference = forms.ChoiceField(
        label=_("Session preference"), choices=MeetingRequest.Preference.choices, initial="any"
    )
    fixed_slot = forms.IntegerField(label=_("Fixed slot"), required=False, min_value=1)
    after = forms.ModelMultipleChoiceField(
        label=_("After"),
        queryset=MeetingRequest.objects.none(),
        required=False,
        to_field_name="slug",
        help_text=_("Requests that must take place before this one."),
    )
    accepted = forms.BooleanField(label=_("Both sides already agreed (mark as accepted)"), required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, session: MatchmakingSession, staff: bool, own=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.session = session
        if staff:
            self.fields["after"].queryset = session.requests.filter(status__in=["pending", "accepted"]).select_related(
                "requester", "requested"
            )
            self.fields["fixed_slot"].max_value = session.slots
        else:
            for name in ("requester", "fixed_slot", "after", "accepted"):
                del self.fields[name]
            others = Organisation.objects.filter(session_participations__session=session)
            if own is not None:
                others = others.exclude(pk=own.pk)
            self.fields["requested"].queryset = others.order_by("name_en", "slug")

    def clean_fixed_slot(self):
        slot = self.cleaned_data.get("fixed_slot")
        if slot is not None and slot > self.session.slots:
            raise forms.ValidationError(_("Slots go from 1 to %(n)d.") % {"n": self.session.slots})
        return slot


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    answer = forms.CharField(label=_("Message (optional)"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_(
            "Columns: requester, requested, session preference (morning, afternoon or any), priority (1-3). "
            "Names in any script, aliases and short forms work."
        ),
    )
    accepted = forms.BooleanField(label=_("Both sides already agreed (mark as accepted)"), required=False)

    def clean_file(self):
        f = self.cleaned_data["file"]
        if f.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        if not f.name.lower().endswith((".csv", ".xlsx", ".txt")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        return f


class ScheduleForm(forms.Form):
    time_limit = forms.FloatField(label=_("Time limit (seconds)"), min_value=1, max_value=120, initial=20)


class TravelLegForm(forms.ModelForm):
    class Meta:
        model = TravelLeg
        fields = ["from_place", "to_place", "depart", "minutes", "mode", "note"]
        widgets = {"depart": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")}

    def clean(self):
        data = super().clean()
        if data.get("from_place") and data.get("from_place") == data.get("to_place"):
            raise forms.ValidationError(_("A travel leg goes between two different places."))
        return data
