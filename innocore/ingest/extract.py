"""Rule-based extraction of programme facts from a cleaned press release, with evidence spans.

Works on the cleaned text; every item carries ``evidence`` = [start, end] offsets into it.
Chinese is matched on the folded (Simplified) text, which has the same length, so offsets
found there are offsets into the original script too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from innocore.ingest.clean import CleanDocument
from innocore.text import detect_script, fold, to_simplified

CJK = r"\u4e00-\u9fff"
# Suffixes that end an organisation name, longest first, with the kind they imply (folded forms).
ORG_SUFFIXES = [
    ("人民政府", "government"),
    ("科学技术厅", "government"),
    ("厅", "government"),
    ("局", "government"),
    ("委员会", "government"),
    ("政府", "government"),
    ("示范区", "industrial_zone"),
    ("高新区", "industrial_zone"),
    ("开发区", "industrial_zone"),
    ("产业园", "industrial_zone"),
    ("共同体", "alliance"),
    ("联盟", "alliance"),
    ("协会", "alliance"),
    ("商会", "alliance"),
    ("研究院", "research_institute"),
    ("研究所", "research_institute"),
    ("科学院", "research_institute"),
    ("创新中心", "research_institute"),
    ("实验室", "research_institute"),
    ("研究中心", "research_institute"),
    ("大学", "university"),
    ("学院", "university"),
    ("公关公司", "media"),
    ("控股集团有限公司", "holding"),
    ("控股有限公司", "holding"),
    ("集团有限公司", "enterprise"),
    ("有限公司", "enterprise"),
    ("集团", "enterprise"),
    ("公司", "enterprise"),
    ("医院", "enterprise"),
    ("院", "research_institute"),
]
EN_ORG_END = (
    r"(?:Limited|Ltd\.?|Corporation|Company|Group|University|Institute|Centre|Center|Council|Commission|"
    r"Department|Bureau|Government|Parks?|Zone|Alliance|Association|Academy|Holdings|Laboratory|Hospital|"
    r"Authority|Agency|Foundation|Federation|Chamber of Commerce)"
)
EN_KIND = {
    "University": "university",
    "Institute": "research_institute",
    "Academy": "research_institute",
    "Laboratory": "research_institute",
    "Government": "government",
    "Department": "government",
    "Bureau": "government",
    "Commission": "government",
    "Authority": "government",
    "Council": "government",
    "Zone": "industrial_zone",
    "Park": "industrial_zone",
    "Alliance": "alliance",
    "Association": "alliance",
    "Holdings": "holding",
    "Parks": "park_operator",
    "Chamber of Commerce": "alliance",
}
# Words that cannot be inside an organisation name: a name starts after the last of them.
BREAKS = (
    "另有",
    "另外",
    "此外",
    "还有",
    "引进",
    "关于",
    "有关",
    "推动",
    "推广",
    "支持",
    "协助",
    "助力",
    "我们",
    "他们",
    "当地",
    "香港科学园区公司",
    "香港科技园园区公司",
    "三间香港科学园区公司",
    "与",
    "和",
    "及",
    "、",
    "，",
    "。",
    "：",
    "；",
    "「",
    "」",
    "“",
    "”",
    "（",
    "）",
    "由",
    "的",
    "了",
    "在",
    "于",
    "旗下",
    "率领",
    "拜会",
    "访问",
    "到访",
    "参观",
    "包括",
    "亦",
    "是",
    "为",
    "向",
    "把",
    "将",
    "等",
    "并",
    "签署",
    "联同",
    "携手",
    "透过",
    "通过",
    "加入",
    "牵头建设",
    "建设",
    "成立",
    "代表",
    "期间",
    "同时",
    "以及",
    "更",
    "今年",
    "近日",
    "管理层",
    "园区公司",
    "三间",
    "两间",
    "多间",
    "多家",
    "一家",
    "其",
    "下属",
    "隶属于",
    "属下",
    "会见",
    "会晤",
    "表示",
    "指出",
    "认为",
    "出席",
    "见证",
    "主持",
    "其中",
    "包括了",
    "介绍",
    "邀请",
    "举行",
    "获",
    "及其",
    "联系",
    "窗口",
)
GENERIC_ORG = {
    "公司",
    "集团",
    "大学",
    "学院",
    "政府",
    "园区公司",
    "本公司",
    "该公司",
    "科技公司",
    "当地政府",
    "创新院",
    "研究院",
    "科学院",
    "医院",
}
_DESCRIPTOR = re.compile(r"^(?:[一二三四五六七八九十两几多数\d]+[间家个所位名]|各|本|该|其)|园区公司$|园区企业$")
TITLES = [
    "首席执行官",
    "首席营运官",
    "首席技术官",
    "首席运营官",
    "首席财务官",
    "行政总裁",
    "执行董事",
    "董事总经理",
    "副总经理",
    "总经理",
    "董事长",
    "副董事长",
    "副主席",
    "主席",
    "副总裁",
    "总裁",
    "副院长",
    "院长",
    "副所长",
    "所长",
    "副校长",
    "校长",
    "副省长",
    "省长",
    "副市长",
    "市长",
    "副厅长",
    "厅长",
    "副局长",
    "局长",
    "副主任",
    "主任",
    "党委书记",
    "书记",
    "创办人",
    "创始人",
    "联合创始人",
    "教授",
    "总监",
    "经理",
    "秘书长",
    "处长",
    "署长",
    "司长",
]
TITLE_RE = "(?:[" + CJK + r"]{0,8}?(?:" + "|".join(TITLES) + "))"
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温柯欧区麦冼岑庄翁容关"
)
PLACES = {
    # name (folded) -> kind
    "中国": "country",
    "香港": "province",
    "澳门": "province",
    "山东省": "province",
    "山东": "province",
    "广东省": "province",
    "广东": "province",
    "北京": "city",
    "上海": "city",
    "深圳": "city",
    "广州": "city",
    "济南": "city",
    "青岛": "city",
    "烟台": "city",
    "潍坊": "city",
    "淄博": "city",
    "东营": "city",
    "威海": "city",
    "临沂": "city",
    "济宁": "city",
    "泰安": "city",
    "日照": "city",
    "德州": "city",
    "聊城": "city",
    "滨州": "city",
    "菏泽": "city",
    "枣庄": "city",
    "沙田": "district",
    "九龙塘": "district",
    "大埔": "district",
    "将军澳": "district",
    "元朗": "district",
    "观塘": "district",
    "中西区": "district",
    "湾仔": "district",
    "西九龙": "district",
    "数码港": "site",
    "香港科学园": "site",
    "创新中心": "site",
    "大湾区": "zone",
    "粤港澳大湾区": "zone",
}
EN_PLACES = {
    "Hong Kong": "province",
    "Shandong": "province",
    "Jinan": "city",
    "Qingdao": "city",
    "Yantai": "city",
    "Weifang": "city",
    "Zibo": "city",
    "Dongying": "city",
    "Weihai": "city",
    "Rizhao": "city",
    "Linyi": "city",
    "Shenzhen": "city",
    "Guangzhou": "city",
    "Beijing": "city",
    "Shanghai": "city",
    "China": "country",
    "Sha Tin": "district",
    "Tai Po": "district",
    "Tseung Kwan O": "district",
    "Yuen Long": "district",
    "Kowloon Tong": "district",
    "Hong Kong Science Park": "site",
    "Cyberport": "site",
    "Greater Bay Area": "zone",
}
ZONE_RE = re.compile("[" + CJK + "]{2,12}?(?:市)?(?:上合示范区|示范区|高新区|开发区|自贸区|新区|产业园|工业园)")


@dataclass
class Found:
    text: str
    start: int
    end: int
    extra: dict = field(default_factory=dict)


def _left_boundary(folded: str, end: int, limit: int = 40) -> int:
    """Start of a name ending at ``end``: after the nearest break word, digit or non-CJK character."""
    start = max(0, end - limit)
    best = start
    for i in range(end - 1, start - 1, -1):
        ch = folded[i]
        if not ("\u4e00" <= ch <= "\u9fff"):
            return i + 1
        for word in BREAKS:
            if folded.startswith(word, i - len(word) + 1) and i - len(word) + 1 >= start:
                return i + 1
    return best


def find_organisations(text: str, folded: str) -> list[Found]:
    found: dict[tuple[int, int], Found] = {}
    suffix_re = re.compile("(?:" + "|".join(re.escape(s) for s, _k in ORG_SUFFIXES) + ")")
    for m in suffix_re.finditer(folded):
        end = m.end()
        # Extend over a longer suffix chain (…控股集团有限公司).
        longer = suffix_re.match(folded, end)
        while longer:
            end = longer.end()
            longer = suffix_re.match(folded, end)
        start = _left_boundary(folded, m.start())
        name = folded[start:end]
        if len(name) < 4 or name in GENERIC_ORG or _DESCRIPTOR.search(name):
            continue
        kind = next(k for s, k in ORG_SUFFIXES if name.endswith(s))
        found[(start, end)] = Found(text[start:end], start, end, {"kind": kind})
    # Quoted names: 「綠色產業與環境安全創新創業共同體」
    for m in re.finditer(r"[「“]([^」”]{4,40})[」”]", text):
        inner = fold(m.group(1))
        for s, k in ORG_SUFFIXES:
            if inner.endswith(s):
                found[(m.start(1), m.end(1))] = Found(m.group(1), m.start(1), m.end(1), {"kind": k})
                break
    # English names: capitalised words ending with an organisation word.
    en = re.compile(
        r"\b((?:The )?(?:[A-Z][A-Za-z&'.\-]*|of|and|for|the|de|&)(?:\s+(?:[A-Z][A-Za-z&'.\-]*|of|and|for|"
        r"the|&)){0,9}\s+" + EN_ORG_END + r")\b"
    )
    for m in en.finditer(text):
        name = m.group(1).strip()
        if name.split()[0] in {"The", "the", "of", "and", "for"} and name.startswith(("of", "and", "for")):
            continue
        last = next((k for word, k in EN_KIND.items() if name.endswith(word)), "enterprise")
        found[(m.start(1), m.end(1))] = Found(name, m.start(1), m.end(1), {"kind": last})
    # Coordinated departments: 山東省科技廳及商務廳 -> also 山東省商務廳.
    for f in list(found.values()):
        m = re.match(r"(?:及|和|与|、)([" + CJK + r"]{2,4}(?:厅|局|委员会))", folded[f.end :])
        prefix = re.match(r"[" + CJK + r"]{1,4}?[省市]", folded[f.start : f.end])
        if m and prefix:
            s, e = f.end + m.start(1), f.end + m.end(1)
            found[(s, e)] = Found(text[f.start : f.start + prefix.end()] + text[s:e], s, e, {"kind": "government"})
    # Keep the longest of overlapping mentions.
    ordered = sorted(found.values(), key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in ordered:
        if out and f.start < out[-1].end:
            if f.end - f.start > out[-1].end - out[-1].start:
                out[-1] = f
            continue
        out.append(f)
    # A name seen only inside a longer name (…機器人創新中心 inside …人工智慧與機器人創新中心) is not separate.
    longer = {f.text for f in out}
    return [
        f
        for f in out
        if not any(f.text != o and o.endswith(f.text) and text.count(f.text) == text.count(o) for o in longer)
    ]


def find_aliases(text: str, folded: str, orgs: list[Found]) -> dict[int, list[tuple[str, int, int]]]:
    """X（Y） and "X (Y)" after an organisation mention declare Y as X's short form."""
    aliases: dict[int, list[tuple[str, int, int]]] = {}
    for i, org in enumerate(orgs):
        m = re.match(
            r"\s*[（(]\s*(?:简称|簡稱|以下简称|以下簡稱|the\s+)?[「“\"]?([^（）()」”\"，,]{2,20})[」”\"]?\s*[）)]",
            text[org.end :],
        )
        if m and not re.search(r"\d{4}", m.group(1)):
            s = org.end + m.start(1)
            aliases.setdefault(i, []).append((m.group(1).strip(), s, s + len(m.group(1))))
    return aliases


