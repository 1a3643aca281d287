"""People with their titles and organisations, in both orders: 科技園公司行政總裁黃克強 / 黃克強，科技園公司
行政總裁 and "HKSTP Chief Executive Officer Mak Ka-ho" / "Mr Mak Ka-ho, Chief Executive Officer of HKSTP"."""

from __future__ import annotations

import bisect
import re

from innocore.ingest.boundary import BREAKS, CJK
from innocore.ingest.places import GAZETTEER
from innocore.text import fold

TITLES = (
    "首席执行官 首席营运官 首席运营官 首席技术官 首席财务官 首席科学家 行政总裁 执行董事 董事总经理 总经理 董事长 "
    "主席 总裁 院长 所长 校长 省长 市长 区长 县长 厅长 局长 主任 党委书记 书记 创办人 创始人 联合创始人 教授 总监 "
    "经理 秘书长 处长 署长 司长 部长 科长 主管 总工程师 负责人 会长 理事长 常务副市长 合伙人 董事 研究员 巡视员 "
    "主任委员 代表 领事 总领事 大使 行政长官 特首 总书记 常委 委员 团长 司库 署理署长"
).split()
TITLE_CORE = "(?:常务)?副?(?:" + "|".join(sorted(TITLES, key=len, reverse=True)) + ")"
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石"
    "廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤温柯欧区麦冼岑庄翁容关邝曲岳毕鄺谷邢乔"
    "牛樊葛殷单骆洪包左鲁康伍申安祝纪舒屈项党尚耿游辛祁季阎倪焦葉鍾文凌施甘卓傅柳涂兰颜滕聂饶宁易姬车华蓝霍冉阮简詹古伦"
    "蒲綦燕卜娄褚俞章鲍戚费廉苗芦符贝邬卞齐萧湛禹狄臧茅庞闵童盛刁虞管缪裴荀甄芮储靳栾厉邰鄂赖蔺屠胥翟郦雍濮扈冀晏柴瞿"
    "茹艾庾衡匡寇阙蔚巩晁敖阚鞠蒯竺逯桓查梅惠纪栗宫宗丘晏荆仲师封苑隋桂郁习谌钮鄢丛练揭况景卫戈牟尤"
    "解楼"
)
# Two-character surnames (司徒穎詩, 欧阳…), folded to Simplified like SURNAMES.
COMPOUND_SURNAMES = set("司徒 欧阳 上官 诸葛 司马 东方 皇甫 令狐 公孙 慕容 夏侯 尉迟 长孙".split())
# What may follow a Chinese name: punctuation, a conjunction, or the verb of the sentence.
_AFTER_NAME = (
    "、，,及和与以等率表指认见出致（(：:。\\s会代签主在向介接共于到为陪就亦也则曾担致宣透说称结今昨随任对一参的"
)
_NAME_NOT_END = set("签署证席示领辞致会总")
# Honours written after a Chinese name (黃克強博士); they are not part of the name.
_HONOURS = "博士|教授|先生|女士|小姐|院士"
HONORIFIC = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|Professor|Ir|Sir)\.?\s+"
EN_WORD = r"[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?"
EN_NAME = rf"{EN_WORD}(?:\s{EN_WORD}){{1,2}}"
EN_TITLE_WORDS = (
    "Vice Deputy Chief Executive Operating Technology Financial Officer Director Director-General Mayor President "
    "Chairman Chairwoman Chairperson Chair Head Founder Co-founder Secretary Governor Manager Dean Minister "
    "Commissioner Partner "
    "Professor General Senior Principal Assistant Associate Managing CEO CTO COO CFO Secretary-General Party "
    "Vice-President Vice-Chairman Vice-Chancellor Pro-Vice-Chancellor Vice-Mayor Vice-Governor Chancellor Provost "
    "Rector Ambassador Consul Consul-General Under-Secretary Permanent Councillor Scientist Engineer Officer-in-charge"
).split()
_TITLE_WORD_SET = set(EN_TITLE_WORDS) | {"Technology", "Business", "Development"}
_EN_TITLE_ONE = r"(?:(?:" + "|".join(EN_TITLE_WORDS) + r")\s+)*(?:" + "|".join(EN_TITLE_WORDS) + r")"
_EN_TITLE = rf"{_EN_TITLE_ONE}(?: and {_EN_TITLE_ONE})?"
_EN_REGIONS = "|".join(
    re.escape(n)
    for kind, names in GAZETTEER
    if kind in ("city", "province")
    for n in names
    if n.isascii() and " " not in n.replace("Hong Kong", "HongKong")
)


