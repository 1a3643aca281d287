"""Names known before reading: a gazetteer of public bodies (data/bodies.tsv), the units of regional
governments (data/government_units.tsv after a region's name), and what the platform already knows
from review (``known``: accepted organisations, people and places, and rejected strings).

A known name found in the text is proposed with exactly its own boundaries; the rules' candidates that
cut it (内地事务局 inside 政制及内地事务局) or glue a verb to it (他感谢山东省政府) give way to it. A
rejected string is never proposed. Pure data in, data out: nothing here reads a database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from innocore.ingest.boundary import trie_pattern
from innocore.ingest.places import GAZETTEER, gazetteer_kind
from innocore.text import fold, fold_same

CJK = r"\u4e00-\u9fff"
_DATA = Path(__file__).parent / "data"
# The shortest Chinese name looked up by itself: two characters (港大, 中大) are too often parts of words.
MIN_CJK = 3


def _lines(name: str) -> list[str]:
    return [
        line
        for line in (_DATA / name).read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _same_length_fold(name: str) -> str:

    return fold_same(name)


@cache
def bodies() -> tuple[tuple[str, str], ...]:
    """(name, kind) of every body in the gazetteer, Chinese names folded to Simplified."""
    out = []
    for line in _lines("bodies.tsv"):
        kind, names = line.split("\t")
        for n in names.split("|"):
            n = n.strip()
            out.append((_same_length_fold(n) if re.search(f"[{CJK}]", n) else n, kind))
    return tuple(out)


@cache
def body_of() -> dict[str, int]:
    """Folded name -> the number of its line in the gazetteer: names on one line are one body (工信部 and
    工业和信息化部, Invest Hong Kong and InvestHK)."""
    out: dict[str, int] = {}
    for i, line in enumerate(_lines("bodies.tsv")):
        for n in line.split("\t")[1].split("|"):
            out.setdefault(fold(n.strip()), i)
    return out


@cache
def _unit_pattern() -> re.Pattern:
    """A region's name, its level (省, 市, 区…) and a government unit: 山东省科学技术厅, 深圳市科技创新局."""

    regions = {
        re.sub("(?:省|市|特别行政区|自治区)$", "", n)
        for kind, names in GAZETTEER
        if kind in ("province", "city")
        for n in names
        if re.fullmatch(f"[{CJK}]+", n)
    }
    regions = {r for r in regions if len(r) >= 2}
    units = sorted(_lines("government_units.tsv"), key=len, reverse=True)
    region_alt = trie_pattern(regions)
    # 山东省商务厅, 青岛市委台港澳办, and the province or city left implied: 省商务厅, 市外事办 (after a break).
    level = "(?:省|市|特别行政区|自治区|区|县)"
    return re.compile(
        rf"(?:(?:{region_alt}){level}?|(?<![{CJK}])[省市]|(?<=[与和及、])[省市])(?:委|政府)?"
        rf"(?:{trie_pattern(units)})(?!长)"
        rf"|(?:{region_alt})[省市]委(?![员会])"
        # 、發改委副主任, 、商務局局長: a unit named alone in a list of officials, its head's title after it.
        rf"|(?<=[、，,与和及])(?:{trie_pattern([u for u in units if len(u) >= 3])})"
        rf"(?=(?:常务)?副?(?:主任|局长|厅长|书记|部长|司长|处长|主席|会长|秘书长|委员))"
    )


@dataclass
class Lexicon:
    """Names to look up in a text, by kind of thing."""

    organisations: dict[str, str] = field(default_factory=dict)  # name -> kind
    people: dict[str, dict] = field(default_factory=dict)  # name -> {"title", "organization"}
    places: dict[str, str] = field(default_factory=dict)  # name -> kind
    rejected: set[str] = field(default_factory=set)  # folded strings never proposed

    def is_rejected(self, name: str) -> bool:
        return bool(self.rejected) and fold(name) in self.rejected


