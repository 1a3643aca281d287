from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Person
from innobridge.matching.models import MatchFeedback, TechnologyNeed, TechnologyOffer


class OfferForm(forms.ModelForm):
    class Meta:
        model = TechnologyOffer
        fields = [
            "title",
            "summary",
            "description",
            "scenarios",
            "title_en",
            "summary_en",
            "sectors",
            "trl",
            "ip_status",
            "target_places",
            "direction",
            "visibility",
            "anonymous",
            "status",
            "contact",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "scenarios": forms.Textarea(attrs={"rows": 3}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.CheckboxSelectMultiple,
        }
        help_texts = {"title": _("In any language or script; matching works across them.")}

    def __init__(self, *args, owner=None, **kwargs):
        super().__init__(*args, **kwargs)
        if owner is not None:
            self.fields["contact"].queryset = Person.objects.filter(positions__organisation=owner).distinct()


class NeedForm(forms.ModelForm):
    class Meta:
        model = TechnologyNeed
        fields = [
            "title",
            "description",
            "title_en",
            "summary_en",
            "sectors",
            "place",
            "budget_min",
            "budget_max",
            "currency",
            "deadline",
            "visibility",
            "status",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 6}),
            "summary_en": forms.Textarea(attrs={"rows": 3}),
            "sectors": forms.CheckboxSelectMultiple,
            "deadline": forms.DateInput(attrs={"type": "date"}),
        }

    def clean(self):
        data = super().clean()
        low, high = data.get("budget_min"), data.get("budget_max")
        if low is not None and high is not None and high < low:
            self.add_error("budget_max", _("The upper budget must not be below the lower one."))
        return data


class FeedbackForm(forms.Form):
    verdict = forms.ChoiceField(choices=MatchFeedback.Verdict.choices, label=_("Verdict"))
    reason = forms.ChoiceField(choices=[("", "—"), *MatchFeedback.Reason.choices], required=False, label=_("Reason"))
    note = forms.CharField(max_length=500, required=False, label=_("Note"))
    rank = forms.IntegerField(min_value=1, max_value=1000, required=False, widget=forms.HiddenInput)
    score = forms.FloatField(min_value=0, max_value=100, required=False, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("verdict") == MatchFeedback.Verdict.NOT_RELEVANT and not data.get("reason"):
            self.add_error("reason", _("Say why the suggestion is not relevant."))
        return data


class ContactRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class AnswerForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))], label=_("Decision"))
    answer = forms.CharField(
        label=_("Answer"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
