"""Demo pipeline: the seed signing followed through, plus further agreements of the programme.

No memorandum of understanding among them: the ingestion tests commit one to this programme and
look it up by kind.

Called by the demo loader with ``load(report)``; idempotent. Agreements are matched by slug;
their status history is rebuilt through the transition service on every load (so the demo
walks the same legal path each time), milestones are matched by (agreement, English title).
Texts are the project's own; the organisations are the demo fixtures' (fictional beyond the seed).
"""

from __future__ import annotations

import zlib
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from innobridge.directory.models import Organisation, Person, Place, Sector
from innobridge.matching.models import TechnologyNeed, TechnologyOffer
from innobridge.pipeline import services
from innobridge.pipeline.models import Milestone, StatusChange
from innobridge.programmes import services as programmes
from innobridge.programmes.models import Agreement, Programme
from innocore.text import derive_variants

SEED = "green-community-cooperation-2023"
PROGRAMME = "hkstp-shandong"
PATH = ["signed", "in_execution", "pilot", "deployed", "scaled"]

# slug, kind, English name, Chinese name (Traditional), signed on, signed at, sectors,
# parties [(organisation, role)], offers, needs, value (amount, currency) or None,
# status path [(status, date)], an optional ending (lapsed/terminated, date, note).
AGREEMENTS: list[dict] = [
    {
        "slug": "sco-cold-chain-cooling-pilot-2024",
        "kind": "pilot",
        "en": "Radiative-cooling film pilot at the SCO zone cold-chain hub",
        "zh": "上合示範區冷鏈樞紐輻射製冷薄膜試點協議",
        "at": "qingdao-sco-zone",
        "sectors": ["green-tech", "new-materials"],
        "parties": [("i2cool", "provider"), ("qingdao-sco-zone-authority", "host")],
        "offers": ["i2cool-radiative-cooling-film"],
        "needs": ["sco-cold-chain-cooling"],
        "value": ("2800000", "CNY"),
        "path": ["2024-03-12", "2024-04-20", "2024-08-01", "2025-05-15", "2026-03-02"],
    },
    {
        "slug": "zibo-voc-monitoring-grid-2024",
        "kind": "cooperation",
        "en": "VOC monitoring grid for the Zibo chemical park",
        "zh": "淄博化工園區揮發性有機物監測網格合作協議",
        "at": "zibo-hi-tech-zone",
        "sectors": ["green-tech", "smart-city"],
        "parties": [("xinshan-industrial", "provider"), ("zibo-hi-tech-zone", "host")],
        "offers": ["xinshan-voc-monitoring"],
        "needs": ["zibo-voc-monitoring"],
        "value": ("4500000", "CNY"),
        "path": ["2024-05-08", "2024-06-03", "2024-09-16", "2025-06-10"],
    },
    {
        "slug": "high-purity-targets-licence-2024",
        "kind": "licence",
        "en": "Licence for high-purity sputtering-target refining with a Jinan crystal-materials institute",
        "zh": "高純濺射靶材提純工藝技術許可協議",
        "at": "jinan",
        "sectors": ["new-materials", "microelectronics"],
        "parties": [("zehao-high-purity-metals", "provider"), ("sdu-crystal-materials", "host")],
        "offers": ["zehao-sputtering-targets"],
        "needs": ["sd-sputtering-targets"],
        "value": ("1200000", "HKD"),
        "path": ["2024-09-10", "2024-11-01"],
    },
    {
        "slug": "weifang-predictive-maintenance-2024",
        "kind": "pilot",
        "en": "Predictive maintenance pilot on an engine test line in Weifang",
        "zh": "濰坊發動機試驗線預測性維護試點",
        "at": "weifang",
        "sectors": ["advanced-manufacturing", "ai-robotics"],
        "parties": [("hkpc", "provider"), ("weifang-qingyue-power-equipment", "host")],
        "offers": ["hkpc-predictive-maintenance"],
        "needs": ["weifang-predictive-maintenance"],
        "value": ("650000", "CNY"),
        "path": ["2024-06-18", "2024-07-22", "2024-10-08", "2025-09-01"],
    },
    {
        "slug": "jinan-ai-imaging-2024",
        "kind": "cooperation",
        "en": "AI reading of chest CT in Jinan's municipal and county hospitals",
        "zh": "濟南市屬及縣級醫院胸部CT人工智能輔助閱片合作",
        "at": "jinan",
        "sectors": ["biomedicine", "ai-robotics"],
        "parties": [("hku", "provider"), ("jinan-science-technology-bureau", "host")],
        "offers": ["hku-ai-chest-ct"],
        "needs": ["jinan-ai-imaging"],
        "value": None,
        "path": ["2024-11-05", "2025-01-20", "2025-07-01"],
    },
    {
        "slug": "fundus-screening-cooperation-2024",
        "kind": "cooperation",
        "en": "Cooperation on AI fundus screening in county clinics",
        "zh": "縣域診所眼底人工智能篩查合作協議",
        "at": "jinan",
        "sectors": ["biomedicine", "ai-robotics"],
        "parties": [("cuhk", "provider"), ("jinan-government", "host")],
        "offers": ["cuhk-fundus-screening"],
        "needs": ["jinan-ai-imaging"],
        "value": None,
        "path": ["2024-02-01"],
        "ending": ("lapsed", "2025-08-01", "No pilot site was named within eighteen months."),
    },
    {
        "slug": "yantai-fermentation-scale-up-2024",
        "kind": "cooperation",
        "en": "Scale-up of marine polysaccharide fermentation in Yantai",
        "zh": "煙台海洋微生物多醣發酵放大合作",
        "at": "yantai-etdz",
        "sectors": ["biomedicine", "advanced-manufacturing"],
        "parties": [("hkust", "provider"), ("cas-qibebt", "supporter"), ("yantai-lanyu-marine-biotech", "host")],
        "offers": ["hkust-fermentation-softsensor", "qibebt-fermentation-pilot"],
        "needs": ["yantai-fermentation-scaleup"],
        "value": ("3200000", "CNY"),
        "path": ["2024-10-22", "2024-12-02", "2025-04-14", "2026-01-12"],
    },
    {
        "slug": "sic-module-reliability-2025",
        "kind": "cooperation",
        "en": "Reliability testing and thermal pads for SiC power modules",
        "zh": "碳化矽功率模組可靠性測試及導熱墊片合作",
        "at": "jinan-hi-tech-zone",
        "sectors": ["microelectronics", "new-materials"],
        "parties": [
            ("cuhk-shiae", "provider"),
            ("lamina-graphene-materials", "provider"),
            ("jinan-luoxin-power-semiconductor", "host"),
        ],
        "offers": ["cuhk-shiae-power-reliability", "lamina-graphene-thermal-pads"],
        "needs": ["luoxin-sic-reliability"],
        "value": ("1800000", "CNY"),
        "path": ["2025-01-14", "2025-03-10", "2025-10-06"],
    },
    {
        "slug": "mems-signal-asic-licence-2025",
        "kind": "licence",
        "en": "Licence of signal-conditioning ASIC IP for automotive pressure sensors",
        "zh": "車規級壓力傳感器信號調理芯片IP許可",
        "at": "yantai",
        "sectors": ["microelectronics"],
        "parties": [("astri", "provider"), ("yantai-xinyue-microelectronics", "host")],
        "offers": ["astri-mems-asic"],
        "needs": ["xinyue-mems-pressure"],
        "value": ("900000", "HKD"),
        "path": ["2025-04-09", "2025-05-19"],
    },
    {
        "slug": "jining-weld-inspection-2025",
        "kind": "pilot",
        "en": "Automated weld inspection for hydraulic cylinders in Jining",
        "zh": "濟寧液壓缸焊縫自動檢測試點",
        "at": "jining",
        "sectors": ["advanced-manufacturing", "ai-robotics"],
        "parties": [("inspectra-vision-systems", "provider"), ("jining-daiheng-intelligent-equipment", "host")],
        "offers": ["inspectra-weld-aoi"],
        "needs": ["daiheng-weld-inspection"],
        "value": ("480000", "CNY"),
        "path": ["2025-03-03", "2025-04-01", "2025-06-23", "2025-12-08"],
    },
    {
        "slug": "west-coast-site-safety-2025",
        "kind": "pilot",
        "en": "CCTV-based AI site safety on West Coast New Area construction projects",
        "zh": "西海岸新區建設工地人工智能安全監察試點",
        "at": "qingdao-west-coast",
        "sectors": ["smart-city", "ai-robotics"],
        "parties": [("visiobalance-ai", "provider"), ("qingdao-west-coast-new-area", "host")],
        "offers": ["visiobalance-site-safety"],
        "needs": ["west-coast-site-safety"],
        "value": ("1500000", "CNY"),
        "path": ["2025-06-16", "2025-07-14", "2025-09-29", "2026-05-18"],
    },
    {
        "slug": "trade-document-verification-2025",
        "kind": "cooperation",
        "en": "Trade-document verification for exporters' trade finance",
        "zh": "出口企業貿易融資單據核驗合作",
        "at": "jinan-hi-tech-zone",
        "sectors": ["fintech"],
        "parties": [("tradelattice-technologies", "provider"), ("jinan-queshua-digital-finance", "host")],
        "offers": ["tradelattice-trade-docs"],
        "needs": ["queshua-trade-finance"],
        "value": None,
        "path": ["2025-07-08", "2025-08-25"],
        "ending": ("terminated", "2026-02-16", "The partner's lending unit was restructured; both sides ended it."),
    },
    {
        "slug": "steerable-instruments-2025",
        "kind": "cooperation",
        "en": "Joint development of tendon-driven steerable instruments",
        "zh": "腱驅動可轉向手術器械聯合開發",
        "at": "weihai",
        "sectors": ["biomedicine", "ai-robotics"],
        "parties": [("softreach-surgical-robotics", "provider"), ("weihai-haidai-medical", "host")],
        "offers": ["softreach-flexible-instruments"],
        "needs": ["haidai-steerable-catheter"],
        "value": ("5000000", "HKD"),
        "path": ["2025-09-25", "2025-11-17"],
    },
    {
        "slug": "recycled-paving-pilot-2025",
        "kind": "pilot",
        "en": "Permeable paving from construction waste: a provincial pilot",
        "zh": "建築廢料再造透水磚省級試點",
        "at": "jinan",
        "sectors": ["green-tech", "new-materials"],
        "parties": [("greenbrick-circular-materials", "provider"), ("shandong-dost", "host")],
        "offers": ["greenbrick-recycled-paving"],
        "needs": ["sd-construction-waste"],
        "value": ("2000000", "CNY"),
        "path": ["2025-11-12", "2026-01-05", "2026-04-20"],
    },
    {
        "slug": "green-hydrogen-electrolyser-investment-2025",
        "kind": "investment",
        "en": "Investment to take Rizhao's alkaline electrolysers to international buyers via Hong Kong",
        "zh": "日照鹼性電解槽經香港拓展國際市場投資協議",
        "at": "hong-kong-science-park",
        "sectors": ["green-tech", "advanced-manufacturing"],
        "parties": [
            ("rizhao-haixi-hydrogen", "lead"),
            ("jade-harbour-holdings", "supporter"),
            ("hk-shandong-green-tech-alliance", "host"),
        ],
        "offers": ["haixi-alkaline-electrolyser"],
        "needs": ["hk-intl-hydrogen-buyer"],
        "value": ("60000000", "HKD"),
        "path": ["2025-05-20", "2025-06-30", "2025-11-03", "2026-06-22"],
    },
    {
        "slug": "green-port-carbon-accounting-2025",
        "kind": "cooperation",
        "en": "Port carbon accounting for overseas port operators, through Hong Kong",
        "zh": "經香港向海外港口推廣碳排放核算工具",
        "at": "hong-kong",
        "sectors": ["smart-city", "green-tech"],
        "parties": [("qingdao-bolian-smart-port", "provider"), ("hktdc", "supporter")],
        "offers": ["bolian-port-carbon"],
        "needs": ["hktdc-green-port"],
        "value": None,
        "path": ["2025-10-30", "2026-01-19", "2026-07-06"],
    },
    {
        "slug": "sodium-ion-materials-investment-2026",
        "kind": "investment",
        "en": "Hong Kong investment in sodium-ion battery materials for export markets",
        "zh": "鈉離子電池材料出海投資協議",
        "at": "hong-kong-science-park",
        "sectors": ["green-tech", "new-materials"],
        "parties": [("cas-qibebt", "provider"), ("investhk", "supporter"), ("jade-harbour-holdings", "lead")],
        "offers": ["qibebt-sodium-ion"],
        "needs": [],
        "value": ("25000000", "USD"),
        "path": ["2026-01-15"],
    },
    {
        "slug": "sic-pv-modules-export-2025",
        "kind": "cooperation",
        "en": "SiC modules for string inverters: first overseas customers through Hong Kong",
        "zh": "碳化矽光伏模組經香港開拓海外客戶",
        "at": "hong-kong",
        "sectors": ["microelectronics", "green-tech"],
        "parties": [("jinan-luoxin-power-semiconductor", "provider"), ("hk-shandong-green-tech-alliance", "supporter")],
        "offers": ["luoxin-sic-pv-modules"],
        "needs": [],
        "value": ("12000000", "HKD"),
        "path": ["2025-02-27", "2025-04-07", "2025-08-18", "2026-02-09"],
    },
    {
        "slug": "datacentre-waste-heat-pilot-2026",
        "kind": "pilot",
        "en": "Low-grade waste-heat recovery pilot at an InnoPark data centre",
        "zh": "創新園數據中心低溫餘熱回收試點",
        "at": "tseung-kwan-o-innopark",
        "sectors": ["green-tech", "smart-city"],
        "parties": [("dongying-chengchuan-energy-saving", "provider"), ("tko-innopark", "host")],
        "offers": ["chengchuan-waste-heat"],
        "needs": ["tko-datacentre-heat"],
        "value": ("3600000", "HKD"),
        "path": ["2026-01-28", "2026-03-09", "2026-06-01"],
    },
    {
        "slug": "qingdao-framework-2024",
        "kind": "framework",
        "en": "Strategic framework with Qingdao for park-company landing",
        "zh": "與青島市落地園區公司戰略框架協議",
        "at": "qingdao",
        "sectors": ["smart-city", "advanced-manufacturing", "biomedicine"],
        "parties": [("hkstp", "party"), ("qingdao-government", "party")],
        "offers": [],
        "needs": [],
        "value": None,
        "path": ["2024-12-03", "2025-02-17"],
    },
    {
        "slug": "jinan-framework-2025",
        "kind": "framework",
        "en": "Strategic framework with Jinan on microelectronics and biomedicine",
        "zh": "與濟南市微電子及生物醫藥戰略框架協議",
        "at": "jinan",
        "sectors": ["microelectronics", "biomedicine"],
        "parties": [("hkstp", "party"), ("jinan-government", "party")],
        "offers": [],
        "needs": [],
        "value": None,
        "path": ["2025-08-19"],
    },
    {
        "slug": "basalt-composites-licence-draft",
        "kind": "licence",
        "en": "Draft licence for basalt-fibre composites in wind blades",
        "zh": "玄武岩纖維風電葉片複合材料技術許可（草稿）",
        "at": None,
        "sectors": ["new-materials", "green-tech"],
        "parties": [("taian-daixian-composites", "provider"), ("polyu", "party")],
        "offers": ["daixian-basalt-composites"],
        "needs": [],
        "value": None,
        "path": [],
    },
]

