"""Rule-based extraction of programme facts from a cleaned press release, with evidence spans.

Works on the cleaned text; every item carries ``evidence`` = [start, end] offsets into it. The rules
live by field in ``orgs``, ``people``, ``places`` and ``events``; this module runs them in order
(organisations first: people, places and events all refer to them) and assembles the result.
"""

from __future__ import annotations

import bisect
import re

from innocore.ingest.clean import CleanDocument, Paragraph
from innocore.ingest.events import Context, find_events
from innocore.ingest.lexicon import Lexicon, body_of, find_government_units, find_names, find_signing_regions, lexicon
from innocore.ingest.orgs import (
    CJK,
    EN_ORG_WORDS,
    GENERIC_ORG,
    ORG_SUFFIXES,
    Found,
    en_variant_of,
    find_aliases,
    find_organisations,
    find_parents,
    kind_of,
    snap_to_known,
)
from innocore.ingest.people import COMPOUND_SURNAMES, SURNAMES, TITLE_CORE, find_people
from innocore.ingest.places import find_places, gazetteer_kind
from innocore.text import detect_script, fold, fold_same

CJK_EXCLUDED = "、，。；：与和及的长主任副在于将已年第度今合对向为同跟把被让给从到来"
_PARK_COMPANY = re.compile(r"(?:園區公司|园区公司|園區企業|园区企业|Science Park company|科學園公司|科学园公司)\s*$")


def extract(doc: CleanDocument, known: dict | None = None) -> dict:
    """The programme facts of ``doc``. ``known`` is what the platform already knows (see
    ``lexicon.lexicon``): known names are found with their exact boundaries, rejected strings never
    proposed; without it, only the built-in gazetteers are used."""
    text = doc.text
    folded = fold_same(text)
    lex = lexicon(known)
    members = [m for m in _members(doc) if not lex.is_rejected(m["name"])]
    listed = [
        Found(m["name"], m["evidence"][0], m["evidence"][1], {"kind": kind_of(m["name"]), "boundary": "hard"})
        for m in members
        if text[m["evidence"][0] : m["evidence"][1]] == m["name"]
    ]
    found = find_organisations(text, folded, listed, _known_orgs(text, folded, lex), lex.is_rejected)
    clean_names = {f.text for f in found if f.extra.get("boundary") == "hard"}
    found = snap_to_known(found, clean_names, text)
    found = _every_occurrence(found, clean_names, text)
    aliases = find_aliases(text, found)
    organisations, alias_to_full = _register(found, aliases)
    for name in list(organisations):
        target = en_variant_of(name, [n for n in organisations if n != name])
        if target and not organisations[name]["aliases"]:
            organisations.pop(name)
            alias_to_full[name] = target
    mentions = _mentions(text, found, organisations, alias_to_full)
    _merge_variants(organisations, alias_to_full, mentions)
    _merge_known_bodies(organisations, alias_to_full, mentions)
    for child, parent in find_parents(text, folded, list(organisations) + list(alias_to_full)):
        child, parent = alias_to_full.get(child, child), alias_to_full.get(parent, parent)
        if child in organisations and parent in organisations and not organisations[child]["parent"]:
            organisations[child]["parent"] = parent
            if organisations[parent]["kind"] == "enterprise":
                organisations[parent]["kind"] = "holding"
    for m in members:
        if m["name"] not in organisations and m["name"] not in alias_to_full:
            organisations[m["name"]] = {
                "name": m["name"],
                "aliases": [],
                "kind": kind_of(m["name"]),
                "parent": None,
                "evidence": m["evidence"],
            }
    if not members:
        members = _prose_members(doc, mentions, organisations)
    _park_companies(text, mentions, organisations, members)
    people = find_people(text, folded, mentions, organisations)
    people = [p for p in people if not lex.is_rejected(p["name"])] + _known_people(
        text, folded, lex, people, organisations
    )
    contacts = _contacts(doc, organisations, alias_to_full)
    known_people = {p["name"] for p in people}
    for c in contacts:
        title = c.pop("_title")
        if c["name"] not in known_people:
            people.append(
                {"name": c["name"], "title": title, "organization": c["organization"], "evidence": c["evidence"]}
            )
    blocked = [(s, e) for s, e, _n in mentions]
    # 深圳市常務副市長劉應力: a place inside a person's title is part of the title, not a mention.
    blocked += [tuple(p["evidence"]) for p in people if p.get("title")]
    universities = [(text[s:e], s, e) for s, e, n in mentions if organisations.get(n, {}).get("kind") == "university"]
    places = find_places(
        text,
        folded,
        blocked,
        universities,
        exact_blocked=_committee_short_names(folded, alias_to_full),
        zone_committees=[n for n, o in organisations.items() if o["kind"] == "industrial_zone"],
        known=[(s, e, n, lex.places[n]) for s, e, n in find_names(lex.places, text, folded)],
    )
    places = [p for p in places if not lex.is_rejected(p["name"])]
    events, agreements = find_events(Context(doc, mentions, people), places)
    head = doc.of_kind("headline")
    title = _title(doc)
    return {
        "title": title,
        "language": _language(text),
        "published": doc.dateline[1] if doc.dateline and doc.dateline[1] else None,
        "organizations": sorted(organisations.values(), key=lambda o: o["evidence"][0]),
        "people": sorted(people, key=lambda p: p["evidence"][0]),
        "places": places,
        "events": events,
        "agreements": agreements,
        "delegation_members": [m["name"] for m in members],
        "contacts": contacts,
        "evidence": {"title": [head[0].start, head[-1].end] if head else None},
    }


