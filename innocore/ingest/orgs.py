"""Organisations in a press release: Chinese names found by their suffix, English names by their head
word, short forms declared in brackets, kinds and stated parents.

Chinese is matched on the folded (Simplified) text, which has the same length as the original, so
offsets found there hold in the original script too.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from innocore.ingest.boundary import _CJK_CHAR, AND_NAMES, CJK, left_boundary, strip_leading
from innocore.ingest.places import _CJK_PLACES, gazetteer_kind, is_place_prefix, starts_with_place
from innocore.text import fold, fold_same

# Name endings (folded forms), tried longest first at each position.
ORG_SUFFIXES = [
    ("控股集团股份有限公司", "holding"),
    ("控股集团有限公司", "holding"),
    ("控股股份有限公司", "holding"),
    ("控股有限公司", "holding"),
    ("集团股份有限公司", "enterprise"),
    ("集团有限公司", "enterprise"),
    ("股份有限公司", "enterprise"),
    ("有限责任公司", "enterprise"),
    ("有限公司", "enterprise"),
    ("控股集团", "holding"),
    ("集团", "enterprise"),
    ("公关公司", "media"),
    ("公司", "enterprise"),
    ("人民政府", "government"),
    ("政府", "government"),
    ("管理委员会", "government"),
    ("管委会", "government"),
    ("委员会", "government"),
    ("办公室", "government"),
    ("办事处", "government"),
    ("促进中心", "government"),
    ("署", "government"),
    ("厅", "government"),
    ("局", "government"),
    ("共同体", "alliance"),
    ("联合会", "alliance"),
    ("促进会", "alliance"),
    ("基金会", "alliance"),
    ("交易所", "enterprise"),
    ("机构", "government"),
    ("联盟", "alliance"),
    ("协会", "alliance"),
    ("商会", "alliance"),
    ("研究院", "research_institute"),
    ("研究所", "research_institute"),
    ("科学院", "research_institute"),
    ("创新中心", "research_institute"),
    ("研究中心", "research_institute"),
    ("研发中心", "research_institute"),
    ("大学", "university"),
    ("学院", "university"),
    ("医院", "enterprise"),
    ("院", "research_institute"),
]
_SUFFIX_RE = re.compile("|".join(re.escape(s) for s, _k in sorted(ORG_SUFFIXES, key=lambda sk: -len(sk[0]))))
# Office titles that begin with a suffix character (局长, 院长) or hold one (副厅长): not a name end.
_TITLE_AFTER = re.compile(r"长")
GENERIC_ORG = {
    fold_key
    for fold_key in (
        "公司 集团 大学 学院 政府 园区公司 本公司 该公司 科技公司 当地政府 地方政府 创新院 研究院 科学院 医院 "
        "附属公司 全资附属公司 全资子公司 子公司 母公司 控股公司 公关公司 创新中心 研发中心 研究中心 委员会 "
        "管理委员会 管委会 "
        "人民政府 省政府 市政府 有限公司 法定机构 香港政府 特区政府 内地政府 科学园公司 中央政府 两地政府"
    ).split()
}
# Words that end like an organisation but name something else: 產業佈局, 新發展格局, 展廳.
_NOT_A_BODY = re.compile(
    "(?:董事局|董事会|校董会|签署|部署|布署|联署|连署|新局|布局|格局|大局|开局|结局|当局|全局|时局|僵局|政局|展厅|大厅|餐厅|客厅|会议厅|宴会厅|展览厅|"
    "上市公司|初创公司|跨国公司|中资公司|港资公司|外资公司|科创公司|企业集团|两地政府|本地大学|海外大学)$"
)
_DESCRIPTOR = re.compile(
    r"^(?:[一二三四五六七八九十两几多数\d]+[间家个所位名对]|个|各|本|该|其|多|有关|相关|上述|不少|部分)|园区公司$|园区企业$"
)

# English organisation head words; a name ends with one (plus "of …" for some).
EN_ORG_WORDS = {
    "Limited": "enterprise",
    "Ltd.": "enterprise",
    "Ltd": "enterprise",
    "Inc.": "enterprise",
    "Corporation": "enterprise",
    "Company": "enterprise",
    "Group": "enterprise",
    "Holdings": "holding",
    "University": "university",
    "College": "university",
    "Institute": "research_institute",
    "Academy": "research_institute",
    "Laboratory": "research_institute",
    "Centre": "research_institute",
    "Center": "research_institute",
    "Council": "government",
    "Commission": "government",
    "Department": "government",
    "Bureau": "government",
    "Government": "government",
    "Authority": "government",
    "Committee": "government",
    "Office": "government",
    "Agency": "government",
    "Alliance": "alliance",
    "Organization": "alliance",
    "Ministry": "government",
    "Municipality": "government",
    "Exchange": "enterprise",
    "Organisation": "alliance",
    "Association": "alliance",
    "Federation": "alliance",
    "Foundation": "alliance",
    "Chamber": "alliance",
    "Hospital": "enterprise",
    "Consultants": "media",
}
# Head words that take an "of …" complement: Department of Commerce, University of China.
_EN_OF_HEADS = {
    "Ministry",
    "University",
    "Institute",
    "Academy",
    "Department",
    "Bureau",
    "Commission",
    "Chamber",
    "College",
}
_EN_FOR_HEADS = {"Centre", "Center", "Institute", "Commission", "Office", "Council", "Agency", "Foundation", "Alliance"}
# Words that end a name to the left: titles, honorifics and section words.
EN_STOP = set(
    "About Photo Media Mr Ms Mrs Dr Prof Professor Sir Ir Officer Director Director-General Mayor President Chairman "
    "Chairperson Chair Head Founder Co-founder Secretary Governor Manager Dean Minister Commissioner Deputy Vice Chief "
    "Executive Senior Partner CEO CTO COO CFO Our Their Its This That These Those On In At By From With For As After "
    "Before During Under When Where While Members Member Tel Email Phone Fax Website Page".split()
)
_EN_TOKEN = re.compile(r"[A-Z][\w'’\-–.&]*|&|of|and|for|the|de")
_EN_ACRONYM = re.compile(r"^(?:[A-Z]{2,}[A-Za-z]*|[A-Z][a-z]+[A-Z][A-Za-z]*)$")
_SITE_WORDS = {"Park", "Parks", "InnoPark", "Centre", "Center", "Zone", "Area", "District", "Port"}
# Named places that are never organisations even though they end like one.
NOT_ORGS = {
    "the government",
    "advanced manufacturing centre",
    "microelectronics centre",
    "innocentre",
    "hong kong science park",
}


@dataclass
class Found:
    text: str
    start: int
    end: int
    extra: dict = field(default_factory=dict)


def _cjk_candidates(text: str, folded: str) -> list[Found]:
    out: list[Found] = []
    for m in _SUFFIX_RE.finditer(folded):
        end = m.end()
        after = folded[end : end + 2]
        # 局长, 院长, 厅长: a title, not the end of a name; 副厅长: the same, one character on.
        if _TITLE_AFTER.match(after) or folded[m.start() - 1 : m.start()] == "副":
            continue
        # A longer suffix continues here (…研究院 then 院长 is handled above; 集团 then 有限公司 is one suffix).
        # 晟川新能（香港）有限公司: a place in brackets inside the name.
        bracket = re.search(rf"[{CJK}][（(][{CJK}]{{2,4}}[）)]$", folded[max(0, m.start() - 8) : m.start()])
        start, why = left_boundary(folded, m.start() - (len(bracket.group()) - 1 if bracket else 0))
        # 發展和改革委員會, 工業和信息化廳: a conjunction inside a department's name.
        for phrase in AND_NAMES:
            i = folded.rfind(phrase, max(0, start - len(phrase)), m.start())
            if i != -1 and i < start <= i + len(phrase):
                start, why = left_boundary(folded, i)
                break
        start, why = _join_over_conjunction(folded, start, why)
        start = strip_leading(folded, start, end)
        # 福田区区委书记兼河套发展署: a title inside the run ends whatever came before it.
        titles = [t.end() for t in _INNER_TITLE.finditer(folded, start, m.start())]
        if titles:
            start = titles[-1]
        # 数码港今天与深圳市前海管理局, 數碼港昨與深港科技合作促進會: a day, then "with", ends a clause.
        clauses = [c.end() for c in _DAY_WITH.finditer(folded, start, m.start())]
        if clauses:
            start = clauses[-1]
        name = folded[start:end]
        if len(name) < 4 or name in GENERIC_ORG or _DESCRIPTOR.search(name) or _NOT_A_BODY.search(name):
            continue
        if name.endswith("机构") and not (_starts_with_place(folded, start) and len(_strip_place(name)) >= 4):
            continue  # 科研机构, 中介服务机构: a kind of body, not a name
        kind = kind_of(text[start:end])
        out.append(Found(text[start:end], start, end, {"kind": kind, "boundary": why}))
    # 數字合作組織(Digital Cooperation Organization): Chinese words glossed by an English organisation's name.
    for m in re.finditer(
        rf"([{CJK}]{{3,20}})[（(]((?:[A-Z][\w'’&.-]*\s+)(?:(?:[A-Z][\w'’&.-]*|of|and|for|the)\s+)*([A-Z]\w+))[）)]",
        text,
    ):
        if m.group(3) not in EN_ORG_WORDS:
            continue
        start, why = left_boundary(folded, m.end(1))
        if m.end(1) - start >= 4 and folded[start : m.end(1)] not in GENERIC_ORG:
            name = text[start : m.end(1)]
            extra = {"kind": EN_ORG_WORDS[m.group(3)], "boundary": why, "gloss": m.span(2)}
            out.append(Found(name, start, m.end(1), extra))
    # Quoted names: 「綠色產業與環境安全創新創業共同體」
    for m in re.finditer(r"[「“]([^」”]{4,40})[」”]", text):
        inner = fold(m.group(1))
        # A quoted slogan (「走在前、开新局」) is no name: no list marks inside, no word that only ends like one.
        if re.search("[、，,。；;！!]", inner) or _NOT_A_BODY.search(inner):
            continue
        suffix = _SUFFIX_RE.search(inner)
        if suffix and suffix.end() == len(inner):
            out.append(Found(m.group(1), m.start(1), m.end(1), {"kind": kind_of(m.group(1)), "boundary": "hard"}))
    # 香港特別行政區政府創新科技及工業局: a government followed by its bureau is one name.
    for f in list(out):
        if fold(f.text).endswith("政府"):
            bureau = re.match(f"([{CJK}]{{2,10}}?(?:局|署|处|办公室))(?!长)", folded[f.end :])
            if bureau and not bureau.group(1).startswith("副") and not re.search("与|和|、|的", bureau.group(1)):
                e = f.end + bureau.end(1)
                out.append(Found(text[f.start : e], f.start, e, {"kind": "government", "boundary": "hard"}))
    # A development zone that declares a short form and signs is acting as an organisation (its committee).
    for m in re.finditer(f"[{CJK}]{{2,14}}?(?:开发区|高新区|新区|示范区)(?=[（(])", folded):
        start, why = left_boundary(folded, m.end() - 1)
        sentence = folded[folded.rfind("。", 0, start) + 1 : (folded.find("。", m.end()) + 1) or len(folded)]
        if m.end() - start >= 4 and _ALIAS.match(text, m.end()) and re.search("签署|签订|签约", sentence):
            out.append(Found(text[start : m.end()], start, m.end(), {"kind": "industrial_zone", "boundary": why}))
    # Coordinated departments: 山東省科技廳及商務廳 -> also 山東省商務廳.
    for f in list(out):
        other = re.match(f"(?:及|和|与|、)([{CJK}]{{2,4}}(?:厅|局))(?!长)", folded[f.end :])
        prefix = re.match(f"[{CJK}]{{1,4}}?[省市]", folded[f.start : f.end])
        if other and prefix and fold(f.text).endswith(("厅", "局")):
            s, e = f.end + other.start(1), f.end + other.end(1)
            name = text[f.start : f.start + prefix.end()] + text[s:e]
            out.append(Found(name, s, e, {"kind": "government", "boundary": "hard", "coordinated": True}))
    return out


_DAY_WITH = re.compile(
    "(?:今天|今日|昨天|昨日|昨|前天|日前|近日|早前|同日|当日|上午|下午|(?:周|星期)[一二三四五六日天])[与和同跟]"
)
_INNER_TITLE = re.compile("书记|主任|市长|省长|区长|局长|厅长|部长|主席|总裁|董事长|秘书长|院长|校长|会长|经理|兼")


def _starts_with_place(folded: str, start: int) -> bool:

    return starts_with_place(folded, start)


def _is_place_or_government(prefix: str) -> bool:
    folded = fold_same(prefix)
    return _is_place_prefix(folded) or folded.endswith("政府")


def _is_world_city(word: str) -> bool:

    return gazetteer_kind(word) == "city"


def _is_gazetteer_place(name: str) -> bool:

    return gazetteer_kind(name) is not None


def _is_place_prefix(part: str) -> bool:

    return is_place_prefix(part)


def _strip_place(name: str) -> str:

    m = _CJK_PLACES.match(name)
    return name[m.end() :] if m else name


def _join_over_conjunction(folded: str, start: int, why: str) -> tuple[int, str]:
    """香港廣州創新及科技協會: a name cut at 及/和/与 goes on to the left when the words there begin with a
    place and are not a name of their own (山東省科技廳及商務廳 stays two departments)."""
    if why != "word" or start < 3 or folded[start - 1] not in "及和与":
        return start, why
    left, left_why = left_boundary(folded, start - 1, limit=12)
    part = folded[left : start - 1]
    if len(part) < 2 or not _starts_with_place(folded, left) or _SUFFIX_RE.search(part[-3:]):
        return start, why
    if _INNER_TITLE.search(part) or _SUFFIX_RE.search(part):
        return start, why  # 總裁方舜文及華潤集團: a person, or a name of its own, before the conjunction
    if _is_place_prefix(part) or re.search("(?:区|园|港|城|中心|市|省|县)$", part):
        return start, why  # 數碼港及香港城市大學, 濟南市高新區及齊魯工業大學: two names
    return left, left_why


def _en_candidates(text: str) -> list[Found]:
    out: list[Found] = []
    for line_m in re.finditer(r"[^\n]+", text):
        line, base = line_m.group(), line_m.start()
        tokens = [(m.group(), m.start() + base, m.end() + base) for m in _EN_TOKENS.finditer(line)]
        for i, (tok, _s, _e) in enumerate(tokens):
            word = tok if tok in EN_ORG_WORDS else tok.rstrip(".")
            if word not in EN_ORG_WORDS or tok in ("Co.", "Co"):
                continue
            end_i = _en_complement_end(tokens, i) if word in _EN_OF_HEADS or word in _EN_FOR_HEADS else i
            start_i = _en_head_start(text, tokens, i, end_i, word)
            if start_i >= i and end_i == i:
                continue  # a bare head word ("the Department") is a reference, not a name
            s, e = tokens[start_i][1], tokens[end_i][2]
            name = text[s:e].rstrip(",")
            if name.endswith(".") and not name.endswith(("Co.", "Ltd.", "Inc.")):
                name = name[:-1]
            if name.lower() in NOT_ORGS or len(name.split()) < 2 or re.fullmatch(r"(?:The|the) \S+", name):
                continue
            out.append(Found(name, s, s + len(name), {"kind": kind_of(name), "boundary": "hard"}))
    # "The Hong Kong Special Administrative Region (HKSAR) government", "the Guangdong provincial government".
    for m in re.finditer(
        r"(?<![\w-])((?:[A-Z][\w'’-]*\s+){1,6}(?:\([A-Z]{2,8}\)\s+)?(?:provincial\s+|municipal\s+|city\s+)?government)\b",
        text,
    ):
        words = m.group(1).split()
        while words and (words[0] in EN_STOP or words[0] in ("The", "the")):
            words = words[1:]
        name = " ".join(words)
        if len(words) >= 2 and text[m.end(1) - len(name) : m.end(1)] == name:
            out.append(Found(name, m.end(1) - len(name), m.end(1), {"kind": "government", "boundary": "hard"}))
    # "University College London": a college or university followed by its city.
    for f in list(out):
        city = re.match(r"\s([A-Z][a-z]+)\b", text[f.end :])
        if city and f.text.endswith(("College", "University")) and _is_world_city(city.group(1)):
            e = f.end + city.end()
            out.append(Found(text[f.start : e], f.start, e, {"kind": "university", "boundary": "hard"}))
    # Campus names: "Harbin Institute of Technology, Weihai".
    for f in list(out):
        campus = re.match(r",\s+([A-Z][a-z]+)(?=[,.)]|\s+where)", text[f.end :])
        if campus and re.search(r"University|Institute", f.text):
            e = f.end + campus.end()
            out.append(Found(text[f.start : e], f.start, e, {"kind": f.extra["kind"], "boundary": "hard"}))
    # "Invest Hong Kong (InvestHK)": a capitalised name that declares an acronym is an organisation.
    for m in re.finditer(r"((?:[A-Z][\w'’\-–]*\s+){1,5}[A-Z][\w'’\-–]*)\s+\(([A-Z][A-Za-z]{1,12})\)", text):
        words = m.group(1).split()
        while words and words[0] in EN_STOP:
            words = words[1:]
        # Only a proper name declares an acronym this way: "Artificial Intelligence (AI)" is no organisation.
        regional = words and words[-1] in ("Region", "Area", "Zone", "District", "Province", "City")
        if len(words) >= 2 and _EN_ACRONYM.match(m.group(2)) and _HAS_PLACE.search(" ".join(words)) and not regional:
            name = " ".join(words)
            s = m.end(1) - len(name)
            if text[s : m.end(1)] == name:
                out.append(Found(name, s, m.end(1), {"kind": kind_of(name), "boundary": "hard"}))
    return out


_HAS_PLACE = re.compile(
    r"\b(?:Hong Kong|Shandong|China|Chinese|Macao|Jinan|Qingdao|Yantai|Weifang|Zibo|Weihai|Rizhao|Linyi|Dongying|"
    r"Jining|Tai'an|Dezhou|Liaocheng|Binzhou|Heze|Zaozhuang|Guangdong|Shenzhen|Beijing|Shanghai|Asia|Qilu)\b"
)
_EN_TOKENS = re.compile(r"[^\s,;:()\"“”]+|[,;:()\"“”]")


def _en_complement_end(tokens: list, i: int) -> int:
    """Last token of "of …" complements after a head word: University of China, Department of Commerce of
    Shandong Province, Bureau of Science and Technology, Department of Industry and Information Technology."""
    end_i, j = i, i + 1
    # "Centre for Chinese Herbal Medicine Drug Development": some heads take "for …" as well.
    links = ("of", "for") if tokens[i][0].rstrip(".") in _EN_FOR_HEADS else ("of",)
    while j + 1 < len(tokens) and tokens[j][0] in links and _is_cap(tokens[j + 1][0]):
        k = j + 1
        while k < len(tokens) and _is_cap(tokens[k][0]) and tokens[k][0] not in EN_STOP:
            k += 1
            if tokens[k - 1][0].endswith("."):
                break
        # One or two capitalised words after "and" that end the name (not "… and Science Park company").
        if k + 1 < len(tokens) and tokens[k][0] == "and" and _is_cap(tokens[k + 1][0]):
            width = 0
            for n in (1, 2):
                last = tokens[k + n][0] if k + n < len(tokens) else ""
                after = tokens[k + n + 1][0] if k + n + 1 < len(tokens) else ""
                if not _is_cap(last) or last.rstrip(".") in _SITE_WORDS:
                    break
                if last.endswith(".") or not _is_cap(after):
                    width = n
                    break
            k += 1 + width if width else 0
        end_i, j = k - 1, k
    return end_i


def _en_head_start(text: str, tokens: list, i: int, end_i: int, word: str) -> int:
    """First token of a name whose head word is token ``i``: capitalised words to the left, "and" between
    capitalised words (Science and Technology Parks), "Co.," before "Ltd."; not titles or a sentence end."""
    j = i - 1
    crossed_and: list[int] = []
    while j >= 0:
        t = tokens[j][0]
        if t == "," and j >= 1 and tokens[j - 1][0] in ("Co.", "Co") and word in ("Ltd.", "Ltd"):
            j -= 1
            continue
        if t.endswith(".") and t not in ("Co.", "Ltd.", "Inc.", "St."):
            break  # the end of the previous sentence
        if _is_cap(t) and t not in EN_STOP and t.rstrip(".") not in EN_STOP:
            j -= 1
            continue
        if t in ("and", "&") and j >= 1 and _is_cap(tokens[j - 1][0]) and not _ends_entity(tokens, j - 1):
            crossed_and.append(j)
            j -= 1
            continue
        break
    start_i = j + 1
    # "… of Industry and Information Technology and Shandong University": that "and" joined two names.
    if crossed_and and j >= 0 and tokens[j][0] == "of":
        start_i = crossed_and[0] + 1
    # "Chief Executive CY Leung and Standing Committee …": the words after a title are a person, not a name.
    if crossed_and and j >= 0 and tokens[j][0].rstrip(".") in EN_STOP:
        start_i = crossed_and[0] + 1
    # A leading "The" is an article at the start of a sentence, but part of the names of Hong Kong's
    # universities wherever they stand ("The Hong Kong University of Science and Technology").
    span = text[tokens[start_i][1] : tokens[end_i][2]]
    sentence_start = start_i == 0 or tokens[start_i - 1][0] in (".", ":", "–", "—", "-")
    if tokens[start_i][0] == "The" and sentence_start and not ("University" in span and "Hong Kong" in span):
        start_i += 1
    return start_i


def _is_cap(token: str) -> bool:
    return token[:1].isupper()


def _ends_entity(tokens: list, j: int) -> bool:
    """Whether the words ending at token ``j`` already form a whole name (an acronym, an organisation or a
    park), so that a following "and" starts another name: "HKSTP and Ocean University of China"."""
    t = tokens[j][0].rstrip(".")
    if _EN_ACRONYM.match(t) and t.upper() == t:
        return True
    return t in EN_ORG_WORDS or t in ("InnoPark", "InnoParks", "Park", "Zone", "Area", "District")


def kind_of(name: str) -> str:
    f = fold(name)
    if "公关" in f or re.search(r"Public Relations|\bPR\b|Communications", name):
        return "media"
    if re.search("(?:开发区|高新区|新区|示范区|园区|zone|area).{0,4}(?:管理委员会|管委会)$", f) or re.search(
        r"Zone (?:Management )?Committee$|Area (?:Management )?Committee$", name
    ):
        return "industrial_zone"
    if re.search(r"Institute of Technology|University", name) and not re.search(r"(?:Centre|Center|Laboratory)$", name):
        return "university"
    if re.search("(?:控股|holdings)", f):
        return "holding"
    if re.search(r"Parks Corporation$|Cyberport Management Company", name) or f.endswith(
        ("科技园公司", "数码港管理有限公司")
    ):
        return "park_operator"
    for suffix, kind in ORG_SUFFIXES:
        if f.endswith(suffix):
            return kind
    words = name.replace(",", " ").split()
    for word in reversed(words):
        if word in EN_ORG_WORDS:
            return EN_ORG_WORDS[word]
    return "enterprise"


def _overlaps(a: Found, b: Found) -> bool:
    return a.start < b.end and b.start < a.end


def find_organisations(
    text: str, folded: str, extra: Sequence[Found] = (), known: Sequence[Found] = (), rejected=None
) -> list[Found]:
    """Every organisation mention, longest first where mentions overlap, with short prefixes snapped away:
    a name glued to the verb before it (接見科技園公司) becomes the name seen elsewhere (科技園公司).

    ``known`` are occurrences of names known before reading (the gazetteer of public bodies, names the
    platform accepted): a candidate that cuts one, crosses it or glues words before it gives way to it.
    ``rejected(name)`` tells a string reviewers struck out; it is never proposed."""
    known = sorted(known, key=lambda k: k.start)
    known_ends = [k.end for k in known]  # non-overlapping, so ends ascend with starts
    known_spans = {(k.start, k.end) for k in known}
    candidates = [
        c
        for c in _cjk_candidates(text, folded) + _en_candidates(text) + list(extra)
        if not _gives_way(c, known, bisect.bisect_right(known_ends, c.start), known_spans, folded)
        and not (rejected and rejected(c.text))
    ]
    # Guangdong-Hong Kong-Macao Greater Bay Area (GBA): a place that declares a short form is still a place.
    candidates = [c for c in candidates if not _is_gazetteer_place(c.text)]
    candidates += list(known)
    # The English gloss of a Chinese name is that name, not a second organisation.
    glosses = {c.extra["gloss"] for c in candidates if "gloss" in c.extra}
    candidates = [c for c in candidates if (c.start, c.end) not in glosses]
    ordered = sorted(candidates, key=lambda f: (f.start, -(f.end - f.start)))
    out: list[Found] = []
    for f in ordered:
        if out and _overlaps(f, out[-1]):
            if f.end - f.start > out[-1].end - out[-1].start and not out[-1].extra.get("coordinated"):
                out[-1] = f
            continue
        out.append(f)
    return out


# Words before a known name that make a longer name with it: the state (国家科技部), or the level of an
# implied region (市商务局, 省委台港澳办).
_PLACE_PREFIX = re.compile(r"(?:国家|中国|中央|国务院|中共|中华人民共和国)$|^[省市区县](?:委|政府)?$")


def _gives_way(c: Found, known: Sequence[Found], first: int, spans: set, folded: str) -> bool:
    """Whether candidate ``c`` is a wrong cut of a known name: inside it, crossing it, or the known name with
    words before it that are not a place (他感谢山东省政府 for 山东省政府; 上海临港集团 keeps 上海).
    ``known`` is sorted, ``known[first]`` is the first one ending after ``c`` starts, ``spans`` are theirs."""

    for j in range(first, len(known)):
        k = known[j]
        if k.start >= c.end:
            break  # nothing further overlaps
        if (c.start, c.end) == (k.start, k.end):
            continue
        if k.start <= c.start and c.end <= k.end:
            return True  # 内地事务局 inside 政制及内地事务局
        if c.start < k.start and c.end > k.end:
            continue  # the known name inside a longer name
        if c.start >= k.start or c.end < k.end:
            return c.start > k.start or c.end < k.end  # crossing
        prefix = folded[c.start : k.start]
        # 香港特區政府勞工及福利局: a known body (or a government) before the known one is its parent.
        parent = (c.start, k.start) in spans or prefix.endswith("政府")
        if _CJK_CHAR.search(prefix) and not (is_place_prefix(prefix) or _PLACE_PREFIX.search(prefix) or parent):
            return True
    return False


def snap_to_known(found: list[Found], known: set[str], text: str) -> list[Found]:
    """A mention whose left edge was not set by punctuation, and which ends with a name seen elsewhere with a
    clean edge, is that name: 回訪香港科技園公司 -> 香港科技園公司, 代理綠匯能源科技有限公司 -> 綠匯能源科技有限公司.
    A mention that declares a short form right after it (X（Y）) is a full name and is kept."""
    out: list[Found] = []
    latin_names = {f.text for f in found if not _CJK_CHAR.search(f.text)}
    for f in found:
        # "…Bureau of Commerce and Hong Kong Science and Technology Parks Corporation": a name cut at "and"
        # is the longer name the text spells out in full right there.
        longer = [
            n for n in latin_names if len(n) > len(f.text) and n.endswith(" " + f.text) and text[: f.end].endswith(n)
        ]
        if longer and f.text in latin_names:
            n = max(longer, key=len)
            f = Found(n, f.end - len(n), f.end, dict(f.extra))
            if out and out[-1].end > f.start:
                out.pop()
        declares = _ALIAS.match(text, f.end) is not None
        if f.extra.get("boundary") != "hard" and f.text not in known and not declares:
            tails = [k for k in known if len(k) >= 4 and f.text.endswith(k) and k != f.text]
            if tails:
                k = max(tails, key=len)
                f = Found(k, f.end - len(k), f.end, dict(f.extra, boundary="hard"))
        out.append(f)
    return out


_ALIAS = re.compile(
    r"\s*[（(]\s*(?:简称|簡稱|以下简称|以下簡稱|下稱|下称|the\s+)?[「“\"]?([^（）()」”\"，,;；]{2,40}?)[」”\"]?\s*[）)]"
)
_NOT_ALIAS = re.compile(
    r"\d|^(?:[左右中][一二三四五六七八九十\d]?|前排.*|后排.*|後排.*|(?:from )?(?:left|right|centre|center|middle)"
    r"|.*row.*)$|^[a-z]"
    r"|協議|协议|備忘錄|备忘录|合同|agreement|MoU|memorand"
)


def find_aliases(text: str, orgs: list[Found]) -> dict[int, list[tuple[str, int, int]]]:
    """X（Y） and "X (Y)" right after an organisation mention declare Y as X's short form."""
    aliases: dict[int, list[tuple[str, int, int]]] = {}
    for i, org in enumerate(orgs):
        m = _ALIAS.match(text, org.end)
        if not m or _NOT_ALIAS.search(m.group(1)):
            continue
        # 香港應用科技研究院（應科院／ASTRI）: several short forms in one bracket.
        offset = m.start(1)
        for part in re.split(r"\s*[/／]\s*", m.group(1)):
            start = text.find(part, offset)
            offset = start + len(part)
            alias = part.strip()
            # A short form is shorter than the name and written in its script, or an acronym in capitals.
            same_script = bool(_CJK_CHAR.search(alias)) == bool(_CJK_CHAR.search(org.text))
            if len(alias) < 2 or len(alias) >= len(org.text) or not (same_script or _ACRONYM.fullmatch(alias)):
                continue
            aliases.setdefault(i, []).append((alias, start, start + len(alias)))
    return aliases


