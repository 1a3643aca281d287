"""The length limit in a form's help text is translated when the page is shown, not when models load."""

from django.utils import translation

from innobridge.matching.models import TechnologyNeed


def test_the_limit_help_follows_the_reader_language_with_grouped_digits():
    field = TechnologyNeed._meta.get_field("description")
    shown = {}
    for language in ("en", "zh-hant", "zh-hans"):
        with translation.override(language):
            shown[language] = str(field.help_text)
    assert shown["en"] == "Up to 20,000 characters."
    assert shown["zh-hant"].startswith("最多") and "20,000" in shown["zh-hant"]
    assert shown["zh-hans"].startswith("最多") and "20,000" in shown["zh-hans"]