_SUB_UNIT = re.compile(
    f"((?:[^{CJK_EXCLUDED}\\W\\d]{{1,8}}?(?:司|部|局|署|处|办公室|办事处|代表处|支队|大队|事务组|委员会))|驻[{CJK}]{{1,3}}办)"
    "(?!长)"
)
_CAMPUS = re.compile(f"[（(]([{CJK}]{{2,4}})[）)]")
_NOT_SUB_UNIT = re.compile(
    # 應科院首席營運總監司徒…: a title, then a surname, is no unit of the body.
    "^(?:部署|签署|布署|中心|部|局|处|组|董事局|董事会|校董会)$|^[副总]|首席|总监|主席|总裁|经理|主任|秘书|董事"
)
# China Unicom Global, Huawei Technologies Co., Ltd.: an English known name followed by words that only a
# company's own name carries is that longer name.
_EN_CORPORATE_TAIL = re.compile(
    r"(?:\s+(?:Global|International|Group|Holdings|Technologies|Technology|Corporation|Company|Limited|Ltd\.?"
    r"|Co\.,?(?:\s+Ltd\.?)?|Inc\.|\(Hong Kong\)|\(HK\)|Hong Kong Limited|Asia Pacific))+"
)


def _known_people(text: str, folded: str, lex: Lexicon, people: list[dict], organisations: dict) -> list[dict]:
    """Known people the rules did not find, with the title written right before or after the name here (none
    if the text gives none: a title the platform knows may be out of date); the known organisation only
    when this text names it."""
    found = {p["name"] for p in people}
    out: list[dict] = []
    for s, e, name in find_names(lex.people, text, folded):
        if name in found or lex.is_rejected(name):
            continue
        found.add(name)
        info = lex.people[name]
        before = re.search(f"(?:{TITLE_CORE})$", folded[max(0, s - 12) : s])
        after = re.match(TITLE_CORE, folded[e : e + 12])
        title = text[s - len(before.group()) : s] if before else text[e : e + len(after.group())] if after else ""
        org = info["organization"] if info["organization"] in organisations else None
        out.append(
            {
                "name": name,
                "title": title,
                "organization": org,
                "evidence": [s - (len(before.group()) if before else 0), e],
            }
        )
    return out