# Offices named before the person without an organisation: "Chief Executive CY Leung", "the Secretary for
# Innovation, Technology and Industry, Professor Sun Dong", "Vice Mayor of Shenzhen Municipality Ai Xuefeng".
_OFFICE_HEAD = (
    r"(?:(?:Vice|Deputy|Acting|Under|Permanent|Associate|Assistant|Executive|Senior|Party|Board)[ -])*"
    r"(?:Chief Executive(?: Officer)?|Chief Secretary(?: for Administration)?|Financial Secretary|Chief Operating "
    r"Officer|Chief Technology Officer|Secretary(?:-General)?|Commissioner|Director(?:-General)?|Mayor|Governor|"
    r"Minister|President|Chairman|Chairwoman|Chairperson|Consul-General|Ambassador|Chief-of-Office|Head|Dean|"
    r"Vice-Chancellor|Provost|Principal|Managing Director|General Manager)"
)
_CAP = r"(?!(?:Mr|Ms|Mrs|Miss|Dr|Prof|Professor|Ir|Sir)\b)[A-Z][\w'’-]*"
_NOT_NAME = (
    r"(?!(?:Technology|Affairs|Development|Industry|Innovation|Finance|Investment|Mainland|Province|Municipality|"
    r"Government|Region|Administration|Justice|Commerce|Economic|Economy|Security|Services|Property|Promotion|"
    r"Special|Administrative|Hong|Kong|Macao|China|Chinese|People's|Republic|Committee|Council|Office|Bureau|"
    r"Department|Ministry|Commission|Treasury|Welfare|Affairs|Education|Health|Culture|Tourism|Trade|Science|"
    r"Sciences|Board|University|Corporation|Company|Group|The|CPC|Standing|Member|Secretary|Mayor|Governor|Limited|"
    r"Ltd|Holdings|Energy|Robotics|Devices|Agritech|Technologies|Institute|Centre|Center|Park|Parks|Zone)\b)"
)
# Countries, provinces and cities written in one word, and the first words of longer place names that are
# never surnames: a person's name is none of them ("the Minister of Trade of Saudi Arabia, Mr …").
_PLACE_WORDS = sorted(
    {
        n
        for kind, names in GAZETTEER
        if kind in ("country", "province", "city")
        for n in names
        if n[:1].isupper() and n.isascii() and " " not in n and len(n) >= 4
    }
    | {"Hong", "Kong", "New", "Saudi", "South", "North", "United", "Inner", "Greater", "Macao", "Macau"},
    key=len,
    reverse=True,
)
_NAME_WORD = rf"(?!(?:{'|'.join(map(re.escape, _PLACE_WORDS))})\b)(?:[A-Z]{{2}}|[A-Z][a-z]+(?:-[A-Za-z][a-z]+)?)"
_PERSON = rf"(?:{HONORIFIC})*{_NOT_NAME}{_NAME_WORD}(?:\s{_NOT_NAME}{_NAME_WORD}){{1,2}}"
# The complement of an office ("for Innovation, Technology and Industry") ends with a capitalised word.
_COMPLEMENT = rf"(?: (?:for|of|in) (?:the )?{_CAP}(?:,? (?:(?:and|&|of|for|in|of the|in the) )?{_CAP})*?)?"
_OFFICE_BEFORE = re.compile(
    rf"(?<![\w-])(?P<title>{_OFFICE_HEAD}{_COMPLEMENT}(?: \([A-Z]{{2,8}}\))?)"
    rf",?\s+(?P<name>{_PERSON})(?=\s*(?:[,.;:()]|and\b|&|said|says|witnessed|signed|led|met|visited|$|\s[a-z]))"
)


_OFFICE_AFTER = re.compile(
    rf"(?P<name>{_PERSON}),\s+(?:the\s+)?(?P<title>{_OFFICE_HEAD}{_COMPLEMENT})(?=\s*(?:[,.;)]|and\b|$))"
)


_LEADER_AFTER = re.compile(
    rf"(?:^|(?<=[，,。；;：:、“「（(\s])|(?<=贯彻|落实|学习|按照|根据|遵循|感谢|祝贺))"
    rf"(?P<name>[{CJK}]{{2,3}}?)(?P<title>总书记|国家主席|主席|总理|副总理|行政长官|特首|国务委员)"
)


