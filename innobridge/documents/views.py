"""Document upload, review of the extracted facts, and commit (staff only)."""

from __future__ import annotations

from bisect import bisect_right

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from innobridge.accounts.permissions import staff_required
from innobridge.documents import commit, merge, selectors, services
from innobridge.documents.errors import describe as describe_error
from innobridge.documents.forms import UploadForm
from innobridge.documents.models import Proposal, SourceDocument
from innobridge.lib.views import paginate
from innobridge.programmes.models import Programme
from innocore.ingest.readers import DocumentError
from innocore.match.engine import highlight
from innocore.text import fold


@staff_required
def document_list(request):
    documents = SourceDocument.objects.order_by("-created")
    return render(request, "documents/document_list.html", {"page": paginate(request, documents)})


@staff_required
@require_http_methods(["GET", "POST"])
def document_upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads = form.cleaned_data["file"]
        limit = settings.INGEST_MAX_BYTES
        too_big = [u for u in uploads if u.size > limit]
        for upload in too_big:
            form.add_error(
                "file",
                _("%(name)s is %(size).1f MB; the limit is %(limit).0f MB.")
                % {"name": upload.name, "size": upload.size / 1_048_576, "limit": limit / 1_048_576},
            )
        if not too_big and len(uploads) > 1:
            job = services.document_ingest_later(uploads=uploads, user=request.user)
            messages.info(request, _("%(n)d documents are being read in the background.") % {"n": len(uploads)})
            return redirect(job)
        elif not too_big:
            try:
                document, created = services.document_ingest(
                    data=uploads[0].read(), filename=uploads[0].name, limit=limit, user=request.user
                )
            except DocumentError as exc:
                form.add_error("file", describe_error(exc))
            else:
                if created:
                    messages.success(request, _("Document read. Review the proposed facts below."))
                else:
                    messages.info(request, _("This exact document was ingested before; nothing new was created."))
                return redirect(document)
    return render(request, "documents/document_upload.html", {"form": form})


@staff_required
@require_http_methods(["GET", "POST"])
def document_detail(request, slug: str):
    document = get_object_or_404(SourceDocument, slug=slug)
    if request.method == "POST":
        try:
            _apply_decisions(request, document)
            if "accept_matched" in request.POST or "accept_new" in request.POST:
                policy = "matched" if "accept_matched" in request.POST else "new"
                decided = services.document_accept(document=document, policy=policy)
                messages.success(
                    request,
                    _(
                        "%(merged)d merged into existing records, %(accepted)d accepted as new, "
                        "%(pending)d still to review."
                    )
                    % decided,
                )
            elif "commit" in request.POST:
                programme = Programme.objects.filter(slug=request.POST.get("programme", "")).first()
                counts = commit.document_commit(document=document, programme=programme)
                messages.success(
                    request,
                    _("Committed: %(created)d records created, %(updated)d updated.")
                    % {"created": sum(counts["created"].values()), "updated": sum(counts["updated"].values())},
                )
            else:
                messages.success(request, _("Decisions saved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(document)
    proposals = list(document.proposals.all())
    quoted = _quoted_span(request.GET.get("at", ""), len(document.text))
    spans = [quoted] if quoted else [(p.start, p.end) for p in proposals]
    pieces, offset = [], 0
    for text, hit in highlight(document.text, spans):
        pieces.append((text, hit, offset))
        offset += len(text)
    starts = [start for _text, hit, start in pieces if hit]
    groups = selectors.review_groups(document)
    for group in groups:
        for row in group["items"]:
            row["anchor"] = starts[max(0, bisect_right(starts, row["proposal"].start) - 1)] if starts else 0
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "groups": groups,
            "pieces": pieces,
            "quoted": quoted,
            "decisions": Proposal.Decision.choices,
            "changes": _changes(document),
            "programmes": Programme.objects.order_by("slug"),
            "programme": selectors.likely_programme(document),
            "pending": sum(p.decision == Proposal.Decision.PENDING for p in proposals),
            "matched": sum(bool(p.target_slug) and p.decision == Proposal.Decision.PENDING for p in proposals),
        },
    )


def _quoted_span(value: str, length: int) -> tuple[int, int] | None:
    """``?at=START-END`` from a record's provenance link: the span to show, if it is a valid one."""
    start, _sep, end = value.partition("-")
    if not (start.isdigit() and end.isdigit()):
        return None
    a, b = int(start), int(end)
    return (a, b) if 0 <= a < b <= length else None


def _apply_decisions(request, document: SourceDocument) -> None:
    """The per-row choices of the review form: decision, record to merge into, a date the text lacks."""
    for p in document.proposals.all():
        day = request.POST.get(f"date-{p.pk}", "").strip()
        data = None
        if day and p.kind == Proposal.Kind.EVENT and not p.data.get("date"):
            data = {"date": services.checked_day(day)}
        decision = request.POST.get(f"decision-{p.pk}")
        target = request.POST.get(f"target-{p.pk}", "")
        if (decision and decision != p.decision) or data or (target and target != p.target_slug):
            services.proposal_decide(proposal=p, decision=decision or p.decision, target_slug=target, data=data)


def _changes(document: SourceDocument) -> dict | None:
    """What a new version of a document adds or drops compared with the previous one."""
    previous = document.previous_version
    if previous is None:
        return None

    def facts(doc):
        return {
            (p.kind, p.data.get("name") or str(p.data.get("parties") or p.data.get("participants")))
            for p in doc.proposals.all()
        }

    now, before = facts(document), facts(previous)
    return {"previous": previous, "added": sorted(now - before), "removed": sorted(before - now)}


@staff_required
@require_http_methods(["GET", "POST"])
def records_merge(request):
    """Find two records that are the same thing, see what moves, and merge them (staff only)."""
    kind = request.GET.get("kind") or request.POST.get("kind") or "organisation"
    if kind not in merge.MERGEABLE:
        kind = "organisation"
    query = request.GET.get("q", "").strip()
    context = {"kind": kind, "kinds": _merge_kinds(), "q": query, "results": [], "plan": None}
    model = merge.MERGEABLE[kind]
    if query:
        context["results"] = list(model.objects.filter(search_key__contains=fold(query)).order_by("slug")[:30])
    keep_slug, drop_slug = (
        request.GET.get("keep") or request.POST.get("keep"),
        request.GET.get("drop") or request.POST.get("drop"),
    )
    if keep_slug and drop_slug:
        try:
            keep, drop = merge.find(kind, keep_slug), merge.find(kind, drop_slug)
            if request.method == "POST" and "confirm" in request.POST:
                merge.records_merge(keep=keep, drop=drop)
                messages.success(request, _("Merged “%(drop)s” into “%(keep)s”.") % {"drop": drop, "keep": keep})
                return redirect(keep.get_absolute_url())
            context["plan"] = merge.merge_plan(keep, drop)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(request, "documents/merge.html", context)


def _merge_kinds() -> list[tuple[str, str]]:
    return [(k, str(m._meta.verbose_name)) for k, m in merge.MERGEABLE.items()]