# The seed: signed in October 2023, then executed and piloted; no value was published.
SEED_PIPELINE = {
    "offers": ["i2cool-radiative-cooling-film", "zehao-sputtering-targets", "xinshan-voc-monitoring"],
    "needs": ["sco-cold-chain-cooling", "zibo-voc-monitoring", "sd-sputtering-targets"],
    "path": ["2023-10-20", "2024-01-15", "2024-07-01"],
}
SEED_MILESTONES = [
    ("Working group with the community set up", "與共同體成立工作小組", "2023-12-15", "2023-12-08"),
    ("Cooling-film trial on a Qingdao warehouse roof", "青島冷鏈倉庫屋頂製冷薄膜試用", "2024-06-30", "2024-07-10"),
    ("VOC monitoring trial in a Zibo chemical park", "淄博化工園區VOCs監測試運行", "2024-10-31", "2024-11-20"),
    ("Target samples qualified by a Shandong panel maker", "靶材樣品通過山東面板企業認證", "+12", None),
    ("Annual review with the community", "與共同體年度檢討", "-9", None),
]

# The step each stage waits for, in the pipeline's order: (English, Traditional Chinese, days after).
NEXT_STEP = {
    "signed": ("Joint work plan approved", "聯合工作計劃獲批", 75),
    "in_execution": ("Pilot site ready and baseline measured", "試點場地就緒並完成基線量度", 110),
    "pilot": ("Pilot evaluation report accepted", "試點評估報告獲接納", 150),
    "deployed": ("Roll-out to further sites agreed", "擴展至更多場地獲確認", 200),
}