def _offices_before_names(text: str, mentions, add) -> None:
    """Offices named with a person and no organisation rule: the organisation is the one named inside the
    office's title, if any ("Vice Mayor of Shenzhen Municipality")."""
    starts = [s for s, _e, _n in mentions]

    def org_in(a: int, b: int) -> str | None:
        i = bisect.bisect_left(starts, a)
        return mentions[i][2] if i < len(mentions) and mentions[i][1] <= b else None

    # "Professor Ann Lo, Secretary for Education, and …": the office after the name.
    for m in _OFFICE_AFTER.finditer(text):
        if not m.group("title").endswith((" and", " of", " for", " the")):
            add(m.group("name"), m.group("title"), org_in(*m.span("title")), m.start(), m.end())
    for m in _OFFICE_BEFORE.finditer(text):
        title = m.group("title")
        if title.endswith((" and", " of", " for", " the", ",")):
            continue
        org = org_in(*m.span("title"))
        # "Professor Sun Dong, Secretary for …, Dr David Wong": the title belongs to the name before it.
        before = re.search(rf"(?P<name>{_PERSON}),\s*$", text[max(0, m.start() - 60) : m.start()])
        if before:
            add(before.group("name"), title, org, m.start() - len(before.group()), m.end("title"))
            continue
        add(m.group("name"), title, org, m.start(), m.end())


def find_people(text: str, folded: str, mentions: list[tuple[int, int, str]], organisations: dict) -> list[dict]:
    """``mentions`` are (start, end, full name) of every organisation mention, aliases included."""
    people: dict[str, dict] = {}

    def add(name: str, title: str, org: str | None, start: int, end: int) -> None:
        name = re.sub(rf"^(?:{HONORIFIC})+", "", name).strip()
        if all(w in _TITLE_WORD_SET for w in name.split()):
            return  # "Chief Technology Officer" is a title, not a name
        title = title.strip()
        old = people.get(name)
        if old is None:
            people[name] = {"name": name, "title": title, "organization": org, "evidence": [start, end]}
            return
        # Several mentions: keep the fullest title and any organisation found.
        acronym = old["title"].isupper() and " " not in old["title"]
        if len(title) > len(old["title"]) and (org or not old["organization"] or acronym):
            old["title"] = title
        if org and not old["organization"]:
            old["organization"] = org
            old["title"] = title if title and len(title) >= len(old["title"]) else old["title"]

    _chinese(text, folded, mentions, organisations, add)
    _english(text, mentions, add)
    _offices_before_names(text, mentions, add)
    # 習近平總書記…: a leader's name before a top office, at the start of a clause.
    for m in _LEADER_AFTER.finditer(folded):
        name = m.group("name")
        if (name[0] in SURNAMES or name[:2] in COMPOUND_SURNAMES) and name[-1] not in "局会院部司厅处":
            add(
                text[m.start("name") : m.end("name")], text[m.start("title") : m.end("title")], None, m.start(), m.end()
            )
    # 行政總裁Mahadhir Aziz: a Latin name after a Chinese title.
    for m in re.finditer(rf"(?P<title>{TITLE_CORE})\s?(?P<name>{EN_NAME})", folded):
        add(text[m.start("name") : m.end("name")], text[m.start("title") : m.end("title")], None, m.start(), m.end())
    return list(people.values())


def _org_ending_at(mentions, pos: int) -> tuple[int, str] | None:
    for s, e, full in mentions:
        if e == pos:
            return s, full
    return None


def _suffix_org(fragment: str, organisations: dict) -> tuple[int, str] | None:
    """An undeclared short form: the longest tail of ``fragment`` that ends a known full name
    (創新科技及工業局 for 香港特別行政區政府創新科技及工業局)."""
    f = fold(fragment)
    for i in range(0, len(f) - 2):
        tail = f[i:]
        hits = [n for n in organisations if fold(n).endswith(tail)]
        if hits:
            return len(fragment) - len(tail), max(hits, key=len)
    return None


def _government_of(region: str, organisations: dict) -> str | None:
    """The government the text names for a region (山東省 -> 山東省人民政府); never an invented name."""
    f = fold(region)
    candidates = [n for n in organisations if fold(n).startswith(f) and fold(n).endswith("政府")]
    return max(candidates, key=len) if candidates else None


_SHORT_BREAKS = [w for w in BREAKS if len(w) > 1 or "\u4e00" <= w <= "\u9fff"]


