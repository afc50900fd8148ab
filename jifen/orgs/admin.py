from django.contrib import admin

from jifen.orgs.models import OrganizationKind


@admin.register(OrganizationKind)
class OrganizationKindAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Kinds are configurable (机关党委, 直属党支部 …); organizations and people are managed in
    Jifen's own pages, which go through the access door and the audit log."""

    list_display = ("code", "name", "level")
    ordering = ("level", "code")
