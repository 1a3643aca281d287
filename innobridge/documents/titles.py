"""Short titles for events and agreements taken from a document, in the document's own language.

A record needs a name a person can scan in a list: "簽署：澤浩高純金屬、創冷科技與綠色產業…共同體",
"Site visit: Qingdao SCO Demonstration Zone", never the sentence the fact was read from.
"""

from __future__ import annotations

import re

from innobridge.lib.services import NameFields
from innocore.text import to_simplified

MAX_NAMES = 3
_SUFFIX = re.compile(
    r"\s*(股份有限公司|有限責任公司|有限责任公司|有限公司|,?\s*Co\.,?\s*Ltd\.?|Limited|Ltd\.?|Corporation|Inc\.?)$",
    re.IGNORECASE,
)

# Kind labels per script. Traditional is the reference; Simplified is derived from it.
EVENT_LABEL = {
    "en": {
        "meeting": "Meeting",
        "visit": "Visit",
        "site_visit": "Site visit",
        "signing": "Signing",
        "launch": "Launch",
        "matchmaking": "Matchmaking",
        "seminar": "Seminar",
    },
    "zh-Hant": {
        "meeting": "會面",
        "visit": "訪問",
        "site_visit": "參觀",
        "signing": "簽署",
        "launch": "啟動",
        "matchmaking": "對接會",
        "seminar": "研討會",
    },
}
AGREEMENT_LABEL = {
    "en": {
        "mou": "MoU",
        "cooperation": "Cooperation agreement",
        "framework": "Framework agreement",
        "licence": "Licence agreement",
        "other": "Agreement",
    },
    "zh-Hant": {
        "mou": "合作備忘錄",
        "cooperation": "合作協議",
        "framework": "框架協議",
        "licence": "許可協議",
        "other": "協議",
    },
}


def _script(language: str) -> str:
    return language if language in ("zh-Hant", "zh-Hans") else "en"


def _label(table: dict, kind: str, language: str) -> str:
    script = _script(language)
    labels = table["zh-Hant" if script == "zh-Hans" else script]
    label = labels.get(kind) or labels.get("other") or labels["meeting"]
    return to_simplified(label) if script == "zh-Hans" else label


def short_name(name: str, limit: int = 10) -> str:
    """A recognisable short form: no company suffix; long names keep their head and tail."""
    name = _SUFFIX.sub("", name.strip()) or name.strip()
    if " " in name:  # Latin script: count words, not characters
        words = name.split()
        return name if len(words) <= 5 else " ".join(words[:3]) + " … " + words[-1]
    return name if len(name) <= limit else name[:4] + "…" + name[-3:]


def _join(names: list[str], language: str) -> str:
    script = _script(language)
    more = len(names) > MAX_NAMES
    names = names[:MAX_NAMES]
    if script == "en":
        text = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else "".join(names)
        return text + (" and others" if more else "")
    last = "與" if script == "zh-Hant" else "与"
    text = "、".join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)
    return text + ("等" if more else "")


def _compose(label: str, subject: str, language: str) -> str:
    if not subject:
        return label
    separator = ": " if _script(language) == "en" else "："
    return f"{label}{separator}{subject}"[:120]


def event_title(kind: str, organisations: list[str], place, language: str) -> str:
    """ "Site visit: <place>" for visits to a place, else "<kind>: <organisations>"."""
    label = _label(EVENT_LABEL, kind, language)
    if kind == "site_visit" and place is not None:
        return _compose(label, place.name_for({"en": "en", "zh-Hant": "zh-hant"}.get(language, "zh-hans")), language)
    return _compose(label, _join(organisations, language), language)


def agreement_title(kind: str, parties: list[str], language: str) -> str:
    return _compose(_label(AGREEMENT_LABEL, kind, language), _join(parties, language), language)


def name_field(language: str, value: str) -> NameFields:
    """The name field of the document's language; the other scripts are derived when saved."""
    if language == "zh-Hant":
        return {"name_zh_hant": value}
    if language == "zh-Hans":
        return {"name_zh_hans": value}
    return {"name_en": value}
