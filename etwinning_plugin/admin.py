"""
The outbox and the received platform events in the Django admin: per-record state, the NSS's last
answer, replay; which events wait for the worker and which could not be recorded.
"""

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import OutboxRecord, PlatformEventReceipt


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the plugin only: shown, never edited by hand."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(OutboxRecord)
class OutboxRecordAdmin(ReadOnlyAdmin):
    list_display = ("record_type", "course_key", "state", "attempts", "last_status", "next_attempt_at", "created_at",
                    "delivered_at")
    list_filter = ("state", "record_type", "last_status")
    search_fields = ("idempotency_key", "course_key")
    actions = ("replay",)

    @admin.action(description=_("Queue the selected records again (replay)"))
    def replay(self, request, queryset):
        now = timezone.now()
        count = queryset.exclude(state=OutboxRecord.DELIVERED) \
            .update(state=OutboxRecord.PENDING, next_attempt_at=now, attempts=0, created_at=now)
        messages.info(request, ngettext("%(count)d record queued again.", "%(count)d records queued again.",
                                        count) % {"count": count})


@admin.register(PlatformEventReceipt)
class PlatformEventReceiptAdmin(ReadOnlyAdmin):
    list_display = ("event_type", "event_id", "occurred_at", "received_at", "recorded_at", "failure")
    list_filter = ("event_type", ("recorded_at", admin.EmptyFieldListFilter), "failure")
    search_fields = ("event_id",)