def _known_orgs(text: str, folded: str, lex: Lexicon) -> list[Found]:
    """Occurrences of known organisations, of regional government units and of cities signing as
    governments, longest first where they overlap."""
    hits = [(s, e, lex.organisations[n]) for s, e, n in find_names(lex.organisations, text, folded)]
    hits += [(s, e, "government") for s, e in find_government_units(folded) + find_signing_regions(folded)]
    # 教育部國際司, 香港貿發局江蘇代表處: a unit written right after a known body is that body's unit;
    # 香港科技大學（廣州）: a campus in brackets is part of the name.
    for s, e, kind in list(hits):
        m = _SUB_UNIT.match(folded, e)
        if m and not _NOT_SUB_UNIT.match(m.group(1)):
            hits.append((s, m.end(1), kind))
        tail = _EN_CORPORATE_TAIL.match(text, e) if text[e - 1 : e].isascii() else None
        if tail:
            hits.append((s, tail.end(), kind))
        campus = _CAMPUS.match(folded, e)
        if campus and gazetteer_kind(campus.group(1)) in ("city", "province", "district"):
            hits.append((s, campus.end(), kind))
    hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
    out: list[Found] = []
    for s, e, kind in hits:
        if out and s < out[-1].end:
            continue
        if lex.is_rejected(text[s:e]) or fold(text[s:e]) in GENERIC_ORG:
            continue
        out.append(Found(text[s:e], s, e, {"kind": kind, "boundary": "hard", "known": True}))
    return out


def _occurrences(text: str, word: str) -> list[int]:
    """Start offsets of the non-overlapping occurrences of ``word`` (a plain search, no pattern to compile)."""
    out, i = [], text.find(word)
    while i != -1:
        out.append(i)
        i = text.find(word, i + len(word))
    return out


def _every_occurrence(found: list[Found], names: set[str], text: str) -> list[Found]:
    """A CJK name seen once with clean edges (「港魯智能製造聯合創新中心」) is a mention wherever it is written, so
    that a short form declared after a later occurrence is not lost."""
    extra: list[Found] = []
    for name in names:
        if len(name) < 4 or not re.search(f"[{CJK}]", name):
            continue
        for i in _occurrences(text, name):
            if not any(f.start < i + len(name) and i < f.end for f in found + extra):
                kind = next(f.extra["kind"] for f in found if f.text == name)
                extra.append(Found(name, i, i + len(name), {"kind": kind, "boundary": "hard"}))
    return sorted(found + extra, key=lambda f: f.start) if extra else found


def _register(found: list[Found], aliases: dict) -> tuple[dict, dict]:
    """Organisations by full name, and declared short forms pointing at them."""
    alias_to_full: dict[str, str] = {}
    for i, f in enumerate(found):
        for alias, _s, _e in aliases.get(i, []):
            if alias != f.text and alias not in alias_to_full:
                alias_to_full[alias] = f.text
    organisations: dict[str, dict] = {}
    for f in found:
        name = alias_to_full.get(f.text, f.text)
        if name in organisations:
            continue
        organisations[name] = {
            "name": name,
            "aliases": [],
            "kind": f.extra["kind"] if f.text == name else kind_of(name),
            "parent": None,
            "evidence": [f.start, f.end],
        }
    for alias, full in alias_to_full.items():
        if full in organisations and alias not in organisations[full]["aliases"]:
            organisations[full]["aliases"].append(alias)
    return organisations, alias_to_full


def _mentions(text: str, found: list[Found], organisations: dict, alias_to_full: dict) -> list[tuple[int, int, str]]:
    """(start, end, full name) of every mention: found names, and every occurrence of a known name or alias."""
    spans: list[tuple[int, int, str]] = [(f.start, f.end, alias_to_full.get(f.text, f.text)) for f in found]
    for surface in list(organisations) + list(alias_to_full):
        full = alias_to_full.get(surface, surface)
        if full not in organisations or organisations[full]["evidence"] is None:
            continue
        if re.search(f"[{CJK}]", surface):
            spans += [(i, i + len(surface), full) for i in _occurrences(text, surface)]
            continue
        for m in re.finditer(rf"(?<![\w-]){re.escape(surface)}(?![\w-])", text):
            spans.append((m.start(), m.end(), full))
    spans.sort(key=lambda x: (x[0], -(x[1] - x[0])))
    out: list[tuple[int, int, str]] = []
    for s, e, n in spans:
        if out and s < out[-1][1]:
            continue
        out.append((s, e, n))
    return out