def extract(doc: CleanDocument) -> dict:
    text = doc.text
    folded = _fold_same_length(text)
    language = _language(text)
    orgs = find_organisations(text, folded)
    aliases = find_aliases(text, folded, orgs)
    alias_to_full: dict[str, str] = {}
    organisations: dict[str, dict] = {}
    for i, o in enumerate(orgs):
        name = o.text
        if name in alias_to_full:
            continue
        entry = organisations.setdefault(
            name, {"name": name, "aliases": [], "kind": o.extra["kind"], "parent": None, "evidence": [o.start, o.end]}
        )
        for alias, _s, _e in aliases.get(i, []):
            if alias not in entry["aliases"] and alias != name:
                entry["aliases"].append(alias)
                alias_to_full[alias] = name
    # Mentions of a short form point to the full organisation, not to a new one.
    for alias in alias_to_full:
        organisations.pop(alias, None)
    _parents(text, folded, organisations, alias_to_full)
    people = _people(text, folded, organisations, alias_to_full)
    places = _places(text, folded)
    members = _members(doc)
    for m in members:
        organisations.setdefault(
            m["name"],
            {"name": m["name"], "aliases": [], "kind": _kind_of(m["name"]), "parent": None, "evidence": m["evidence"]},
        )
    # A name seen only inside a longer one is part of it, not an organisation of its own.
    for name in list(organisations):
        if any(other != name and name in other and text.count(name) == text.count(other) for other in organisations):
            organisations.pop(name)
    contacts = _contacts(doc, organisations)
    events, agreements = _events(doc, text, folded, organisations, alias_to_full, people, places)
    title = " ".join(p.text for p in doc.of_kind("headline")) or (doc.paragraphs[0].text if doc.paragraphs else "")
    head = doc.of_kind("headline")
    return {
        "title": title,
        "language": language,
        "published": doc.dateline[1] if doc.dateline and doc.dateline[1] else None,
        "organizations": list(organisations.values()),
        "people": people,
        "places": places,
        "events": events,
        "agreements": agreements,
        "delegation_members": [m["name"] for m in members],
        "contacts": contacts,
        "evidence": {"title": [head[0].start, head[-1].end] if head else None},
    }


