from django.contrib import admin

from innobridge.documents.models import Evidence, SourceDocument


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "language", "published"]
    search_fields = ["title"]
    readonly_fields = ["content_hash"]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ["document", "content_type", "object_id", "field", "start", "end"]
    list_filter = ["content_type"]
