"""Places in a press release: a gazetteer of Shandong and Hong Kong places (cities, districts, zones, sites)
plus patterns for development zones, new areas, parks and visited campuses.

A place written inside an organisation name (濟南市人民政府) is not a mention of the place, and each
place is listed once under its first mention (山東 then 山東省 is one entry, named 山東).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

from innocore.ingest.boundary import CJK, left_boundary, strip_leading, trie_pattern
from innocore.text import fold, fold_same

# One entry per place: kind, then its names (Simplified Chinese and English). Variants of one place share
# an entry, so that 山東省 after 山東, or 淄博 glossing Zibo, add nothing.
GAZETTEER: list[tuple[str, tuple[str, ...]]] = [
    ("country", ("中国", "China")),
    ("country", ("新加坡", "Singapore")),
    ("country", ("马来西亚", "Malaysia")),
    ("country", ("越南", "Vietnam", "Viet Nam")),
    ("country", ("泰国", "Thailand")),
    ("country", ("印度尼西亚", "印尼", "Indonesia")),
    ("country", ("日本", "Japan")),
    ("country", ("韩国", "South Korea", "Korea")),
    ("country", ("美国", "United States")),
    ("country", ("英国", "United Kingdom")),
    ("country", ("德国", "Germany")),
    ("country", ("法国", "France")),
    ("country", ("澳大利亚", "Australia")),
    ("country", ("阿联酋", "United Arab Emirates")),
    ("country", ("沙特阿拉伯", "Saudi Arabia")),
    ("country", ("阿曼", "Oman")),
    ("country", ("卡塔尔", "Qatar")),
    ("country", ("科威特", "Kuwait")),
    ("country", ("埃及", "Egypt")),
    ("country", ("土耳其", "Turkey", "Türkiye")),
    ("country", ("菲律宾", "Philippines")),
    ("country", ("俄罗斯", "Russia")),
    ("country", ("加拿大", "Canada")),
    ("country", ("意大利", "Italy")),
    ("country", ("西班牙", "Spain")),
    ("country", ("荷兰", "Netherlands")),
    ("country", ("瑞士", "Switzerland")),
    ("country", ("以色列", "Israel")),
    ("country", ("新西兰", "New Zealand")),
    ("country", ("巴西", "Brazil")),
    ("province", ("山东省", "山东", "Shandong Province", "Shandong")),
    ("province", ("广东省", "广东", "Guangdong Province", "Guangdong")),
    ("province", ("江苏省", "江苏", "Jiangsu Province", "Jiangsu")),
    ("province", ("浙江省", "浙江", "Zhejiang Province", "Zhejiang")),
    ("province", ("福建省", "福建", "Fujian Province", "Fujian")),
    ("province", ("河北省", "河北", "Hebei Province", "Hebei")),
    ("province", ("河南省", "河南", "Henan Province", "Henan")),
    ("province", ("海南省", "海南", "Hainan Province", "Hainan")),
    ("province", ("台湾", "Taiwan")),
    ("city", ("香港特别行政区", "香港特区", "香港", "Hong Kong SAR", "Hong Kong")),
    ("city", ("澳门特别行政区", "澳门特区", "澳门", "Macao SAR", "Macao", "Macau")),
    ("city", ("北京市", "北京", "Beijing")),
    ("city", ("上海市", "上海", "Shanghai")),
    ("city", ("天津市", "天津", "Tianjin")),
    ("city", ("重庆市", "重庆", "Chongqing")),
    ("city", ("深圳市", "深圳", "Shenzhen")),
    ("city", ("广州市", "广州", "Guangzhou")),
    ("city", ("济南市", "济南", "Jinan City", "Jinan")),
    ("city", ("青岛市", "青岛", "Qingdao City", "Qingdao")),
    ("city", ("烟台市", "烟台", "Yantai City", "Yantai")),
    ("city", ("潍坊市", "潍坊", "Weifang City", "Weifang")),
    ("city", ("淄博市", "淄博", "Zibo City", "Zibo")),
    ("city", ("东营市", "东营", "Dongying City", "Dongying")),
    ("city", ("威海市", "威海", "Weihai City", "Weihai")),
    ("city", ("临沂市", "临沂", "Linyi City", "Linyi")),
    ("city", ("济宁市", "济宁", "Jining City", "Jining")),
    ("city", ("泰安市", "泰安", "Tai'an City", "Tai'an", "Taian")),
    ("city", ("日照市", "日照", "Rizhao City", "Rizhao")),
    ("city", ("德州市", "德州", "Dezhou City", "Dezhou")),
    ("city", ("聊城市", "聊城", "Liaocheng City", "Liaocheng")),
    ("city", ("滨州市", "滨州", "Binzhou City", "Binzhou")),
    ("city", ("菏泽市", "菏泽", "Heze City", "Heze")),
    ("city", ("枣庄市", "枣庄", "Zaozhuang City", "Zaozhuang")),
    ("district", ("沙田", "Sha Tin", "Shatin")),
    ("district", ("九龙塘", "Kowloon Tong")),
    ("district", ("大埔", "Tai Po")),
    ("district", ("将军澳", "Tseung Kwan O")),
    ("district", ("元朗", "Yuen Long")),
    ("district", ("观塘", "Kwun Tong")),
    ("district", ("中西区", "Central and Western")),
    ("district", ("湾仔", "Wan Chai")),
    ("district", ("西九龙", "West Kowloon")),
    ("district", ("薄扶林", "Pok Fu Lam", "Pokfulam")),
    ("district", ("清水湾", "Clear Water Bay")),
    ("district", ("数码港道", "Cyberport Road")),
    ("district", ("荃湾", "Tsuen Wan")),
    ("district", ("屯门", "Tuen Mun")),
    ("district", ("尖沙咀", "Tsim Sha Tsui")),
    ("district", ("黄岛区", "Huangdao District")),
    ("district", ("中环", "Central")),
    ("district", ("金钟", "Admiralty")),
    ("district", ("铜锣湾", "Causeway Bay")),
    ("district", ("东区", "Eastern District")),
    ("district", ("南区", "Southern District")),
    ("district", ("油尖旺", "Yau Tsim Mong")),
    ("district", ("深水埗", "Sham Shui Po")),
    ("district", ("九龙城", "Kowloon City")),
    ("district", ("黄大仙", "Wong Tai Sin")),
    ("district", ("葵青", "Kwai Tsing")),
    ("district", ("北区", "North District")),
    ("district", ("西贡", "Sai Kung")),
    ("district", ("离岛", "Islands District")),
    ("district", ("白石角", "Pak Shek Kok")),
    ("district", ("科学园路", "Science Park Road")),
    ("district", ("河套", "Lok Ma Chau Loop")),
    ("district", ("北部都会区", "Northern Metropolis")),
    ("district", ("历下区", "Lixia District")),
    ("district", ("崂山区", "Laoshan District")),
    ("zone", ("粤港澳大湾区", "大湾区", "Guangdong-Hong Kong-Macao Greater Bay Area", "Greater Bay Area")),
    ("zone", ("东南亚", "Southeast Asia", "South-east Asia")),
    ("zone", ("黄河三角洲地区", "黄河三角洲", "Yellow River Delta region", "Yellow River Delta")),
    ("zone", ("长三角", "长江三角洲", "Yangtze River Delta")),
    ("zone", ("中东", "Middle East")),
    ("zone", ("东盟", "ASEAN")),
    ("zone", ("欧洲", "Europe")),
    ("site", ("香港科学园", "Hong Kong Science Park")),
    ("site", ("创新中心", "InnoCentre")),
    ("site", ("数码港", "Cyberport")),
    ("site", ("将军澳创新园", "Tseung Kwan O InnoPark")),
    ("site", ("大埔创新园", "Tai Po InnoPark")),
    ("site", ("元朗创新园", "Yuen Long InnoPark")),
    ("site", ("先进制造中心", "Advanced Manufacturing Centre")),
    ("site", ("微电子中心", "Microelectronics Centre")),
    (
        "site",
        ("河套深港科技创新合作区", "Hetao Shenzhen-Hong Kong Science and Technology Innovation Co-operation Zone"),
    ),
    ("site", ("齐鲁软件园", "Qilu Software Park")),
    ("site", ("港深创新及科技园", "Hong Kong-Shenzhen Innovation and Technology Park")),
    ("site", ("山东国际会展中心", "Shandong International Convention and Exhibition Center")),
    ("site", ("香港会议展览中心", "Hong Kong Convention and Exhibition Centre")),
    ("site", ("青岛港", "Qingdao Port")),
    ("site", ("日照港", "Rizhao Port")),
    ("site", ("烟台港", "Yantai Port")),
]


def _merge_world() -> None:
    """Countries, world cities, further mainland provinces and cities and world regions from
    data/world_places.tsv: a name already listed joins its entry, so that variants stay one place."""
    by_name = {n: i for i, (_k, names) in enumerate(GAZETTEER) for n in names}
    for line in (Path(__file__).parent / "data" / "world_places.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, names_text = line.split("\t")
        names = tuple(fold_same(n.strip()) if re.search(f"[{CJK}]", n) else n.strip() for n in names_text.split("|"))
        # 連雲港市 and 安徽省 name the place as 連雲港 and 安徽 do.
        level = {"city": "市", "province": "省"}.get(kind)
        if level:
            names += tuple(n + level for n in names if re.fullmatch(f"[{CJK}]{{2,}}", n) and not n.endswith(level))
        names = tuple(dict.fromkeys(names))
        i = next((by_name[n] for n in names if n in by_name), None)
        if i is None:
            GAZETTEER.append((kind, names))
            i = len(GAZETTEER) - 1
        else:
            GAZETTEER[i] = (GAZETTEER[i][0], tuple(dict.fromkeys(GAZETTEER[i][1] + names)))
        for n in names:
            by_name.setdefault(n, i)


_merge_world()
# Not places in the annotation sense: regions too generic to record.
GENERIC = {"内地", "海外", "国际", "本地", "两地", "全球", "全国", "the Mainland", "overseas"}

# Development zones, new areas and free trade zone areas (folded forms). A zone followed by its management
# committee is that organisation, not a place.
_ZONE_RE = re.compile(
    rf"(?:中国[（(][{CJK}]{{2,3}}[）)])?自由贸易试验区(?:[{CJK}]{{2,4}}片区)?"
    rf"|[{CJK}]{{2,14}}?(?:上合示范区|示范区|高新技术产业开发区|经济技术开发区|开发区|高新区|自贸区|新区|片区|起步区|合作区|保税区)"
)
# Mainland districts written after their city (青島市嶗山區, 濟南市歷下區) and Shandong's ports (青島港).
_CITY_NAMES = "济南|青岛|烟台|潍坊|淄博|东营|威海|临沂|济宁|泰安|日照|德州|聊城|滨州|菏泽|枣庄"
_DISTRICT_RE = re.compile(rf"(?:{_CITY_NAMES})市?(?P<name>[{CJK}][^新园社地城市郊片景校厂矿港辖]区)(?!管|政府|委)")
_PORT_RE = re.compile(rf"(?:{_CITY_NAMES})港(?![口澳湾])")
_SITE_RE = re.compile(
    rf"[{CJK}]{{2,10}}?(?:创新园|软件园|科技城|会展中心|科学城|产业园|工业园|物流园|博物馆|规划馆|展览馆|纪念馆|科技馆|"
    rf"美术馆|酒店|宾馆|码头|故宫|文化区|分园|科创谷|半岛)"
)
_EN_ZONE_RE = re.compile(
    r"(?:[A-Z][\w'’\-]*\s+)(?:(?:[A-Z][\w'’\-]*|and)\s+){0,6}?"
    r"(?:Development Zone|New Area|Hi-Tech Zone|High-tech Zone|High-Tech Zone|Free Trade Zone|Pilot Zone"
    r"|Demonstration Zone)"
    r"|[A-Z][a-z]+ District|[A-Z][\w\-]+(?: [A-Z][\w\-]+)? InnoPark"
)
_COMMITTEE_AFTER = re.compile(r"\s*(?:管理委员会|管委会|Management Committee|Committee|管理局)")
_GENERIC_ZONE = re.compile(r"^(?:国家级|省级|市级|各|该|本|多个|一批)")
_VISIT = re.compile(r"参观|到访|访问|考察|visited|toured|tour of|visit to", re.I)


def _names_index() -> tuple[dict[str, tuple[int, str]], re.Pattern, re.Pattern]:
    index: dict[str, tuple[int, str]] = {}
    cjk: list[str] = []
    en: list[str] = []
    for i, (kind, names) in enumerate(GAZETTEER):
        for n in names:
            index[n] = (i, kind)
            (cjk if re.search(f"[{CJK}]", n) else en).append(n)
    cjk_re = re.compile(trie_pattern(cjk))
    en_alt = trie_pattern(en)
    en_re = re.compile(rf"(?<![\w-])(?:{en_alt})(?![\w-])", re.I)
    return index, cjk_re, en_re


_INDEX, _CJK_PLACES, _EN_PLACES = _names_index()
_INDEX_LOWER = {k.lower(): v for k, v in _INDEX.items()}


def find_places(
    text: str,
    folded: str,
    blocked: list[tuple[int, int]],
    universities: list[tuple[str, int, int]],
    *,
    exact_blocked: Sequence[tuple[int, int]] = (),
    zone_committees: Sequence[str] = (),
    known: Sequence[tuple[int, int, str, str]] = (),
) -> list[dict]:
    """Places in order of first mention, each ``{"name", "kind", "evidence"}``.

    ``blocked`` are the spans of organisation mentions (a place inside one is not counted);
    ``universities`` are (name, start, end) mentions of universities, which are sites when visited;
    ``exact_blocked`` are spans where a zone's short name stands for its committee (济南高新区 for
    济南高新区管委会), and ``zone_committees`` the English names of zone committees, whose words a
    shortened zone name ("the Torch Hi-Tech Zone") also stands for.
    """
    mentions: list[tuple[int, int, str, object]] = []  # start, end, kind, key
    exact = set(exact_blocked)

    # Blocked spans merged and sorted, so that a mention is checked against its neighbours only.
    merged: list[list[int]] = []
    for a, b in sorted(blocked):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    merged_starts = [a for a, _b in merged]

    def free(s: int, e: int) -> bool:
        if (s, e) in exact:
            return False
        i = bisect.bisect_left(merged_starts, e) - 1  # the last blocked span starting before e
        return i < 0 or merged[i][1] <= s

    for m in _CJK_PLACES.finditer(folded):
        if folded.startswith(("时间", "内地", "驻"), m.end()):
            continue  # 北京时间: a time zone; 中国内地: the Mainland; 中国驻…大使: a mission's title
        entry_id, kind = _INDEX[m.group()]
        mentions.append((m.start(), m.end(), kind, entry_id))
    for m in _EN_PLACES.finditer(text):
        word = m.group()
        entry = _INDEX.get(word) or (_INDEX_LOWER.get(word.lower()) if word.isupper() else None)
        if entry:
            mentions.append((m.start(), m.end(), entry[1], entry[0]))
    for m in _ZONE_RE.finditer(folded):
        if m.group().startswith(("中国", "自由贸易")):
            start = m.start()
        else:
            start = _trim(folded, left_boundary(folded, m.end() - 1)[0], m.end())
        name = folded[start : m.end()]
        if len(name) >= 4 and not _GENERIC_ZONE.search(name) and not _COMMITTEE_AFTER.match(folded, m.end()):
            mentions.append((start, m.end(), "zone", name))
    for m in _DISTRICT_RE.finditer(folded):
        mentions.append((m.start("name"), m.end(), "district", m.group("name")))
    # Places the platform already knows: (start, end, name, kind), one entry per name unless the gazetteer
    # knows the name (then its variants stay one place).
    for s, e, name, kind in known:
        entry = _INDEX.get(fold_same(name))
        mentions.append((s, e, entry[1] if entry else kind, entry[0] if entry else ("known", fold(name))))
    for m in _PORT_RE.finditer(folded):
        mentions.append((m.start(), m.end(), "site", m.group()))
    for m in _SITE_RE.finditer(folded):
        start = _trim(folded, left_boundary(folded, m.end() - 1)[0], m.end())
        # 鐵西區中國工業博物館: the district the venue stands in is a place of its own.
        district = re.match(f"[{CJK}]{{2,3}}?区(?=[{CJK}]{{4}})", folded[start : m.end()])
        if district and not _GENERIC_ZONE.search(district.group()):
            mentions.append((start, start + district.end(), "district", district.group()))
            start += district.end()
        name = folded[start : m.end()]
        if len(name) >= 4 and not _GENERIC_ZONE.search(name):
            mentions.append((start, m.end(), "site", name))
    committee_words = [set(c.split()) for c in zone_committees]
    for m in _EN_ZONE_RE.finditer(text):
        name = m.group()
        if _COMMITTEE_AFTER.match(text, m.end()):
            continue
        words = set(name.split()) - {"the", "The"}
        if any(words < w and len(words) + 2 < len(w) for w in committee_words):
            continue  # a shortened zone name standing for its committee
        kind = "district" if name.endswith("District") else "site" if name.endswith("InnoPark") else "zone"
        mentions.append((m.start(), m.end(), kind, name.lower()))
    visited = set()
    for name, s, e in universities:
        clause_start = max(text.rfind(c, 0, s) for c in "。；;\n") + 1
        sentence_start = max(text.rfind(c, 0, s) for c in "。.\n") + 1
        if _VISIT.search(folded[max(clause_start, sentence_start) : s]):
            mentions.append((s, e, "site", ("university", fold(name))))
            visited.add((s, e))
    # The longest mention wins where mentions overlap; then the first mention of each place names it.
    mentions.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    kept: list[tuple[int, int, str, object]] = []
    for mention in mentions:
        s, e = mention[0], mention[1]
        if kept and s < kept[-1][1]:
            continue
        kept.append(mention)
    places: dict[object, dict] = {}
    shouted: set = set()  # places first written in capitals (a wire dateline): named by their next mention
    for s, e, kind, key in kept:
        surface = text[s:e]
        if surface in GENERIC or not ((s, e) in visited or free(s, e)):
            continue
        capitals = surface.isupper() and not re.search(f"[{CJK}]", surface)
        if key in places:
            if key in shouted and not capitals:
                places[key].update({"name": surface, "evidence": [s, e]})
                shouted.discard(key)
            continue
        if capitals:
            shouted.add(key)
            surface = surface.title()
        places[key] = {"name": surface, "kind": kind, "evidence": [s, e]}
    return list(places.values())


@lru_cache(maxsize=8192)
def gazetteer_kind(name: str) -> str | None:
    """The kind of a place the gazetteer lists under exactly this name (any script, any case)."""
    entry = _INDEX.get(fold_same(name)) or _INDEX_LOWER.get(name.lower())
    return entry[1] if entry else None


def starts_with_place(folded: str, start: int) -> bool:
    return _CJK_PLACES.match(folded, start) is not None


def is_place_prefix(folded: str) -> bool:
    """Whether ``folded`` is only places' names (香港, 山东省, 深圳市南山区): the start of a longer name."""
    pos = 0
    while pos < len(folded):
        m = _CJK_PLACES.match(folded, pos)
        if not m:
            return False
        pos = m.end()
        if folded[pos : pos + 1] in ("省", "市", "区", "县"):
            pos += 1
    return pos > 0


_COUNTED = re.compile(r"[一二三四五六七八九十两几多数\d]+[个间家座所]")


def _trim(folded: str, start: int, end: int) -> int:
    """Drop a count (三个创新园 -> nothing left) or a city before a provincial name (济南山东国际会展中心)."""
    m = _COUNTED.search(folded, start, end)
    if m:
        start = m.end()
    start = strip_leading(folded, start, end)
    first = _CJK_PLACES.match(folded, start)
    second = _CJK_PLACES.match(folded, first.end()) if first and first.end() < end else None
    if first and second:
        if _INDEX[second.group()][0] != _INDEX[first.group()][0]:
            start = first.end()
    return start