def _fold_same_length(text: str) -> str:
    """Simplified form of ``text`` with the same length, so offsets found in it hold in the original."""
    simplified = to_simplified(text)
    if len(simplified) == len(text):
        return simplified
    return "".join(c2 if len(c2 := to_simplified(c)) == 1 else c for c in text)


def _language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if cjk < len(text) * 0.05:
        return "en"
    script = detect_script(text)
    return script if script in ("zh-Hant", "zh-Hans") else "zh-Hans"


def _kind_of(name: str) -> str:
    f = fold(name)
    return next((k for s, k in ORG_SUFFIXES if f.endswith(s)), "enterprise")


def _resolve(name: str, organisations: dict, alias_to_full: dict) -> str:
    return alias_to_full.get(name, name)


def _parents(text: str, folded: str, organisations: dict, alias_to_full: dict) -> None:
    names = sorted(set(organisations) | set(alias_to_full), key=len, reverse=True)
    if not names:
        return
    alt = "|".join(re.escape(n) for n in names)
    for pattern in (rf"({alt})(?:旗下|旗下的|屬下|属下|下屬|下属)(?:的)?({alt})",):
        for m in re.finditer(pattern, text):
            parent, child = (
                _resolve(m.group(1), organisations, alias_to_full),
                _resolve(m.group(2), organisations, alias_to_full),
            )
            if child in organisations and parent != child:
                organisations[child]["parent"] = parent
    for m in re.finditer(rf"({alt})[，,]\s*(?:隸屬於|隶属于|隶属|為|为)({alt})(?:旗下|下屬|下属|属下)", text):
        child, parent = (
            _resolve(m.group(1), organisations, alias_to_full),
            _resolve(m.group(2), organisations, alias_to_full),
        )
        if child in organisations and parent != child:
            organisations[child]["parent"] = parent
    for m in re.finditer(rf"({alt}),\s+(?:a|an)\s+(?:subsidiary|unit|member|department) of\s+(?:the\s+)?({alt})", text):
        child, parent = m.group(1), m.group(2)
        if child in organisations:
            organisations[child]["parent"] = _resolve(parent, organisations, alias_to_full)


