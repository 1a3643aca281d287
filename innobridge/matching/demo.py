"""Demo data: verdicts on suggested need–offer pairs and the contact requests that followed.

With the meetings demo (who met, and with what outcome) and the pipeline demo (agreements naming
their offers and needs), every step of the analytics funnel has real numbers: some pairs go all the
way to a deployment, others stop at each step. Called by ``innobridge demo``; idempotent: verdicts
are matched by (need, offer, side), contact requests by their fixed reference, and both get the
same dates on every load.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from innobridge.matching.models import ContactRequest, MatchFeedback, TechnologyNeed, TechnologyOffer

# need key, offer key, verdict, reason, reviewed on, contact request (who asks, status) or None.
# "need" asks means the need's owner wrote to the offer's owner about the offer, and the reverse.
PAIRS = [
    (
        "weifang-predictive-maintenance",
        "hkpc-predictive-maintenance",
        "relevant",
        "",
        "2023-04-11",
        ("need", "accepted"),
    ),
    ("zibo-voc-monitoring", "xinshan-voc-monitoring", "relevant", "", "2023-04-12", ("need", "accepted")),
    ("jinan-ai-imaging", "hku-ai-chest-ct", "relevant", "", "2023-04-14", ("offer", "accepted")),
    (
        "yantai-fermentation-scaleup",
        "hkust-fermentation-softsensor",
        "relevant",
        "",
        "2023-04-18",
        ("need", "accepted"),
    ),
    ("west-coast-site-safety", "visiobalance-site-safety", "relevant", "", "2023-04-20", ("offer", "accepted")),
    ("xinyue-mems-pressure", "astri-mems-asic", "relevant", "", "2023-04-21", ("need", "accepted")),
    ("queshua-trade-finance", "tradelattice-trade-docs", "relevant", "", "2023-04-24", ("offer", "accepted")),
    ("daiheng-weld-inspection", "inspectra-weld-aoi", "relevant", "", "2023-04-26", ("need", "accepted")),
    ("sco-cold-chain-cooling", "i2cool-radiative-cooling-film", "relevant", "", "2023-09-05", ("need", "accepted")),
    ("jinan-ai-imaging", "cuhk-fundus-screening", "relevant", "", "2023-09-12", ("offer", "declined")),
    ("luoxin-sic-reliability", "cuhk-shiae-power-reliability", "relevant", "", "2023-09-19", ("need", "pending")),
    ("tko-datacentre-heat", "chengchuan-waste-heat", "relevant", "", "2023-09-26", None),
    ("hk-intl-hydrogen-buyer", "haixi-alkaline-electrolyser", "relevant", "", "2023-10-03", None),
    ("sco-cold-chain-cooling", "hanzhou-hull-cleaning", "not_relevant", "wrong_sector", "2023-09-05", None),
    ("zibo-voc-monitoring", "kelpform-seaweed-packaging", "not_relevant", "wrong_sector", "2023-04-12", None),
]


def _moment(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(10, 0), tzinfo=UTC)


def load(report) -> None:
    needs = {n.slug: n for n in TechnologyNeed.objects.select_related("owner")}
    offers = {o.slug: o for o in TechnologyOffer.objects.select_related("owner")}
    for need_key, offer_key, verdict, reason, day, contact in PAIRS:
        need, offer = needs.get(f"need-{need_key}"), offers.get(f"offer-{offer_key}")
        if need is None or offer is None:
            continue  # custom fixtures without these records
        feedback, _created = MatchFeedback.objects.update_or_create(
            need=need, offer=offer, side="need", defaults={"verdict": verdict, "reason": reason}
        )
        # Dates are part of the story (the funnel's cohorts are quarters of review): set them exactly.
        MatchFeedback.objects.filter(pk=feedback.pk).update(created=_moment(day))
        report.add("suggestion verdicts")
        if contact is None:
            continue
        asks, status = contact
        requester, recipient = (need.owner, offer.owner) if asks == "need" else (offer.owner, need.owner)
        request, _created = ContactRequest.objects.update_or_create(
            slug=f"cr-demo-{need_key}--{offer_key}"[:80],
            defaults={
                "requester": requester,
                "recipient": recipient,
                "offer": offer if asks == "need" else None,
                "need": need if asks == "offer" else None,
                "status": status,
                "message": "",
            },
        )
        ContactRequest.objects.filter(pk=request.pk).update(created=_moment(day))
        report.add("contact requests")