def _merge_variants(organisations: dict, alias_to_full: dict, mentions: list) -> None:
    """山東省政府 and 山東政府 are the 山東省人民政府 the text also names: listed once, under the fullest form."""
    for name in list(organisations):
        f = fold(name)
        if not f.endswith("政府") or f.endswith("人民政府"):
            continue
        region = re.sub("[省市]?政府$", "", f)
        fuller = [n for n in organisations if fold(n).endswith("人民政府") and fold(n).startswith(region) and n != name]
        if region and fuller:
            target = max(fuller, key=len)
            organisations.pop(name)
            alias_to_full[name] = target
            for i, (s, e, n) in enumerate(mentions):
                if n == name:
                    mentions[i] = (s, e, target)


def _merge_known_bodies(organisations: dict, alias_to_full: dict, mentions: list) -> None:
    """工信部 and 工业和信息化部, 生产力局 and 香港生产力促进局: names the gazetteer gives for one body are one
    organisation, listed under the fullest form the text writes, the others its aliases."""
    groups: dict[int, list[str]] = {}
    bodies = body_of()
    for name in organisations:
        body = bodies.get(fold(name))
        if body is not None:
            groups.setdefault(body, []).append(name)
    for names in groups.values():
        if len(names) < 2:
            continue
        target = max(names, key=lambda n: (len(n), -organisations[n]["evidence"][0]))
        for name in names:
            if name == target:
                continue
            gone = organisations.pop(name)
            alias_to_full[name] = target
            for alias in [name, *gone["aliases"]]:
                if alias not in organisations[target]["aliases"]:
                    organisations[target]["aliases"].append(alias)
            for full_alias, full in list(alias_to_full.items()):
                if full == name:
                    alias_to_full[full_alias] = target
            for i, (s, e, n) in enumerate(mentions):
                if n == name:
                    mentions[i] = (s, e, target)


def _park_companies(text: str, mentions: list, organisations: dict, members: list[dict]) -> None:
    """Companies called Science Park companies, or listed as such in a delegation, are park companies."""
    for m in members:
        company = organisations.get(m["name"], {}).get("kind") in ("enterprise", "holding")
        if company and re.search(r"園區公司|园区公司|園區企業|园区企业|Science Park compan", m["intro"]):
            organisations[m["name"]]["kind"] = "park_company"
    previous_end = None
    for s, e, name in mentions:
        described = _PARK_COMPANY.search(text[max(0, s - 24) : s])
        # …園區公司甲、乙及丙: the description covers the whole list.
        listed = previous_end is not None and re.fullmatch(r"\s*(?:[、,，及和]|and|以及)\s*", text[previous_end:s])
        if (described or listed) and organisations.get(name, {}).get("kind") in ("enterprise", "park_company"):
            organisations[name]["kind"] = "park_company"
            previous_end = e
        else:
            previous_end = None


def _committee_short_names(folded: str, alias_to_full: dict) -> list[tuple[int, int]]:
    """济南高新区 for 济南高新区管委会: the zone's short name standing for its committee is not a place."""
    spans = []
    for alias in alias_to_full:
        m = re.match(r"(.{2,}?)(?:管委会|管理委员会|Committee)$", fold_same(alias))
        if m:
            short = m.group(1).strip()
            spans += [(x.start(), x.end()) for x in re.finditer(re.escape(short), folded)]
    return spans


def _title(doc: CleanDocument) -> str:
    heads = [p for p in doc.of_kind("headline") if not re.search(r"\s>\s", p.text)]
    if heads:
        return heads[0].text
    return doc.paragraphs[0].text if doc.paragraphs else ""


def _language(text: str) -> str:
    cjk = sum(1 for c in text if "\u4e00" <= c <= "\u9fff")
    if cjk < len(text) * 0.05:
        return "en"
    script = detect_script(text)
    return script if script in ("zh-Hant", "zh-Hans") else "zh-Hans"