_ACRONYM = re.compile(r"[A-Z][A-Za-z&]{1,9}")


_PARENT_PATTERNS = (
    # child … parent
    r"(?P<child>{n})(?:[（(][^）)]{{1,20}}[）)])?(?:，|,)?\s*(?:是|为|乃|係)?(?P<parent>{n})的(?:全资)?(?:附属公司|子公司|附属机构|下属企业|旗下企业)",
    r"(?P<child>{n})(?:[（(][^）)]{{1,20}}[）)])?(?:，|,)?\s*(?:是|为)(?P<parent>{n})旗下(?:的)?(?:企业|公司|机构)",
    r"(?P<child>{n})(?:[（(][^）)]{{1,20}}[）)])?(?:，|,)?\s*(?:[^，。]{{0,12}})?隶属于(?P<parent>{n})",
    r"(?P<child>{n})(?:\s*\([^)]{{1,40}}\))?,\s+an?\s+(?:wholly[- ]owned\s+)?subsidiary\s+of\s+"
    r"(?:the\s+)?(?P<parent>{n})",
    # parent … child
    r"(?P<parent>{n})(?:旗下|属下|下属)(?:的)?(?P<child>{n})",
)


def find_parents(text: str, folded: str, names: list[str]) -> list[tuple[str, str]]:
    """(child, parent) pairs the text states: 旗下, 隶属于, 全資附屬公司, "a subsidiary of"."""
    if not names:
        return []
    alt = "|".join(re.escape(fold_same(n)) for n in sorted(names, key=len, reverse=True))
    pairs = []
    for pattern in _PARENT_PATTERNS:
        for m in re.finditer(pattern.format(n=alt), folded):
            child = text[m.start("child") : m.end("child")]
            parent = text[m.start("parent") : m.end("parent")]
            if child != parent:
                pairs.append((child, parent))
    return pairs