def _people(text: str, folded: str, organisations: dict, alias_to_full: dict) -> list[dict]:
    names = sorted(set(organisations) | set(alias_to_full), key=len, reverse=True)
    alt = "|".join(re.escape(fold(n)) for n in names) if names else r"(?!x)x"
    people: dict[str, dict] = {}

    def add(name: str, title: str, org: str | None, start: int, end: int) -> None:
        if name in people:
            return
        people[name] = {"name": name, "title": title, "organization": org, "evidence": [start, end]}

    # ORG TITLE NAME (、TITLE NAME)* — later titles in a run inherit the organisation.
    org_spans = sorted(
        (m.start(), m.end(), text[m.start() : m.end()]) for n in names for m in re.finditer(re.escape(n), text)
    )
    region = re.compile(r"[" + CJK + r"]{1,4}?[省市]$")
    run = re.compile(
        rf"(?P<title>{'|'.join(TITLES)})(?P<name>[{CJK}]{{2,3}}?)(?=[、，,及和与等率表指认见出致（(：:。\s]|$)"
    )
    last_org = None
    for m in run.finditer(folded):
        name_f = m.group("name")
        if name_f[0] not in SURNAMES or name_f[-1] in "签署证席示领辞致会":
            continue
        t_end = m.end("title")
        t_start = _left_boundary(folded, m.start("title"), limit=10)
        org_text = None
        for a, b, o in org_spans:
            if a < m.start("title") and t_start <= b <= m.start("title") and b - a > 1:
                org_text, t_start = o, b
        title = text[t_start:t_end]
        if org_text is None:
            reg = region.search(folded[max(0, t_start - 6) : m.start("title")]) if t_start == m.start("title") else None
            head = folded[t_start : m.start("title")]
            if head and region.fullmatch(head):
                org_text = _government_of(text[t_start : m.start("title")], organisations)
            elif reg:
                r0 = m.start("title") - len(reg.group())
                title = text[r0:t_end]
                org_text = _government_of(text[r0 : m.start("title")], organisations)
            elif folded[t_start - 1 : t_start] in ("、", "及", "和", "与") and last_org:
                org_text = last_org
        org_full = _resolve(org_text, organisations, alias_to_full) if org_text else None
        last_org = org_text or last_org
        add(text[m.start("name") : m.end("name")], title, org_full, t_start, m.end())
    # NAME，ORG TITLE
    for m in re.finditer(rf"(?P<name>[{CJK}]{{2,3}})[，,](?P<org>{alt})(?P<title>{TITLE_RE})", folded):
        if m.group("name")[0] in SURNAMES:
            add(
                text[m.start("name") : m.end("name")],
                text[m.start("title") : m.end("title")],
                _resolve(text[m.start("org") : m.end("org")], organisations, alias_to_full),
                m.start(),
                m.end(),
            )
    # English: "Dr Jane Lee, Chief Technology Officer of X" and "X Chief Executive Officer Albert Wong"
    en_word = r"[A-Z][a-z]+(?:-[a-z]+)?"
    en_name = rf"(?:(?:Mr|Ms|Mrs|Dr|Prof|Professor|Ir|Sir)\.?\s+)?{en_word}(?:[ -]{en_word}){{1,3}}"
    honorific = r"(?:Mr|Ms|Mrs|Dr|Prof|Professor|Ir|Sir)\.?\s+"
    en_title = (
        r"(?:(?:Deputy |Vice |Executive |Chief |Senior |Head of |Director of |General )*(?:Chief [A-Z][a-z]+ "
        r"Officer|Chief Executive|Chairman|Chairperson|Chair|President|Director|Manager|Governor|Mayor|"
        r"Secretary|Professor|Founder|Co-founder|Head|Dean|Commissioner|Minister|Partner|CEO|CTO|COO|CFO|"
        r"Director-General|Deputy Director-General|Chief Executive Officer)"
        r"(?: and (?:Chief [A-Z][a-z]+ Officer|Chief Executive|President|Chairman))?"
        r"(?: of [A-Z][A-Za-z ]+?)?)"
    )
    for m in re.finditer(
        rf"(?P<name>{en_name}),\s+(?P<title>{en_title})(?:,| of| at)\s+(?:the\s+)?(?P<org>{alt})", text
    ):
        add(
            m.group("name"),
            m.group("title"),
            _resolve(m.group("org"), organisations, alias_to_full),
            m.start(),
            m.end(),
        )
    for m in re.finditer(rf"(?P<org>{alt})(?:'s)?\s+(?P<title>{en_title})\s+(?P<name>{en_name})", text):
        add(
            m.group("name"),
            m.group("title"),
            _resolve(m.group("org"), organisations, alias_to_full),
            m.start(),
            m.end(),
        )
    # Titled people whose organisation is not named in the same phrase: "Ms So Wai-lam, Director of ...".
    for m in re.finditer(rf"(?P<name>{honorific}{en_word}(?:[ -]{en_word}){{1,3}}),\s+(?P<title>{en_title})\b", text):
        add(_bare(m.group("name")), m.group("title").strip(), None, m.start(), m.end())
    for m in re.finditer(rf"(?P<title>{en_title})\s+(?P<name>{honorific}{en_word}(?:[ -]{en_word}){{1,3}})", text):
        add(_bare(m.group("name")), m.group("title").strip(), None, m.start(), m.end())
    # Names are stored without honorifics.
    return [dict(p, name=_bare(p["name"])) for p in _unique_bare(people)]


