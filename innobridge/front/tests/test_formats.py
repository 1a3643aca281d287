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


def amounts(language: str) -> list[str]:
    from decimal import Decimal

    from innobridge.directory.templatetags.explain import amount_range

    with translation.override(language):
        return [
            amount_range("CNY", Decimal("1500000"), Decimal("6000000.00")),
            amount_range("HKD", None, 50000),
            amount_range("CNY", 2000000, None),
            amount_range("CNY", None, None),
        ]


def test_amounts_have_grouped_digits_and_words_for_an_open_range_in_every_language():
    assert amounts("en") == ["CNY 1,500,000 – 6,000,000", "up to HKD 50,000", "from CNY 2,000,000", "—"]
    assert amounts("zh-hant")[0] == "CNY 1,500,000 – 6,000,000"  # three-digit groups, as in HK and mainland documents
    assert amounts("zh-hant")[1:3] == ["最多 HKD 50,000", "最少 CNY 2,000,000"]
    assert amounts("zh-hans")[1:3] == ["最多 HKD 50,000", "最少 CNY 2,000,000"]
