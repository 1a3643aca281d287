"""Dates and times in one style per language, on pages and wherever Django formats them."""

import datetime

from django.template import Context, Template
from django.utils import translation


def render(language: str, value) -> str:
    with translation.override(language):
        return Template("{{ value }}|{{ value|date }}|{{ value|date:'SHORT_DATE_FORMAT' }}").render(
            Context({"value": value})
        )


def test_each_language_writes_a_date_and_a_time_its_own_way():
    when = datetime.datetime(2023, 10, 18, 9, 5)
    assert render("en", when) == "18 Oct 2023, 09:05|18 Oct 2023|2023-10-18"
    assert render("zh-hant", when) == "2023年10月18日 09:05|2023年10月18日|2023-10-18"
    assert render("zh-hans", when) == "2023年10月18日 09:05|2023年10月18日|2023-10-18"


def test_a_date_alone_follows_the_same_style():
    day = datetime.date(2026, 12, 6)
    assert render("en", day).split("|")[0] == "6 Dec 2026"
    assert render("zh-hans", day).split("|")[0] == "2026年12月6日"