def _bare(name: str) -> str:
    return re.sub(r"^(?:Mr|Ms|Mrs|Dr|Prof|Professor|Ir|Sir)\.?\s+", "", name)


def _unique_bare(people: dict) -> list[dict]:
    seen, out = set(), []
    for p in people.values():
        key = _bare(p["name"])
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _government_of(region: str, organisations: dict) -> str | None:
    """The government the text names for a region (山東省 -> 山東省人民政府); never an invented name."""
    f = fold(region)
    candidates = [n for n in organisations if fold(n).startswith(f) and fold(n).endswith("政府")]
    return max(candidates, key=len) if candidates else None


def _places(text: str, folded: str) -> list[dict]:
    found: dict[str, dict] = {}
    for name, kind in sorted(PLACES.items(), key=lambda kv: -len(kv[0])):
        for m in re.finditer(re.escape(name), folded):
            original = text[m.start() : m.end()]
            if original not in found and not any(
                p["evidence"][0] <= m.start() and m.end() <= p["evidence"][1] and p["name"] != original
                for p in found.values()
            ):
                found[original] = {"name": original, "kind": kind, "evidence": [m.start(), m.end()]}
            break
    for m in ZONE_RE.finditer(folded):
        start = _left_boundary(folded, m.end() - 1)
        original = text[start : m.end()]
        if len(original) >= 4 and original not in found:
            found[original] = {"name": original, "kind": "zone", "evidence": [start, m.end()]}
    for name, kind in EN_PLACES.items():
        m = re.search(rf"\b{re.escape(name)}\b", text)
        if m and name not in found:
            found[name] = {"name": name, "kind": kind, "evidence": [m.start(), m.end()]}
    return list(found.values())


