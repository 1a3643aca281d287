"""Forms for directory records. Names may be typed in any script; missing Chinese forms are derived."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from innobridge.directory.models import Organisation, Person


class NameFieldsMixin:
    """Shows a derived Chinese form as a placeholder so that saving unchanged keeps it derived."""

    def init_name_fields(self) -> None:
        instance = self.instance
        for script in ("zh_hant", "zh_hans"):
            field = f"name_{script}"
            if instance.pk and getattr(instance, f"{field}_derived"):
                self.initial[field] = ""
                self.fields[field].widget.attrs["placeholder"] = getattr(instance, field)
                self.fields[field].help_text = _("Derived automatically; type to override.")

    def clean(self):
        data = super().clean()
        if not any(data.get(f) for f in ("name_zh_hant", "name_zh_hans", "name_en")):
            raise forms.ValidationError(_("Give a name in at least one language."))
        return data


class OrganisationForm(NameFieldsMixin, forms.ModelForm):
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    aliases = forms.CharField(
        label=_("Aliases and short forms"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, in any script, e.g. 科技園公司 or HKSTP."),
    )

    class Meta:
        model = Organisation
        fields = [
            "name_zh_hant",
            "name_zh_hans",
            "name_en",
            "kind",
            "parent",
            "sectors",
            "places",
            "website",
            "founded",
            "description",
        ]
        widgets = {
            "sectors": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, can_change_structure: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_name_fields()
        if self.instance.pk:
            self.initial["aliases"] = "\n".join(a.text for a in self.instance.aliases.all())
            self.fields["parent"].queryset = Organisation.objects.exclude(pk=self.instance.pk)
        if not can_change_structure:
            # Partners describe their organisation; only staff re-classify it or move it in the tree.
            del self.fields["kind"]
            del self.fields["parent"]

    def clean_aliases(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["aliases"].splitlines() if line.strip()]


class PersonForm(NameFieldsMixin, forms.ModelForm):
    class Meta:
        model = Person
        fields = ["name_zh_hant", "name_zh_hans", "name_en", "email", "phone", "notes"]

    def __init__(self, *args, show_contact: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.init_name_fields()
        if not show_contact:
            for field in ("email", "phone", "notes"):
                del self.fields[field]


class PositionForm(forms.Form):
    """Optional first position when creating a person."""

    organisation = forms.ModelChoiceField(queryset=Organisation.objects.all(), required=False, label=_("Organisation"))
    title = forms.CharField(
        label=_("Title"),
        required=False,
        max_length=200,
        help_text=_("In any script, e.g. 行政總裁 or Chief Executive Officer."),
    )