def _d(text: str) -> date:
    return date.fromisoformat(text)


def _spread(slug: str) -> int:
    """A stable offset of -20..+24 days, so open demo milestones fall both before and after today."""
    return zlib.crc32(slug.encode()) % 45 - 20


DEMO_TITLES = [en for en, *_rest in SEED_MILESTONES] + [
    "Kick-off meeting held",
    "Terms agreed by both sides",
    *[en for en, _zh, _days in NEXT_STEP.values()],
]


def load(report) -> None:
    """Agreements go through the programmes service; the history and the milestones are written in
    bulk (the demo loader runs before every test class, so it must stay quick), after checking each
    step against the same transition table the service enforces."""
    programme = Programme.objects.filter(slug=PROGRAMME).first()
    if programme is None:
        return
    orgs = {o.slug: o for o in Organisation.objects.all()}
    places = {p.slug: p for p in Place.objects.all()}
    sectors = {s.slug: s for s in Sector.objects.all()}
    offers = {o.slug: o for o in TechnologyOffer.objects.all()}
    needs = {n.slug: n for n in TechnologyNeed.objects.all()}
    owners = list(Person.objects.filter(slug__in=["hkstp-bd-director", "hkstp-partnerships-director"]).order_by("slug"))
    today = timezone.localdate()
    plan = _Plan(today)

    seed = Agreement.objects.filter(slug=SEED).first()
    if seed is not None:
        services.agreement_set_pipeline(
            agreement=seed,
            offers=[offers[f"offer-{k}"] for k in SEED_PIPELINE["offers"]],
            needs=[needs[f"need-{k}"] for k in SEED_PIPELINE["needs"]],
        )
        plan.follow(seed, SEED_PIPELINE["path"], None)
        for en, zh, due, done in SEED_MILESTONES:
            day = today + timedelta(days=int(due)) if due[0] in "+-" else _d(due)
            plan.milestone(seed, en, zh, day, _d(done) if done else None, owners[0] if owners else None)

    for spec in AGREEMENTS:
        path = [_d(x) for x in spec["path"]]
        agreement = programmes.agreement_save(
            agreement=Agreement.objects.filter(slug=spec["slug"]).first(),
            slug=spec["slug"],
            kind=spec["kind"],
            status=Agreement.Status.DRAFT,
            programme=programme,
            signed_on=path[0] if path else None,
            signed_at=places.get(spec["at"]) if spec["at"] else None,
            name_en=spec["en"],
            name_zh_hant=spec["zh"],
            parties=[(orgs[o], role, None) for o, role in spec["parties"]],
            sectors=[sectors[s] for s in spec["sectors"]],
        )
        value = spec["value"]
        services.agreement_set_pipeline(
            agreement=agreement,
            value_amount=Decimal(value[0]) if value else None,
            value_currency=value[1] if value else "",
            offers=[offers[f"offer-{k}"] for k in spec["offers"]],
            needs=[needs[f"need-{k}"] for k in spec["needs"]],
        )
        ending = spec.get("ending")
        plan.follow(agreement, spec["path"], ending)
        owner = owners[_spread(spec["slug"]) % len(owners)] if owners else None
        if not path:
            terms_due = today + timedelta(days=21)
            plan.milestone(agreement, "Terms agreed by both sides", "雙方議定條款", terms_due, None, owner)
            continue
        kickoff = path[0] + timedelta(days=26)
        plan.milestone(agreement, "Kick-off meeting held", "召開啟動會議", path[0] + timedelta(days=30), kickoff, owner)
        for i, (stage, day) in enumerate(zip(PATH, path, strict=False)):
            if stage not in NEXT_STEP:
                continue
            en, zh, after = NEXT_STEP[stage]
            reached = path[i + 1] if i + 1 < len(path) else None
            due = day + timedelta(days=after)
            if reached is None and not ending and due < today - timedelta(days=30):
                due = today + timedelta(days=_spread(spec["slug"]))
            status = "done" if reached else ("cancelled" if ending else "open")
            plan.milestone(agreement, en, zh, due, reached, owner, status=status)
    plan.save()
    report.add("pipeline agreements", len(plan.statuses))
    report.add("milestones", len(plan.milestones))


