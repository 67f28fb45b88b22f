"""The outbox in the Django admin: per-record state, the NSS's last answer, and replay."""

from django.contrib import admin, messages
from django.utils import timezone

from .models import OutboxRecord


@admin.register(OutboxRecord)
class OutboxRecordAdmin(admin.ModelAdmin):
    list_display = ("record_type", "course_key", "state", "attempts", "last_status", "next_attempt_at", "created_at",
                    "delivered_at")
    list_filter = ("state", "record_type", "last_status")
    search_fields = ("idempotency_key", "course_key")
    readonly_fields = [f.name for f in OutboxRecord._meta.fields]
    actions = ("replay",)

    @admin.action(description="Queue the selected records again (replay)")
    def replay(self, request, queryset):
        now = timezone.now()
        count = queryset.exclude(state=OutboxRecord.DELIVERED) \
            .update(state=OutboxRecord.PENDING, next_attempt_at=now, attempts=0, created_at=now)
        messages.info(request, f"{count} records queued again.")

    def has_add_permission(self, request):
        return False
