"""Events (visit, meeting, site visit, signing, launch, matchmaking) and signed agreements, with their
parties, witnesses and dates resolved against the dateline."""

from __future__ import annotations

import datetime as dt
import re

from innocore.ingest.clean import MONTHS, CleanDocument

EVENT_WORDS = [
    (
        "signing",
        r"簽署|签署|簽訂|签订|簽約|签约|續簽|续签|簽定|签定|\bsigned\b|\binked\b"
        r"|\brenewed (?:an? |the |their |its )?(?:MoU|memorand|agreement|partnership)"
        r"|\bsign(?:ing)? (?:of )?(?:an? |the )?(?:MoU|memorand|agreement)",
    ),
    (
        "meeting",
        r"拜會|拜会|拜訪|拜访|會見|会见|會晤|会晤|接見|接见|会面|會面|接待|座談|座谈|會談|会谈|宴請|宴请"
        r"|\bmet\b|courtesy call|called on|received by|roundtable|\bheld talks\b|joint meeting|\bmeeting with\b"
        r"|\bwelcomed the delegation|\breceived (?:Mr|Ms|Mrs|Dr|Prof)\b",
    ),
    ("site_visit", r"參觀|参观|考察(?![團团])|\btoured\b|visited the|site visit"),
    (
        "launch",
        r"啟動|启动|揭牌|揭幕|開幕|开幕|發佈|發布(?!時間|日期)|发布(?!时间|日期)|成立儀式"
        r"|\blaunched\b|launch of|inaugurat|went live",
    ),
    ("matchmaking", r"對接會|对接会|配對會|配对会|matchmaking session|business matching"),
    ("visit", r"訪問|访问|到訪|到访|回訪|回访|率領代表團|率领代表团|率团|率團|delegation (?:visited|to)|\bvisited\b"),
]
SIGN_VERB = re.compile(
    r"簽署|签署|簽訂|签订|簽約|签约|續簽|续签|簽定|签定|\bsign(?:ed|s|ing)?\b|\binked\b"
    r"|\brenew(?:ed|s)?\b(?= (?:an? |the |their |its )?(?:MoU|memorand|agreement|partnership))",
    re.I,
)
_PLANNED = re.compile(r"將於|将于|將會|将会|計劃|计划|擬|拟|\bwill\b|\bto sign\b|work towards|plan(?:s|ned)? to", re.I)
_AGREEMENT_KINDS = [
    ("mou", r"備忘錄|备忘录|\bMoUs?\b|memorand"),
    ("framework", r"框架"),
    ("licence", r"許可|许可|licen[cs]e"),
    (
        "cooperation",
        r"合作協議|合作协议|技術合作|技术合作|聯合研發協議|联合研发协议|cooperation agreement|collaboration agreement",
    ),
    ("other", r"協議|协议|agreement|contract"),
]
_CONJ_CN = re.compile(r"與|与|同|跟|和|及")
_COORD = re.compile(
    r"^(?:\s*(?:[、，,及和与與]|以及|and|&|the|company|Science Park company|園區公司|园区公司|园区企业)\s*)*$"
)
CN_NUM = {c: i for i, c in enumerate("零一二三四五六七八九十", start=0)}


def _cn_number(raw: str) -> int:
    if raw.isdigit():
        return int(raw)
    if raw == "十":
        return 10
    if raw.startswith("十"):
        return 10 + CN_NUM[raw[1]]
    if raw.endswith("十"):
        return CN_NUM[raw[0]] * 10
    if "十" in raw:
        a, b = raw.split("十")
        return CN_NUM[a] * 10 + CN_NUM[b]
    return CN_NUM.get(raw, 0)


_NUM = r"\d{1,2}|[一二三四五六七八九十]{1,3}"
_AGENCY_DATELINE = re.compile(rf"(?:{_NUM})\s*月\s*(?:{_NUM})\s*日\s*[讯訊电電]")