def _members(doc: CleanDocument) -> list[dict]:
    out = []
    paragraphs = doc.paragraphs
    for i, p in enumerate(paragraphs):
        if p.kind != "list":
            continue
        intro = next((q for q in reversed(paragraphs[:i]) if q.kind != "list"), None)
        if intro is None or not re.search(r"名單|名单|成員|成员|members|list|delegation", intro.text, re.I):
            continue
        m = re.match(r"\s*(?:\(?\d{1,2}[\.、)）]?|[•·●\-])\s*(.+?)\s*$", p.text)
        if m:
            start = p.start + m.start(1)
            out.append({"name": m.group(1), "evidence": [start, start + len(m.group(1))]})
    return out


def _contacts(doc: CleanDocument, organisations: dict) -> list[dict]:
    contacts: list[dict] = []
    current_org = None
    for p in doc.of_kind("contacts"):
        t = p.text.strip()
        if re.search(r"查詢|查询|垂询|垂詢|联系|聯絡|enquiries|inquiries|contact", t, re.I) and len(t) < 30:
            continue
        email = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", t)
        phone = re.search(r"(?:\+?\d[\d\s\-/()]{6,}\d)", t)
        if email and contacts and not contacts[-1]["email"]:
            contacts[-1]["email"] = email.group()
            continue
        if phone and re.search(r"電話|电话|Tel|Phone|T:", t, re.I) and contacts and not contacts[-1]["phone"]:
            contacts[-1]["phone"] = phone.group().strip()
            continue
        if email or phone:
            continue
        if (
            fold(t) in {fold(n) for n in organisations}
            or any(fold(t).endswith(s) for s, _k in ORG_SUFFIXES)
            or re.search(EN_ORG_END + r"\.?$", t)
        ):
            current_org = t
            continue
        if re.fullmatch(
            rf"[{CJK}]{{2,4}}|(?:(?:Mr|Ms|Dr)\.?\s+)?[A-Z][a-z]+(?:-[a-z]+)?(?:\s[A-Z][a-z]+(?:-[a-z]+)?){{1,2}}", t
        ):
            contacts.append(
                {"name": t, "organization": current_org, "phone": "", "email": "", "evidence": [p.start, p.end]}
            )
    return contacts


