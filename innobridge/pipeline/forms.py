from django import forms
from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from innobridge.accounts.permissions import display_name
from innobridge.directory.models import Person
from innobridge.documents.models import SourceDocument
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.pipeline.models import Milestone
from innobridge.pipeline.services import allowed_transitions
from innobridge.programmes.models import Agreement, Currency


class DateInput(forms.DateInput):
    input_type = "date"


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"))
    on = forms.DateField(label=_("Effective on"), widget=DateInput, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Agreement.Status.choices)
        self.fields["to_status"].choices = [(s, labels[s]) for s in allowed_transitions(agreement.status)]


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = [
            "title_en",
            "title_zh_hant",
            "title_zh_hans",
            "due",
            "status",
            "done_on",
            "owner",
            "owner_person",
            "note",
            "evidence",
        ]
        widgets = {
            "due": DateInput,
            "done_on": DateInput,
            "note": forms.Textarea(attrs={"rows": 3}),
            "evidence": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, agreement: Agreement, staff: bool, viewer=None, **kwargs):
        super().__init__(*args, **kwargs)
        party_orgs = list(agreement.parties.values_list("organisation_id", flat=True))
        users = User.objects.filter(Q(is_staff=True) | Q(membership__organisation_id__in=party_orgs), is_active=True)
        self.fields["owner"].queryset = users.select_related("membership__organisation").order_by("username")
        # Partners see names, never user names (sign-in identifiers of staff among them).
        viewer = viewer if viewer is not None else AnonymousUser()
        self.fields["owner"].label_from_instance = lambda u: display_name(u, viewer=viewer)
        people = Person.objects.filter(positions__organisation_id__in=party_orgs)
        if self.instance.owner_person_id:
            people = people | Person.objects.filter(pk=self.instance.owner_person_id)
        self.fields["owner_person"].queryset = people.distinct()
        self.fields["due"].required = True
        if staff:
            self.fields["evidence"].queryset = SourceDocument.objects.order_by("-published", "title")
        else:  # documents are a staff area: partners do not pick (or see the titles of) other documents
            del self.fields["evidence"]

    def clean(self):
        data = super().clean()
        if data.get("status") == Milestone.Status.DONE and not data.get("done_on"):
            data["done_on"] = timezone.localdate()
        return data


class AgreementValueForm(forms.Form):
    value_amount = forms.DecimalField(label=_("Investment amount"), required=False, min_value=0, max_digits=16)
    value_currency = forms.ChoiceField(label=_("Currency"), required=False, choices=[("", "—"), *Currency.choices])
    offers = forms.ModelMultipleChoiceField(
        label=_("Technology offers it came from"), queryset=TechnologyOffer.objects.none(), required=False
    )
    needs = forms.ModelMultipleChoiceField(
        label=_("Technology needs it came from"), queryset=TechnologyNeed.objects.none(), required=False
    )

    def __init__(self, *args, agreement: Agreement, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offers"].queryset = TechnologyOffer.objects.select_related("owner").order_by("title")
        self.fields["offers"].label_from_instance = lambda o: f"{o.title} — {o.owner.name}"
        self.fields["needs"].queryset = TechnologyNeed.objects.select_related("owner").order_by("title")
        self.fields["needs"].label_from_instance = lambda n: f"{n.title} — {n.owner.name}"

    def clean(self):
        data = super().clean()
        if data.get("value_amount") is not None and not data.get("value_currency"):
            self.add_error("value_currency", _("Give the currency of the amount."))
        return data