def resolve_date(sentence: str, published: str | None, previous: str | None) -> str | None:
    """The most precise date a sentence states, resolved against the dateline; ``previous`` for 同日."""
    if not published:
        return None
    # "闪电新闻10月20日讯 19日下午，…": the agency's dateline dates the report; a date the sentence
    # states after it dates the event.
    dateline = _AGENCY_DATELINE.search(sentence)
    if dateline:
        rest = resolve_date(sentence[: dateline.start()] + " " + sentence[dateline.end() :], published, previous)
        if rest is not None:
            return rest
    pub = dt.date.fromisoformat(published)
    m = re.search(rf"本月\s*({_NUM})\s*[日号]", sentence)
    if m:
        return f"{pub.year:04d}-{pub.month:02d}-{_cn_number(m.group(1)):02d}"
    m = re.search(rf"(今年|去年)?\s*({_NUM})\s*月\s*({_NUM})\s*[日号]", sentence)
    if m:
        year = pub.year - (m.group(1) == "去年")
        month, day = _cn_number(m.group(2)), _cn_number(m.group(3))
        if 1 <= month <= 12 and 1 <= day <= 31:
            return f"{year:04d}-{month:02d}-{day:02d}"
    m = re.search(r"\b(\d{1,2})(?: and \d{1,2})? (" + "|".join(MONTHS) + r")\b", sentence, re.I)
    if m:
        month = MONTHS[m.group(2).lower()]
        year = pub.year if month <= pub.month else pub.year - 1
        return f"{year:04d}-{month:02d}-{int(m.group(1)):02d}"
    # 19日下午: a day of the dateline's month.
    m = re.search(r"(?<![\d月./-])(\d{1,2})\s*[日号](?:上午|下午|晚上|晚|中午|早上|傍晚|，|,)", sentence)
    if m and 1 <= int(m.group(1)) <= pub.day:
        return f"{pub.year:04d}-{pub.month:02d}-{int(m.group(1)):02d}"
    if re.search(r"同日|同一天|當日|当日|on the same day", sentence, re.I) and previous:
        return previous
    shift = _relative_day(sentence)
    if shift is not None and previous and len(previous) == 10:
        return (dt.date.fromisoformat(previous) + dt.timedelta(days=shift)).isoformat()
    m = re.search(r"\bon (" + "|".join(_WEEKDAYS) + r")\b", sentence, re.I)
    if m:
        back = (pub.weekday() - _WEEKDAYS.index(m.group(1).capitalize())) % 7
        return (pub - dt.timedelta(days=back)).isoformat()
    if re.search(r"今日|今天|\btoday\b|this morning", sentence, re.I):
        return published
    if re.search(r"昨日|昨天|\byesterday\b", sentence, re.I):
        return (pub - dt.timedelta(days=1)).isoformat()
    m = re.search(rf"(今年|去年)\s*({_NUM})\s*月", sentence)
    if m:
        return f"{pub.year - (m.group(1) == '去年'):04d}-{_cn_number(m.group(2)):02d}"
    if re.search(r"上月|上個月|上个月|last month", sentence, re.I):
        return f"{pub.year if pub.month > 1 else pub.year - 1:04d}-{(pub.month - 2) % 12 + 1:02d}"
    m = re.search(r"\bin (" + "|".join(MONTHS) + r")( last year)?\b", sentence, re.I)
    if m:
        month = MONTHS[m.group(1).lower()]
        year = pub.year - 1 if m.group(2) or month > pub.month else pub.year
        return f"{year:04d}-{month:02d}"
    if re.search(r"近日|日前|recently", sentence, re.I):
        return VAGUE
    return None


_WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
_NEXT_DAY = re.compile(r"翌日|次日|第二天|第二日|隔天|\b(?:the )?(?:next|following) (?:day|morning|afternoon)", re.I)
_DAY_BEFORE = re.compile(
    r"前一天|前一日|前一晚|前夕|\bon the eve of\b|\b(?:the )?(?:day|evening|night) before\b"
    r"|\bthe previous (?:day|evening)",
    re.I,
)


def _relative_day(sentence: str) -> int | None:
    """翌日 / "the next day": +1; 前一天 / "the evening before": -1, against the story's current date."""
    if _NEXT_DAY.search(sentence):
        return 1
    if _DAY_BEFORE.search(sentence):
        return -1
    return None


VAGUE = "vague"  # a stated but vague time (近日): the event has no date


def agreement_kind(text: str) -> str:
    for kind, pattern in _AGREEMENT_KINDS:
        if re.search(pattern, text, re.I):
            return kind
    return "other"