EVENT_WORDS = [
    ("signing", r"簽署|签署|簽訂|签订|簽約|签约|signed|sign(?:ing)? (?:of )?(?:an? )?(?:MoU|memorandum|agreement)"),
    ("meeting", r"拜會|拜会|會見|会见|會晤|会晤|接見|接见|met with|courtesy call|called on"),
    ("site_visit", r"參觀|参观|考察|toured|visited the|site visit"),
    ("launch", r"啟動|启动|揭牌|開幕|开幕|成立儀式|launched|launch of|inaugurat"),
    ("matchmaking", r"對接會|对接会|配對|配对|matchmaking|business matching"),
    ("visit", r"訪問|访问|到訪|到访|回訪|回访|率領代表團|率领代表团|delegation (?:visited|to)|visit(?:ed)? "),
]


def _sentences(doc: CleanDocument):
    for p in doc.paragraphs:
        if p.kind in ("about", "contacts", "headline", "highlight", "caption"):
            continue
        for m in re.finditer(r"[^。！？!?]+[。！？!?]?", p.text):
            if m.group().strip():
                yield p.start + m.start(), p.start + m.end(), m.group()


def _relative_month(sentence: str, published: str | None) -> str | None:
    if not published:
        return None
    year, month = int(published[:4]), int(published[5:7])
    m = re.search(r"(今年|去年)\s*([一二三四五六七八九十]{1,2}|\d{1,2})\s*月", sentence)
    if m:
        numerals = "一二三四五六七八九十"
        raw = m.group(2)
        mon = (
            int(raw)
            if raw.isdigit()
            else (
                10 + numerals.index(raw[-1]) + 1
                if raw.startswith("十") and len(raw) > 1
                else numerals.index(raw) + 1
                if len(raw) == 1
                else 10 + numerals.index(raw[1]) + 1
            )
        )
        return f"{year - (m.group(1) == '去年'):04d}-{mon:02d}"
    if re.search(r"上月|last month", sentence):
        return f"{year if month > 1 else year - 1:04d}-{(month - 2) % 12 + 1:02d}"
    return None


