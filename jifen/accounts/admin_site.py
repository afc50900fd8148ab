"""The Django admin, for the platform operator only, with every write in Jifen's audit log.

The platform operator installs Jifen and creates committees; a committee admin manages their own
committee in Jifen's pages, where the access door keeps them inside it. The admin knows no
committees: a committee admin who was also a superuser could list every committee's accounts
there and reset another committee admin's password (issue 16). So only a *platform operator*
enters it: an active staff account that holds no role in any organization. Every add, change and
delete made there is recorded in Jifen's audit log (``admin.add``, ``admin.change``,
``admin.delete``) besides Django's own LogEntry, which nobody audits.
"""

from __future__ import annotations

from functools import update_wrapper
from typing import Any

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jifen.audit.services import audit_record, audit_records, target_of
from jifen.orgs.access import Action, AnyUser, assignments_of, refused


def is_platform_operator(user: AnyUser) -> bool:
    """An active staff account holding no role in any organization."""
    return bool(user.is_active and getattr(user, "is_staff", False)) and not assignments_of(user)


class AuditedModelAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Django's own log of admin writes, copied into Jifen's audit log in the same transaction.
    The change message names the fields changed, never their values (a password is "changed")."""

    def _what(self, obj: Model) -> str:
        return f"{obj._meta.verbose_name} {obj}"[:200]

    def log_addition(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit_record(
            action="admin.add",
            target=obj,
            summary=f"管理后台新增{self._what(obj)}",
            detail={"change": message},
        )
        return super().log_addition(request, obj, message)

    def log_change(self, request: HttpRequest, obj: Model, message: Any) -> Any:
        audit_record(
            action="admin.change",
            target=obj,
            summary=f"管理后台修改{self._what(obj)}",
            detail={"change": message},
        )
        return super().log_change(request, obj, message)

    def log_deletions(self, request: HttpRequest, queryset: QuerySet[Any]) -> Any:
        audit_records(
            [
                ("admin.delete", target_of(obj), f"管理后台删除{self._what(obj)}", None)
                for obj in queryset
            ]
        )
        return super().log_deletions(request, queryset)


class JifenAdminSite(admin.AdminSite):
    site_header = "积分量化管理系统 · 平台运维后台"
    site_title = "Jifen 平台运维后台"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_platform_operator(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
        """A signed-in account that may not enter is told why and where to go, not asked to
        sign in again; the refusal is audited like any other."""
        user = request.user
        if user.is_authenticated and not self.has_permission(request):
            return _refused(request)
        return super().login(request, extra_context)

    def admin_view(self, view: Any, cacheable: bool = False) -> Any:
        """A signed-in account that may not enter gets the refusal page at once, on every admin
        URL (Django would send it to the admin's login page)."""
        wrapped = super().admin_view(view, cacheable)

        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if request.user.is_authenticated and not self.has_permission(request):
                return _refused(request)
            return wrapped(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def password_change(self, request: HttpRequest, extra_context: Any = None) -> Any:
        """The operator changes their own password on Jifen's page, which audits it and counts
        wrong guesses with the login lockout; Django's admin page does neither."""
        return redirect("accounts:password_change")

    def register(self, model_or_iterable: Any, admin_class: Any = None, **options: Any) -> None:
        """Every ModelAdmin registered here, Django's own (users, groups) included, audits its
        writes: its class is wrapped in ``AuditedModelAdmin``."""
        base = admin_class or admin.ModelAdmin
        if not issubclass(base, AuditedModelAdmin):
            base = type(f"Audited{base.__name__}", (AuditedModelAdmin, base), {})
        super().register(model_or_iterable, base, **options)


def _refused(request: HttpRequest) -> HttpResponse:
    refused(request.user, "admin:index", Action.MANAGE_ROLES)
    return render(request, "accounts/admin_refused.html", status=403)