class Context:
    """What the event rules need to know about the document."""

    def __init__(self, doc: CleanDocument, mentions, people: list[dict]):
        self.doc = doc
        self.text = doc.text
        self.mentions = mentions  # (start, end, full name), sorted
        self.people = people
        self.person_org = {p["name"]: p.get("organization") for p in people}
        self.published = doc.dateline[1] if doc.dateline and doc.dateline[1] else None
        self.person_spans = sorted(
            (m.start(), m.end(), p["name"])
            for p in people
            for m in re.finditer(re.escape(p["name"]), self.text)
            if len(p["name"]) >= 2
        )

    def orgs_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        return [m for m in self.mentions if s <= m[0] and m[1] <= e]

    def people_in(self, s: int, e: int) -> list[tuple[int, int, str]]:
        return [m for m in self.person_spans if s <= m[0] and m[1] <= e]

    def masked(self, s: int, e: int) -> str:
        """The text with organisation names blanked out, so that 與 inside a name is not a conjunction."""
        chars = list(self.text[s:e])
        for a, b, _n in self.orgs_in(s, e):
            for i in range(a - s, b - s):
                chars[i] = "＊"
        return "".join(chars)


def _group_before(ctx: Context, s: int, e: int) -> list[str]:
    """The coordinated organisations (or signatories' organisations) nearest before ``e``."""
    items = sorted(
        [(a, b, n, "org") for a, b, n in ctx.orgs_in(s, e)] + [(a, b, n, "person") for a, b, n in ctx.people_in(s, e)]
    )
    if not items:
        return []
    text = ctx.text
    pronoun = [m.end() for m in re.finditer(r"我們|我们|\bwe\b", text[s:e], re.I)]
    if pronoun and s + pronoun[-1] > items[-1][1]:
        speaker = _speaker_org(ctx, s + pronoun[-1])
        return [speaker] if speaker else []
    group = [items[-1]]
    for prev in reversed(items[:-1]):
        gap = text[prev[1] : group[0][0]]
        gap = re.sub(r"[（(][^）)]{1,40}[）)]|[（()）]", "", gap)
        # 科技園公司首席營運官陳卓謙: the organisation, its title and the person are one signatory.
        same_person_org = (
            prev[3] == "org" and group[0][3] == "person" and len(gap) <= 12 and not re.search("[，,、及与與和]", gap)
        )
        if same_person_org or _COORD.match(gap) or (prev[2] == group[0][2]):
            group.insert(0, prev)
            continue
        break
    return _orgs_of(ctx, group)


def _orgs_of(ctx: Context, items) -> list[str]:
    out: list[str] = []
    for i, (_a, _b, name, what) in enumerate(items):
        if what == "org":
            out.append(name)
        else:
            org = ctx.person_org.get(name)
            # Skip when the person's organisation is written right before (科技園公司首席營運官陳卓謙).
            if org and not (i and items[i - 1][3] == "org" and items[i - 1][2] == org):
                out.append(org)
    return list(dict.fromkeys(out))


def _speaker_org(ctx: Context, pos: int) -> str | None:
    """The organisation of the person quoted around ``pos`` (…黃克強表示：「我們…」)."""
    para = next((p for p in ctx.doc.paragraphs if p.start <= pos <= p.end), None)
    if para is None:
        return None
    quote_open = max(ctx.text.rfind("「", para.start, pos), ctx.text.rfind("“", para.start, pos))
    if quote_open < 0:
        return None
    speakers = [n for a, b, n in ctx.person_spans if para.start <= a and b <= quote_open]
    return ctx.person_org.get(speakers[-1]) if speakers else None