def _descriptor_start(folded: str, mentions, t0: int) -> tuple[int, str]:
    """Where the words before a title begin (業務發展 in 科技園公司業務發展總監) and what stopped them: an
    organisation ("org"), a break word or punctuation ("break"), or the length limit ("limit")."""
    d0 = t0
    # 香港科技園公司（科技園公司）行政總裁: the short form in brackets is the organisation.
    if folded[t0 - 1 : t0] in ("）", ")") and _org_ending_at(mentions, t0 - 1):
        return t0 - 1, "org"
    while d0 > t0 - 8:
        if _org_ending_at(mentions, d0):
            return d0, "org"
        if d0 == 0 or not ("\u4e00" <= folded[d0 - 1] <= "\u9fff"):
            return d0, "break"
        if any(folded.startswith(w, d0 - len(w)) for w in _SHORT_BREAKS):
            return d0, "break"
        d0 -= 1
    return (d0, "org") if _org_ending_at(mentions, d0) else (t0, "limit")


def _chinese(text, folded, mentions, organisations, add) -> None:
    # 行政長官林鄭月娥: a married name of four (her husband's surname, then hers); 部長金壯龍19日: a date after it.
    run = re.compile(
        rf"(?P<title>{TITLE_CORE})[\u3000 ]?(?P<name>[{CJK}]{{2,4}}?)(?=[{_AFTER_NAME}]|{_HONOURS}|$|\d{{1,2}}日)"
    )
    region = re.compile(rf"[{CJK}]{{1,4}}?[省市区县]$")
    last_org = None
    for m in run.finditer(folded):
        name_f = m.group("name")
        if name_f[0] not in SURNAMES or name_f[-1] in _NAME_NOT_END:
            continue
        if len(name_f) == 4 and not (name_f[1] in SURNAMES or name_f[:2] in COMPOUND_SURNAMES):
            continue
        t0 = m.start("title")
        d0, stop = _descriptor_start(folded, mentions, t0)
        org, title_start = None, t0
        ending = _org_ending_at(mentions, d0) if stop == "org" else None  # "org": one ends at d0
        if ending is not None:
            org = ending[1]
            title_start = t0 if d0 == t0 - 1 else d0
        else:
            frag_start = max(text.rfind(c, 0, t0) for c in "，,。、（(：:；;「」“”\n ") + 1
            frag = text[frag_start:t0]
            suffix = _suffix_org(frag, organisations) if len(frag) >= 3 else None
            reg = region.fullmatch(folded[d0:t0]) if d0 < t0 else None
            if suffix:
                org = suffix[1]
            elif reg:
                title_start = d0
                org = _government_of(text[d0:t0], organisations)
            elif stop == "break":
                title_start = d0
                if folded[d0 - 1 : d0] in ("、", "及", "和", "与") and last_org:
                    org = last_org
        title = text[title_start : m.end("title")]
        last_org = org or last_org
        add(text[m.start("name") : m.end("name")], title, org, title_start, m.end())
    # NAME（ORG TITLE）: 季永川（晟川新能董事長）, the title in brackets after the name.
    for m in re.finditer(rf"(?P<name>[{CJK}]{{2,3}})[（(](?P<inner>[^（）()]{{2,30}}?)[）)]", folded):
        inner = m.group("inner")
        title = re.search(rf"{TITLE_CORE}$", inner)
        if m.group("name")[0] not in SURNAMES or not title:
            continue
        org = next(
            (full for s, e, full in mentions if s == m.start("inner") and e <= m.start("inner") + title.start()), None
        )
        start = m.start("inner") + (title.start() if org else 0)
        add(text[m.start("name") : m.end("name")], text[start : m.end("inner")], org, m.start(), m.end())
    # TITLE 奧馬爾·哈希米: a transliterated foreign name after the title.
    for m in re.finditer(
        rf"(?P<title>{TITLE_CORE})(?P<name>[{CJK}]{{1,5}}[·‧・][{CJK}]{{1,6}}?)(?=[{_AFTER_NAME}]|$)", folded
    ):
        d0, stop = _descriptor_start(folded, mentions, m.start("title"))
        ending = _org_ending_at(mentions, d0) if stop == "org" else None
        org = ending[1] if ending else None
        add(text[m.start("name") : m.end("name")], text[m.start("title") : m.end("title")], org, m.start(), m.end())
    # ORG(的)NAME TITLE: 泰安市科學技術局鄒寧遠局長, the title after the name.
    after = re.compile(rf"的?(?P<name>[{CJK}]{{2,3}}?)(?P<title>{TITLE_CORE})(?=[{_AFTER_NAME}]|$)")
    for s, e, full in mentions:
        hit = after.match(folded, e)
        if hit and hit.group("name")[0] in SURNAMES and not re.search(f"[{_AFTER_NAME}的]", hit.group("name")):
            add(
                text[hit.start("name") : hit.end("name")],
                text[hit.start("title") : hit.end("title")],
                full,
                s,
                hit.end(),
            )
    # NAME，ORG TITLE，
    for m in re.finditer(rf"(?P<name>[{CJK}]{{2,3}})[，,](?P<rest>[{CJK}]{{3,30}}?{TITLE_CORE})[，,]", folded):
        if m.group("name")[0] not in SURNAMES:
            continue
        rest_start = m.start("rest")
        org_hit = next(((s, e, full) for s, e, full in mentions if s == rest_start and e < m.end("rest")), None)
        if org_hit is None:
            continue
        add(
            text[m.start("name") : m.end("name")],
            text[org_hit[1] : m.end("rest")],
            org_hit[2],
            m.start(),
            m.end(),
        )