def _events(doc, text, folded, organisations, alias_to_full, people, places):
    published = doc.dateline[1] if doc.dateline else None
    names = sorted(set(organisations) | set(alias_to_full), key=len, reverse=True)
    person_names = [p["name"] for p in people]
    events, agreements = [], []
    for start, end, sentence in _sentences(doc):
        kinds = [k for k, pat in EVENT_WORDS if re.search(pat, sentence, re.I)]
        if not kinds:
            continue
        in_orgs = _mentions(sentence, names)
        orgs = [_resolve(n, organisations, alias_to_full) for n in in_orgs]
        orgs = list(dict.fromkeys(orgs))
        ppl = [n for n in person_names if n in sentence]
        plc = [p["name"] for p in places if p["name"] in sentence]
        date = _relative_month(sentence, published) or published
        for kind in kinds:
            event = {
                "kind": kind,
                "date": date,
                "places": plc,
                "participants": orgs + ppl,
                "parties": [],
                "evidence": [start, end],
            }
            if kind == "signing":
                event["parties"] = _signing_parties(sentence, names, organisations, alias_to_full)
                agreements.append(
                    {
                        "kind": _agreement_kind(sentence),
                        "parties": event["parties"],
                        "date": date,
                        "witnesses": _witnesses(sentence, person_names),
                        "evidence": [start, end],
                    }
                )
            if kind == "site_visit":
                event["places"] = [
                    p["name"] for p in places if p["name"] in sentence and p["kind"] in ("zone", "site")
                ] or plc
            events.append(event)
    agreements = [a for a in agreements if a["parties"]]
    # The same signing told twice (summary, then details): keep the fuller account.
    agreements = [
        a for a in agreements if not any(set(a["parties"]) < set(b["parties"]) for b in agreements if b is not a)
    ]
    signings = [e for e in events if e["kind"] == "signing"]
    events = [
        e
        for e in events
        if e["kind"] != "signing" or not any(set(e["parties"]) < set(o["parties"]) for o in signings if o is not e)
    ]
    return _dedupe(events), _dedupe(agreements, key=lambda a: tuple(sorted(a["parties"])))


def _mentions(sentence: str, names: list[str]) -> list[str]:
    found, taken = [], []
    for n in names:
        for m in re.finditer(re.escape(n), sentence):
            if not any(a <= m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
                found.append((m.start(), n))
    return [n for _pos, n in sorted(found)]


def _signing_parties(sentence: str, names, organisations, alias_to_full) -> list[str]:
    sign = re.search(EVENT_WORDS[0][1], sentence, re.I)
    before = sentence[: sign.start()] if sign else sentence
    masked = before
    for n in names:
        masked = masked.replace(n, "＊" * len(n))
    split = max(masked.rfind("與"), masked.rfind("与"), masked.rfind(" with "))
    parties: list[str] = []
    if split >= 0:
        side_a = _mentions(before[:split], names)
        side_b = _mentions(before[split:], names)
        parties = side_a + (side_b[-1:] if side_b else [])
    else:
        parties = _mentions(before, names)
    return list(dict.fromkeys(_resolve(p, organisations, alias_to_full) for p in parties))


def _agreement_kind(sentence: str) -> str:
    if re.search(r"備忘錄|备忘录|MoU|memorandum", sentence, re.I):
        return "mou"
    if re.search(r"框架", sentence):
        return "framework"
    if re.search(r"許可|许可|licen[cs]e", sentence, re.I):
        return "licence"
    if re.search(r"合作協議|合作协议|cooperation agreement|collaboration agreement", sentence, re.I):
        return "cooperation"
    return "other"


def _witnesses(sentence: str, person_names: list[str]) -> list[str]:
    before = re.search(r"(?:由|在)(.+?)(?:共同)?(?:見證|见证)", sentence)
    if before:
        return [n for n in person_names if n in before.group(1)]
    m = re.search(r"(?:見證|见证|witnessed by|in the presence of)(.*)", sentence, re.I)
    return [n for n in person_names if n in m.group(1)] if m else []


def _dedupe(items: list[dict], key=None) -> list[dict]:
    seen, out = set(), []
    for item in items:
        k = key(item) if key else (item["kind"], tuple(item["participants"]), tuple(item["places"]))
        if k in seen:
            continue
        seen.add(k)
        out.append(item)
    return out