def _agreements_in_sentence(ctx: Context, s: int, e: int) -> list[dict]:
    text = ctx.text
    out = []
    for verb in SIGN_VERB.finditer(text, s, e):
        v = verb.start()
        if _PLANNED.search(text[max(s, v - 12) : v]):
            continue
        clause_start = max([s] + [text.rfind(c, s, v) + 1 for c in "，,;；：:"])
        # 甲局局長王永平今天與乙市副市長劉應力，簽署…: a comma between the signatories and the verb.
        if clause_start > s and not ctx.orgs_in(clause_start, v) and not ctx.people_in(clause_start, v):
            clause_start = max([s] + [text.rfind(c, s, clause_start - 1) + 1 for c in "，,;；：:"])
        masked = ctx.masked(clause_start, v)
        two_sides = False
        if re.search(r"[A-Za-z]", text[v : v + 6]):
            parties = _english_parties(ctx, s, v, e, verb)
        else:
            conj = [m.start() for m in _CONJ_CN.finditer(masked)]
            if not conj:
                parties = _group_before(ctx, s, v)
            else:
                # 甲分別與乙和丙簽署: 與/同/跟 separates the sides; 和/及 may join names on one side.
                sides = [m.start() for m in re.finditer("與|与|同|跟", masked)]
                c = clause_start + (sides[0] if sides else conj[-1])
                right_start = c + 1
                de = [m.start() for m in re.finditer("的", ctx.masked(right_start, v))]
                if de:
                    right_start += de[-1] + 1
                right = _orgs_of(ctx, [(a, b, n, "org") for a, b, n in ctx.orgs_in(right_start, v)])
                if not right:
                    right = _orgs_of(ctx, [(a, b, n, "person") for a, b, n in ctx.people_in(right_start, v)])
                left = _group_before(ctx, s, c)
                parties = left + right
                # 甲局局長與乙市副市長簽署: a signatory without a stated organisation still makes a side.
                two_sides = bool(ctx.orgs_in(clause_start, c) or ctx.people_in(clause_start, c)) and bool(
                    ctx.orgs_in(right_start, v) or ctx.people_in(right_start, v)
                )
        parties = list(dict.fromkeys(p for p in parties if p))
        if len(parties) < 2 and not (parties and two_sides):
            continue
        tail = text[verb.end() : e]
        kind_text = re.split(r"[，,。;；]", tail, maxsplit=1)[0] or text[s:e]
        out.append(
            {
                "kind": agreement_kind(kind_text)
                if agreement_kind(kind_text) != "other"
                else agreement_kind(text[s:e]),
                "parties": parties,
                "witnesses": _witnesses(ctx, s, e),
                "evidence": [s, e],
                "_clause": (clause_start, verb.end()),
            }
        )
    return out


def _english_parties(ctx: Context, s: int, v: int, e: int, verb: re.Match) -> list[str]:
    text = ctx.text
    after = text[verb.end() : e]
    by = re.match(r"\s+by\s+(.*?)(?:,?\s+and\s+witnessed|,?\s+witnessed|,?\s+with\s+[^.]*\bas witnesses|\.|$)", after)
    if by:
        a = verb.end() + by.start(1)
        b = verb.end() + by.end(1)
        items = sorted([(x, y, n, "person") for x, y, n in ctx.people_in(a, b)])
        return _orgs_of(ctx, items)
    # "five agreements signed on stage", "were signed": a passive with no agent names no parties.
    passive = re.search(r"(?:agreements?|MoUs?|memorand\w+|contracts?|deals?|were|was|been|be)\s+$", text[s:v], re.I)
    if passive and not re.match(r"\s+between\s", after):
        return []
    stops = [m.end() for m in re.finditer(r"(?<!\bLtd)(?<!\bCo)(?<!\bInc)(?<!\bMr)(?<!\bMs)(?<!\bDr)\.\s", text[s:v])]
    left = _group_before(ctx, s + stops[-1] if stops else s, v)
    between = re.match(r"\s+between\s+(.*?)(?:\s+(?:on|in|at|to|for|under|covering|witnessed)\s|$)", after)
    with_ = re.search(r"\bwith\s+(?:the\s+)?", after[:120])
    right: list[str] = []
    if between:
        a = verb.end() + between.start(1)
        right = [n for _x, _y, n in ctx.orgs_in(a, verb.end() + between.end(1))]
    elif with_:
        a = verb.end() + with_.end()
        nxt = ctx.orgs_in(a, e)
        right = [nxt[0][2]] if nxt and nxt[0][0] - a <= 2 else []
        # "… with A, B and C": the names coordinated after the first.
        for prev, cur in zip(nxt, nxt[1:], strict=False):
            if not right or not _COORD.match(text[prev[1] : cur[0]]):
                break
            right.append(cur[2])
    return left + right


def _witnesses(ctx: Context, s: int, e: int) -> list[str]:
    """People in the clause that says they witnessed: …，甲及乙見證 / 由甲及乙見證 / "witnessed by A and B"."""
    text = ctx.text[s:e]
    names = [n for _a, _b, n in ctx.people_in(s, e)]
    m = re.search(r"([^，,。；;：:]+?)(?:共同)?(?:見證|见证)", text)
    if m:
        return [n for n in names if n in m.group(1)]
    m = re.search(r"(?:witnessed by|in the presence of)(.*)|\bwith\s(.*)\bas witnesses", text, re.I)
    if m:
        return [n for n in names if n in (m.group(1) or m.group(2))]
    return []