def lexicon(known: dict | None = None) -> Lexicon:
    """The gazetteer, plus what ``known`` adds: ``{"organizations": [{"name", "aliases", "kind"}], "people":
    [{"name", "title", "organization"}], "places": [{"name", "kind"}], "rejected": [str]}`` (every key
    optional). Rejected strings win over the gazetteer; a known name wins over a rejected one."""
    lex = Lexicon(organisations=dict(reversed(bodies())))
    known = known or {}
    lex.rejected = {fold(r) for r in known.get("rejected") or [] if r and r.strip()}

    for o in known.get("organizations") or []:
        for n in [o.get("name"), *(o.get("aliases") or [])]:
            if n and n.strip():
                lex.rejected.discard(fold(n))
                # 青島市 accepted as the city's government where it signed is still a place elsewhere: a known
                # name that is a place's name is left to the rules that tell the two apart.
                if gazetteer_kind(n.strip()) is None:
                    lex.organisations[n.strip()] = o.get("kind") or "enterprise"
    for p in known.get("people") or []:
        if p.get("name", "").strip():
            lex.people[p["name"].strip()] = {"title": p.get("title") or "", "organization": p.get("organization")}
            lex.rejected.discard(fold(p["name"]))
    for p in known.get("places") or []:
        if p.get("name", "").strip():
            lex.places[p["name"].strip()] = p.get("kind") or "city"
            lex.rejected.discard(fold(p["name"]))
    lex.organisations = {n: k for n, k in lex.organisations.items() if fold(n) not in lex.rejected}
    return lex


def find_names(names: Mapping[str, object], text: str, folded: str) -> list[tuple[int, int, str]]:
    """(start, end, name) of every occurrence of the names, longest first where they overlap; Chinese names
    matched on the folded text (any script), Latin names case-sensitively between word boundaries."""
    cjk = {_folded_name(n): n for n in names if re.search(f"[{CJK}]", n) and len(n) >= MIN_CJK}
    latin = [n for n in names if not re.search(f"[{CJK}]", n)]
    hits: list[tuple[int, int, str]] = []
    if cjk:
        for m in _alternation(tuple(sorted(cjk, key=len, reverse=True))).finditer(folded):
            hits.append((m.start(), m.end(), cjk[m.group()]))
    if latin:
        pattern = _alternation(tuple(sorted(latin, key=len, reverse=True)), latin=True)
        for m in pattern.finditer(text):
            hits.append((m.start(), m.end(), m.group()))
    return hits


def find_signing_regions(folded: str) -> list[tuple[int, int]]:
    """A city or province that signs as a government: 青岛市与香港贸发局签署, 与广州市签署. Only written with
    its level (市, 省) and standing beside the conjunction of a signing clause."""
    return [m.span(1) if m.group(1) else m.span(2) for m in _signing_region_pattern().finditer(folded)]


@cache
def _signing_region_pattern() -> re.Pattern:

    regions = {
        re.sub("[省市]$", "", n)
        for kind, names in GAZETTEER
        if kind in ("province", "city")
        for n in names
        if re.fullmatch(f"[{CJK}]{{2,}}", n)
    }
    alt = "(?:" + "|".join(map(re.escape, sorted(regions, key=len, reverse=True))) + ")[省市]"
    sign = "(?:签署|签订|签约|簽署|簽訂|簽約)"
    return re.compile(
        rf"(?:^|(?<=[，,。；;：:\s]))({alt})(?=(?:分别)?(?:与|和|同)[^。，,；;]{{2,40}}?{sign})"
        rf"|(?<=与|和|同)({alt})(?=(?:在[{CJK}]{{1,6}})?{sign})"
    )


def find_government_units(folded: str) -> list[tuple[int, int]]:
    """Spans of a region's government unit: 山东省人民政府, 深圳市科技创新局, 山东省商务厅."""
    return [(m.start(), m.end()) for m in _unit_pattern().finditer(folded)]


@lru_cache(maxsize=4096)
def _folded_name(name: str) -> str:
    return _same_length_fold(name)


@lru_cache(maxsize=32)
def _alternation(names: tuple[str, ...], latin: bool = False) -> re.Pattern:
    if latin:
        return re.compile(rf"(?<![\w-])(?:{'|'.join(map(re.escape, names))})(?![\w-])")
    return re.compile(trie_pattern(names))