class _Plan:
    def __init__(self, today: date):
        self.today = today
        self.statuses: dict[int, str] = {}
        self.changes: list[StatusChange] = []
        self.milestones: list[Milestone] = []

    def follow(self, agreement: Agreement, path: list[str], ending) -> None:
        """The history from draft through ``path`` (and an early ending), checked step by step."""
        status, last = Agreement.Status.DRAFT, None
        steps = [(stage, day, "") for stage, day in zip(PATH, path, strict=False)]
        if ending:
            steps.append(ending)
        for to_status, day, note in steps:
            on = min(_d(day), self.today)
            if to_status not in services.allowed_transitions(status) or (last and on < last):
                raise ValueError(f"demo agreement {agreement.slug}: {status} → {to_status} on {on} is not allowed")
            self.changes.append(
                StatusChange(agreement=agreement, from_status=status, to_status=to_status, on=on, note=note)
            )
            status, last = to_status, on
        self.statuses[agreement.pk] = status

    def milestone(self, agreement, en, zh, due, done, owner, status=None) -> None:
        status = status or ("done" if done else "open")
        self.milestones.append(
            Milestone(
                agreement=agreement,
                title_en=en,
                title_zh_hant=zh,
                title_zh_hans=_simplified(zh),
                due=due,
                status=status,
                done_on=min(done, self.today) if done and status == "done" else None,
                owner_person=owner,
            )
        )

    def save(self) -> None:
        ids = list(self.statuses)
        StatusChange.objects.filter(agreement_id__in=ids).delete()
        StatusChange.objects.bulk_create(self.changes)
        for status in set(self.statuses.values()):
            Agreement.objects.filter(pk__in=[pk for pk, s in self.statuses.items() if s == status]).update(
                status=status
            )
        Milestone.objects.filter(agreement_id__in=ids, title_en__in=DEMO_TITLES).delete()
        Milestone.objects.bulk_create(self.milestones)


def _simplified(text: str) -> str:
    return derive_variants(zh_hant=text, zh_hans="", en="").zh_hans