_MEMBER_INTRO = re.compile(r"名單|名单|成員|成员|隨團|随团|members|delegation", re.I)
_ORG_COLUMN = re.compile(
    r"^(?:Organi[sz]ations?|Company|Institution|(?:機構|机构|單位|单位)(?:名稱|名称)?|公司)$", re.I
)


def _is_org_line(t: str) -> bool:
    """A short line that is only an organisation's name (a list printed without bullets)."""
    if len(t) > 40 or re.search(r"[。，,；;：:！？!?]", t):
        return False
    f = fold_same(t)
    return any(f.endswith(s) for s, _k in ORG_SUFFIXES) or (bool(t.split()) and t.split()[-1] in EN_ORG_WORDS)


def _member_items(paragraphs: list[Paragraph]) -> list[tuple[Paragraph, Paragraph | None]]:
    """(paragraph, intro) of every item of a list: bulleted items, and short name-only lines under a heading."""
    items: list[tuple[Paragraph, Paragraph | None]] = []
    for i, p in enumerate(paragraphs):
        if p.kind == "list":
            intro = next((q for q in reversed(paragraphs[:i]) if q.kind != "list"), None)
            items.append((p, intro))
        elif p.kind == "body" and len(p.text) <= 30 and not p.text.endswith(("。", ".")):
            run = []
            for q in paragraphs[i + 1 :]:
                if q.kind != "body" or not _is_org_line(q.text):
                    break
                run.append(q)
            if len(run) >= 2:
                items.extend((q, p) for q in run)
    return items


_PROSE_MEMBERS = re.compile(
    # 代表團成員包括甲、乙和丙; 考察團團員來自甲及乙; 代表團由甲、乙和丙的代表組成; 隨團的有甲、乙
    r"(?:團|团)(?:的)?(?:成員|成员|團員|团员)(?:分別|分别)?(?:來自|来自|包括|包含|有|涵蓋|涵盖|為|为)+"
    r"|(?:代表團|代表团|訪問團|访问团|考察團|考察团|交流團|交流团)(?:由|包括)"
    r"|(?:隨團|随团)(?:的)?(?:成員|成员|機構|机构|單位|单位)?(?:有|包括)"
    r"|(?:the )?(?:delegation|delegates)(?: members)?,? (?:comprises|comprised|comprising|includes|included|including|"
    r"consists of|consisted of|consisting of|is made up of|was made up of|made up of)"
    r"(?: (?:senior )?(?:representatives|members|executives|leaders|officials)(?: of| from))?(?: the)?",
    re.I,
)


def _prose_members(doc: CleanDocument, mentions: list, organisations: dict) -> list[dict]:
    """The organisations a sentence says the delegation is made of (代表團成員包括甲、乙和丙的主要負責人;
    "the delegation comprises representatives of A, B and C"): a run of names joined by list words."""
    text = doc.text
    out: list[dict] = []
    starts = [s for s, _e, _n in mentions]  # mentions are sorted and do not overlap
    for p in doc.of_kind("body", "dateline"):
        for m in _PROSE_MEMBERS.finditer(text, p.start, p.end):
            pos = m.end()
            for s, e, name in mentions[bisect.bisect_left(starts, pos) :]:
                if not re.fullmatch(r"\s*(?:[、,，及和与與]|以及|and|the|,\s*and)*\s*", text[pos:s]):
                    break
                if organisations.get(name) and name not in (x["name"] for x in out):
                    out.append({"name": name, "evidence": [s, e], "intro": m.group()})
                pos = e
    return out


def _members(doc: CleanDocument) -> list[dict]:
    """The organisations of a printed list of delegation members, in list order.

    A member table (No. | Organisation | Representative) gives the organisation cell of each row."""
    out = []
    column = None
    for p, intro in _member_items(doc.paragraphs):
        if intro is None or not _MEMBER_INTRO.search(intro.text):
            continue
        m = re.match(r"\s*(?:\(?\d{1,2}[\.、)）]?|[•·‧●\-–])?\s*(.+?)\s*$", p.text)
        if not m:
            continue
        name, start = m.group(1), p.start + m.start(1)
        if " | " in name:
            cells = name.split(" | ")
            header = [j for j, c in enumerate(cells) if _ORG_COLUMN.match(c.strip())]
            if header:
                column = header[0]
                continue
            j = column if column is not None and column < len(cells) else 0
            while column is None and j < len(cells) - 1 and re.fullmatch(r"[\d.\s]*", cells[j]):
                j += 1
            offset = sum(len(c) + 3 for c in cells[:j])
            name, start = cells[j].strip(), start + offset + (len(cells[j]) - len(cells[j].lstrip()))
        else:
            name = re.split(r",\s+(?:a|an|the)\s", name)[0]
        out.append({"name": name, "evidence": [start, start + len(name)], "intro": intro.text})
    return out