_SENTENCE_END = re.compile(
    r"[。！？!?]+[」”]?|(?<!\bMr)(?<!\bMs)(?<!\bDr)(?<!\bCo)(?<!\bNo)(?<!\bMrs)(?<!\bProf)\.(?=\s+[A-Z“\"])"
)


def sentence_spans(text: str, start: int = 0) -> list[tuple[int, int]]:
    """Sentences of a paragraph: Chinese full stops, and English full stops before a capital letter (not
    after Mr, Ms, Dr, Co.)."""
    spans, s = [], 0
    for m in _SENTENCE_END.finditer(text):
        if text[s : m.end()].strip():
            spans.append((start + s, start + m.end()))
        s = m.end()
    if text[s:].strip():
        spans.append((start + s, start + len(text)))
    return spans


def _is_heading(p) -> bool:
    """A section heading ("Courtesy call and site visit", 泰安：現代農業科技) names topics, not events."""
    return p.kind == "body" and len(p.text) <= 40 and not re.search(r"[。.!?！？」”:：]\s*$", p.text)


def _sentences(doc: CleanDocument, kinds: tuple[str, ...]):
    for p in doc.paragraphs:
        if p.kind not in kinds or _is_heading(p):
            continue
        for s, e in sentence_spans(p.text, p.start):
            yield p, s, e


def text_of(ctx: Context, s: int, e: int) -> str:
    return ctx.text[s:e]


def _list_agreements(ctx: Context) -> list[dict]:
    """Signing pairs listed under an intro that says they signed: a numbered list, a table, bullets."""
    out = []
    paragraphs = ctx.doc.paragraphs
    for i, p in enumerate(paragraphs):
        if p.kind != "list":
            continue
        intro = next((q for q in reversed(paragraphs[:i]) if q.kind != "list"), None)
        if intro is None or not SIGN_VERB.search(intro.text) or _PLANNED.search(intro.text):
            continue
        bullet = re.match(r"\s*(?:\(?\d{1,2}[.、)）]|[•·‧●\-–])\s*", p.text)
        body_start = p.start + (bullet.end() if bullet else 0)
        first_end = sentence_spans(text_of(ctx, body_start, p.end), body_start)[0][1]
        cut = re.search(r"，|, on |, for ", ctx.text[body_start:first_end])
        end = body_start + cut.start() if cut else first_end
        parties = list(dict.fromkeys(n for _a, _b, n in ctx.orgs_in(body_start, end)))
        if len(parties) < 2:
            continue
        kind = agreement_kind(p.text) if re.search("|".join(k for _n, k in _AGREEMENT_KINDS), p.text, re.I) else None
        out.append(
            {
                "kind": kind or agreement_kind(intro.text),
                "parties": parties,
                "witnesses": _witnesses(ctx, intro.start, intro.end),
                "evidence": [p.start, p.end],
                "_intro": intro,
            }
        )
    return out


def find_events(ctx: Context, places: list[dict]) -> tuple[list[dict], list[dict]]:
    text = ctx.text
    published = ctx.published
    events: list[dict] = []
    agreements: list[dict] = []
    # The story's current date: an undated event happens when the one told before it did.
    current = published
    last_stated = None
    for _p, s, e in _sentences(ctx.doc, ("dateline", "body", "list")):
        sentence = text[s:e]
        kinds = event_kinds(sentence)
        stated = resolve_date(_without_dateline(ctx.doc, s, e), published, current)
        # 當時 / "at the time": the date the previous sentence stated.
        if stated is None and re.match(r"\s*(?:當時|当时|At (?:that|the) time)", sentence, re.I):
            stated = last_stated
        last_stated = stated if stated and stated != VAGUE else None
        if stated == VAGUE:
            stated = None
            current = None
        date = stated or current
        if stated and len(stated) == 10 and not _PLANNED.search(sentence):
            current = stated
        found = _agreements_in_sentence(ctx, s, e) if "signing" in kinds else []
        for a in found:
            own = resolve_date(_without_dateline(ctx.doc, *a.pop("_clause")), published, current)
            a["date"] = own if own and own != VAGUE else date
        agreements.extend(found)
        if not kinds or _PLANNED.search(sentence):
            continue
        orgs = list(dict.fromkeys(n for _a, _b, n in ctx.orgs_in(s, e)))
        ppl = list(dict.fromkeys(n for _a, _b, n in ctx.people_in(s, e)))
        plc = [pl["name"] for pl in places if pl["name"] in sentence]
        for kind in kinds:
            if kind == "signing":
                continue
            event = {
                "kind": kind,
                "date": date,
                "places": plc,
                "participants": orgs + ppl,
                "parties": [],
                "evidence": [s, e],
            }
            if kind == "site_visit":
                event["places"] = [
                    pl["name"] for pl in places if pl["name"] in sentence and pl["kind"] in ("zone", "site")
                ] or plc
            events.append(event)
    for a in _list_agreements(ctx):
        intro = a.pop("_intro")
        stated = resolve_date(intro.text, published, None)
        a["date"] = stated if stated and stated != VAGUE else published
        agreements.append(a)
    agreements = _dedupe_agreements(agreements)
    for a in agreements:
        s, e = a["evidence"]
        events.append(
            {
                "kind": "signing",
                "date": a["date"],
                "places": [pl["name"] for pl in places if pl["name"] in text[s:e]],
                "participants": list(a["parties"]) + list(a["witnesses"]),
                "parties": list(a["parties"]),
                "evidence": [s, e],
            }
        )
    events.sort(key=lambda ev: ev["evidence"][0])
    return _dedupe(events), agreements


