from django import forms
from django.utils.translation import gettext_lazy as _


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """One or more files; a list is always returned."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:  # no file chosen: the widget gives an empty list, which is still "required"
                single(None, initial)
                return []
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class UploadForm(forms.Form):
    file = MultipleFileField(
        label=_("Documents"),
        help_text=_(
            "PDF with a text layer, Word .docx, HTML or plain text. Choose several files to read them "
            "in the background; a page shows the progress."
        ),
    )
