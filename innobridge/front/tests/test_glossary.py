"""The glossary (locale/glossary.tsv): one word per concept, the same in Traditional and Simplified."""

from pathlib import Path

import polib
from django.conf import settings

from innocore.text import to_simplified

LOCALE = Path(settings.BASE_DIR) / "locale"


def _glossary() -> list[list[str]]:
    rows = []
    for line in (LOCALE / "glossary.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            rows.append((line.split("\t") + [""])[:4])
    return rows


def _catalogue(language: str) -> polib.POFile:
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def test_each_concept_is_one_word_written_in_two_scripts():
    for label, hant, hans, _retired in _glossary():
        assert to_simplified(hant) == hans, label


def test_the_interface_names_each_concept_by_its_glossary_word():
    catalogues = {"zh_Hant": _catalogue("zh_Hant"), "zh_Hans": _catalogue("zh_Hans")}
    for label, hant, hans, _retired in _glossary():
        for language, word in (("zh_Hant", hant), ("zh_Hans", hans)):
            entry = catalogues[language].find(label)
            assert entry is not None and entry.msgstr == word, (language, label)


def test_retired_words_appear_in_no_translation():
    retired = {w for *_rest, words in _glossary() for w in words.split(",") if w}
    for language in ("zh_Hant", "zh_Hans"):
        used = {(e.msgid, w) for e in _catalogue(language) for w in retired if w in e.msgstr}
        assert used == set(), language
