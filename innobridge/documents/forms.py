from django import forms
from django.utils.translation import gettext_lazy as _


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Document"), help_text=_("PDF with a text layer, Word .docx, HTML or plain text."))