def _english(text, mentions, add) -> None:
    names = sorted({text[s:e] for s, e, _f in mentions}, key=len, reverse=True)
    full_of = {text[s:e]: f for s, e, f in mentions}
    alt = "|".join(re.escape(n) for n in names if not re.search(f"[{CJK}]", n)) or r"(?!x)x"
    # "Ms Gao Yuxin, Vice Mayor of the Qingdao Municipal People's Government"; "Ms Tam Hoi-yan, Head of Mainland
    # Business, briefed …"
    for m in re.finditer(rf"(?P<name>(?:{HONORIFIC})*{EN_NAME}),\s+(?P<seg>[^,;()\n]+)", text):
        seg = m.group("seg")
        with_org = re.match(rf"(?P<title>{_EN_TITLE}(?: of [A-Z][\w ]+?)?) (?:of|at) (?:the )?(?P<org>{alt})\b", seg)
        if with_org:
            org = full_of.get(with_org.group("org"))
            add(m.group("name"), with_org.group("title"), org, m.start(), m.start("seg") + with_org.end())
            continue
        bare = re.match(rf"(?P<title>{_EN_TITLE}(?: of [A-Z][\w ]+)?)\s*$", seg)
        if (
            bare
            and re.match(HONORIFIC, m.group("name"))
            and not re.search(r" (?:of|at) (?:the )?[A-Z]", seg[bare.end("title") :])
        ):
            add(m.group("name"), bare.group("title"), None, m.start(), m.end())
    # "HKSTP Chief Executive Officer Mak Ka-ho"; "led by its Deputy Director-General Mr Han Xuefeng"
    for m in re.finditer(
        rf"(?:(?P<org>{alt})(?:'s)?\s+|\bits\s+)(?P<title>{_EN_TITLE})\s+(?P<name>(?:{HONORIFIC})?{EN_NAME})", text
    ):
        if m.group("org"):
            org = full_of.get(m.group("org"))
        else:
            before = [(s, f) for s, e, f in mentions if e <= m.start()]
            org = max(before)[1] if before else None
        add(m.group("name"), m.group("title"), org, m.start(), m.end())
        # "… Chief Executive Officer Mak Ka-ho and Director of Business Development So Wai-lam": the same organisation.
        second_title = rf"{_EN_TITLE}(?: of [A-Z][a-z]+(?: [A-Z][a-z]+)*)?"
        more = re.match(rf"\s+and\s+(?P<title>{second_title})\s+(?P<name>(?:{HONORIFIC})?{EN_NAME})", text[m.end() :])
        if more:
            add(more.group("name"), more.group("title"), org, m.end(), m.end() + more.end())
    # "Tidewell's Chief Technology Officer, Dr Janet Leung": a possessive title before the name.
    for m in re.finditer(rf"(?P<org>{alt})'s\s+(?P<title>{_EN_TITLE}),\s+(?P<name>(?:{HONORIFIC})*{EN_NAME})", text):
        add(m.group("name"), m.group("title"), full_of.get(m.group("org")), m.start(), m.end())
    # "Qingdao Vice Mayor Gao Yuxin": an office titled by its jurisdiction, held at that jurisdiction's government.
    for m in re.finditer(
        rf"\b(?P<region>{_EN_REGIONS})\s+(?P<title>{_EN_TITLE})\s+(?P<name>(?:{HONORIFIC})*{EN_NAME})", text
    ):
        governments = [f for _s, _e, f in mentions if f.startswith(m.group("region")) and "Government" in f]
        org = max(governments, key=len) if governments else None
        add(m.group("name"), f"{m.group('region')} {m.group('title')}", org, m.start(), m.end())