_GOVERNMENT_WORDS = {"Department", "Bureau", "Commission", "Government", "Committee", "Office"}


def en_variant_of(name: str, full_names: list[str]) -> str | None:
    """The full name a mention stands for: a Chinese tail of it (創新科技及工業局), an English tail broken off by a
    line end ("Kong Marine Green … Centre"), or for public bodies the same words reordered ("Shandong
    Department of Commerce")."""
    if _CJK_CHAR.search(name):
        # 創新科技及工業局 for 香港特別行政區政府創新科技及工業局: an undeclared short form.
        # 數碼港 for 香港數碼港, 駐滬辦 for 香港特區政府駐滬辦: three characters will do after a place or a government.
        tails = [
            f
            for f in full_names
            if len(f) > len(name)
            and f.endswith(name)
            and (len(name) >= 4 or (len(name) == 3 and _is_place_or_government(f[: -len(name)])))
        ]
        return max(tails, key=len) if tails else None
    words = set(re.findall(r"[\w'’\-–]+", name)) - {"of", "the", "and", "The"}
    for full in sorted(full_names, key=len, reverse=True):
        if full == name or _CJK_CHAR.search(full):
            continue
        if full.endswith(" " + name) and len(name.split()) >= 3:
            return full
        full_words = set(re.findall(r"[\w'’\-–]+", full)) - {"of", "the", "and", "The"}
        if words & _GOVERNMENT_WORDS and words < full_words and len(words) >= 3:
            return full
    return None