def _without_dateline(doc: CleanDocument, s: int, e: int) -> str:
    """The sentence with the dateline blanked out: its date is the publication date, not the event's."""
    sentence = doc.text[s:e]
    if doc.dateline_span and s <= doc.dateline_span[1] and doc.dateline_span[0] < e:
        a, b = max(doc.dateline_span[0], s) - s, min(doc.dateline_span[1], e) - s
        sentence = sentence[:a] + " " * (b - a) + sentence[b:]
    return sentence


def _dedupe_agreements(agreements: list[dict]) -> list[dict]:
    """The same signing told twice (summary, then details) is one agreement: keep the first account, merged."""
    out: list[dict] = []
    for a in agreements:
        same = next((b for b in out if set(a["parties"]) == set(b["parties"])), None)
        if same:
            same["witnesses"] = list(dict.fromkeys(same["witnesses"] + a["witnesses"]))
            if same["kind"] == "other" and a["kind"] != "other":
                same["kind"] = a["kind"]
            continue
        out.append(a)
    return [a for a in out if not any(set(a["parties"]) < set(b["parties"]) for b in out)]


# 是次訪問, "this visit", 會面中, 訪問期間: a reference back to an activity already told, not a new one.
_BACK_REFERENCE = re.compile(r"(?:是次|今次|此次|本次|這次|这次|該次|该次|\bthis\s|\bthe\s)$", re.I)
_DURING = re.compile(r"^(?:期間|期间|中|時|时|後|后)")


def event_kinds(sentence: str) -> list[str]:
    """The kinds of activity a sentence reports, leaving out references back to one already told."""
    kinds = []
    for kind, pattern in EVENT_WORDS:
        for m in re.finditer(pattern, sentence, re.I):
            if kind in ("visit", "meeting") and (
                _BACK_REFERENCE.search(sentence[max(0, m.start() - 6) : m.start()])
                or _DURING.match(sentence[m.end() :])
            ):
                continue
            kinds.append(kind)
            break
    # 參觀…並到訪…工廠, "visited the plant": touring a site is the site visit, not a second visit.
    if "site_visit" in kinds and "visit" in kinds:
        kinds.remove("visit")
    return kinds


_ONE_PER_DAY = ("visit", "matchmaking", "launch")


def _dedupe(items: list[dict]) -> list[dict]:
    """One event per activity: the same kind, participants, places and date once; and one visit, matchmaking
    session or launch per date, with the participants and places of every sentence that tells it."""
    seen: set[tuple] = set()
    out: list[dict] = []
    by_day: dict[tuple[str, str | None], dict] = {}
    for item in items:
        k = (item["kind"], tuple(item["participants"]), tuple(item["places"]), item["date"])
        if k in seen:
            continue
        seen.add(k)
        day = (item["kind"], item["date"])
        if item["kind"] in _ONE_PER_DAY and item["date"] and day in by_day:
            first = by_day[day]
            first["participants"] = list(dict.fromkeys(first["participants"] + item["participants"]))
            first["places"] = list(dict.fromkeys(first["places"] + item["places"]))
            continue
        by_day[day] = item
        out.append(item)
    return out