_LABEL = re.compile(r"^(電話|电话|手機|手机|Tel|Phone|Mobile|T|電郵|电邮|邮箱|郵箱|Email|E-mail|E)\s*[:：.]\s*", re.I)
_OTHER_LABEL = re.compile(r"^(傳真|传真|Fax|網址|网址|Website|地址|Address)\s*[:：]", re.I)


def _contacts(doc: CleanDocument, organisations: dict, alias_to_full: dict) -> list[dict]:
    contacts: list[dict] = []
    current_org = None
    last_field = None
    for p in doc.of_kind("contacts"):
        t = p.text.strip()
        labelled = re.match(r"^(?:联系人|聯絡人|聯繫人|联络人|Contact(?: person)?)\s*[:：]\s*", t, re.I)
        t = t[labelled.end() :] if labelled else t
        heading = re.search(r"查詢|查询|垂询|垂詢|联系|聯絡|enquiries|inquiries|contact", t, re.I) and len(t) < 30
        if heading and not labelled:
            continue
        label = _LABEL.match(t)
        if label and contacts:
            value = t[label.end() :].strip()
            field = "email" if re.match(r"電郵|电邮|邮箱|郵箱|E", label.group(1), re.I) else "phone"
            if not contacts[-1][field]:
                contacts[-1][field] = value
                last_field = field
            continue
        if "@" in t and " " not in t and contacts and last_field == "email" and contacts[-1]["email"].endswith("/"):
            contacts[-1]["email"] += " " + t
            continue
        last_field = None
        if "|" in t or "@" in t or _OTHER_LABEL.match(t):
            continue
        if (
            t in organisations
            or t in alias_to_full
            or any(fold(t).endswith(s) for s, _k in ORG_SUFFIXES)
            or (t.split() and t.split()[-1] in EN_ORG_WORDS)
        ):
            current_org = alias_to_full.get(t, t)
            continue
        title = ""
        # 傳訊經理　羅芷晴: the title printed before the name.
        titled = re.fullmatch(rf"([{CJK}]{{0,8}}{TITLE_CORE})[\u3000 ]*([{CJK}]{{2,4}})", fold(t))
        if titled and (titled.group(2)[0] in SURNAMES or titled.group(2)[:2] in COMPOUND_SURNAMES):
            title, t = t[: titled.end(1)], t[titled.start(2) :]
        if contacts and re.fullmatch(rf"[{CJK}]{{0,8}}{TITLE_CORE}", fold(t)) and not contacts[-1]["_title"]:
            contacts[-1]["_title"] = t  # a title line under the name
            continue
        surname = fold(t)[:1] in SURNAMES or fold(t)[:2] in COMPOUND_SURNAMES
        chinese_name = re.fullmatch(rf"[{CJK}]{{2,4}}", t) and surname
        if chinese_name or re.fullmatch(
            r"(?:(?:Mr|Ms|Mrs|Miss|Dr)\.?\s+)?[A-Z][a-z]+(?:-[a-z]+)?(?:\s[A-Z][a-z]+(?:-[a-z]+)?){1,2}", t
        ):
            name = re.sub(r"^(?:Mr|Ms|Mrs|Miss|Dr)\.?\s+", "", t)
            contacts.append(
                {
                    "name": name,
                    "organization": current_org,
                    "phone": "",
                    "email": "",
                    "evidence": [p.end - len(t), p.end],
                    "_title": title,
                }
            )
    return contacts
