"""Organization and people pages. Every object comes through the access door."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts import services as account_services
from jifen.core import clock
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access, selectors, services
from jifen.orgs.access import Action
from jifen.orgs.forms import (
    CloseForm,
    ExemptionForm,
    LeaveForm,
    OrganizationForm,
    PersonEditForm,
    PersonForm,
    RoleGrantForm,
    TransferForm,
)
from jifen.orgs.idcard import mask_id_number, mask_phone
from jifen.orgs.models import Person, RoleAssignment
from jifen.orgs.rules import PERSON_EDITABLE


def _day(request: HttpRequest) -> dt.date:
    """The ?on=YYYY-MM-DD the page is read for; today by default."""
    try:
        return dt.date.fromisoformat(request.GET.get("on", ""))
    except ValueError:
        return clock.today()


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    day = _day(request)
    organizations = list(access.orgs_for(request.user).order_by("path"))
    if not organizations:
        raise Http404("未找到")
    counts = selectors.member_counts(access.orgs_for(request.user), day)
    top = min(o.depth for o in organizations)
    rows = [(o, o.depth - top, counts.get(o.pk, 0)) for o in organizations]
    return render(request, "orgs/tree.html", {"rows": rows, "day": day})


@login_required
def detail(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id)
    day = _day(request)
    query = request.GET.get("q", "")
    memberships = selectors.memberships_on(organization=organization, day=day, subtree=True)
    if query:
        found = selectors.person_search(Person.objects.all(), query)
        memberships = memberships.filter(person__in=found)
    exempt = selectors.exempt_ids_on(day, [m.person_id for m in memberships])
    sensitive = access.can(request.user, Action.SEE_SENSITIVE, organization)
    context = {
        "organization": organization,
        # Linked only where the user may go: a branch secretary does not see the general branch.
        "parent_visible": organization.parent is not None
        and access.can(request.user, Action.VIEW_ORG, organization.parent),
        "children": organization.children.select_related("kind").order_by("path"),
        "memberships": memberships,
        "exempt": exempt,
        "day": day,
        "q": query,
        "sensitive": sensitive,
        # Scorekeepers' pages (entries, monthly figures, the declarations queue) only for them.
        "can_record": access.can(request.user, Action.RECORD, organization),
        "can_approve_declarations": access.can(
            request.user, Action.APPROVE_DECLARATIONS, organization
        ),
        "can_manage_people": access.can(request.user, Action.MANAGE_PEOPLE, organization),
        "can_manage_roles": access.can(request.user, Action.MANAGE_ROLES, organization),
        "can_adopt": access.can(request.user, Action.ADOPT, organization),
        "can_set_robot": access.can(request.user, Action.SET_ROBOT, organization),
    }
    template = "orgs/detail.html#members" if request.htmx else "orgs/detail.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _person_context(request: HttpRequest, person: Person) -> dict[str, object]:
    sensitive = access.sees_sensitive(request.user, person)
    memberships = person.memberships.select_related("organization").order_by("start")
    manage = access.people_for(request.user, Action.MANAGE_PEOPLE).contains(person)
    return {
        "person": person,
        "id_number": person.id_number if sensitive else mask_id_number(person.id_number),
        "phone": person.phone if sensitive else mask_phone(person.phone),
        "memberships": memberships,
        # A member may read their own page without being allowed to open their branch's.
        "visible_org_ids": set(
            access.orgs_for(request.user)
            .filter(pk__in=[m.organization_id for m in memberships])
            .values_list("pk", flat=True)
        ),
        "exemptions": person.exemptions.order_by("start"),
        "can_manage": manage,
        "can_manage_account": manage and access.people_for_accounts(request.user).contains(person),
    }


@login_required
def person(request: HttpRequest, person_id: int) -> HttpResponse:
    found = access.person_for(request.user, person_id)
    return render(request, "orgs/person.html", _person_context(request, found))


def _to_person(person: Person) -> Callable[[object], HttpResponse]:
    return lambda _: redirect("orgs:person", person_id=person.pk)


@login_required
def person_transfer(request: HttpRequest, person_id: int) -> HttpResponse:
    found = access.person_for(request.user, person_id, Action.MANAGE_PEOPLE)
    targets = access.orgs_for(request.user, Action.MANAGE_PEOPLE).order_by("path")
    return form_page(
        request,
        TransferForm(request.POST or None, organizations=targets),
        save=lambda data: services.membership_transfer(person=found, actor=request.user, **data),
        done=_to_person(found),
        message=lambda _result: _("%(name)s 的组织关系已转接") % {"name": found.name},
        template="orgs/person_form.html",
        context={**_person_context(request, found), "form_title": _("组织关系转接")},
    )


@login_required
def person_exempt(request: HttpRequest, person_id: int) -> HttpResponse:
    found = access.person_for(request.user, person_id, Action.MANAGE_PEOPLE)
    return form_page(
        request,
        ExemptionForm(request.POST or None),
        save=lambda data: services.exemption_create(person=found, actor=request.user, **data),
        done=_to_person(found),
        message=lambda _result: _("%(name)s 已登记为不列入积分管理") % {"name": found.name},
        template="orgs/person_form.html",
        context={**_person_context(request, found), "form_title": _("不列入积分管理")},
    )


@login_required
def roles(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_ROLES)
    grantable = access.grantable_roles(request.user, organization)
    accounts = access.accounts_for(request.user) | access.accounts_unclaimed()
    assignments = (
        RoleAssignment.objects.filter(
            organization__path__startswith=organization.path, revoked_at__isnull=True
        )
        .select_related("user", "organization")
        .order_by("organization__path", "role")
    )
    # The same service as the account pages: never above one's own role, never an account
    # reaching beyond one's subtree, never the platform operator's.
    return form_page(
        request,
        RoleGrantForm(request.POST or None, roles=grantable, accounts=accounts),
        save=lambda data: account_services.account_role_grant(
            actor=request.user,
            account=data["username"],
            role=data["role"],
            organization=organization,
        ),
        done=lambda _assignment: redirect("orgs:roles", org_id=organization.pk),
        message=lambda _assignment: _("角色已授予"),
        template="orgs/roles.html",
        context={"organization": organization, "assignments": assignments},
    )


@login_required
@require_POST
def role_revoke(request: HttpRequest, org_id: int, assignment_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_ROLES)
    assignment = access.object_for(
        request.user,
        RoleAssignment.objects.filter(organization__path__startswith=organization.path),
        assignment_id,
        Action.MANAGE_ROLES,
    )
    button_action(
        request,
        lambda: account_services.account_role_revoke(actor=request.user, assignment=assignment),
        _("角色已撤销"),
    )
    return redirect("orgs:roles", org_id=organization.pk)


@login_required
def organization_add(request: HttpRequest, org_id: int) -> HttpResponse:
    """A new organization under this one (a 党支部 under a 党总支, a 党小组 under a 党支部 …)."""
    parent = access.org_for(request.user, org_id, Action.MANAGE_ORGS)
    return form_page(
        request,
        OrganizationForm(request.POST or None),
        save=lambda data: services.organization_create(parent=parent, actor=request.user, **data),
        done=lambda created: redirect("orgs:detail", org_id=created.pk),
        message=lambda created: _("已新建 %(name)s") % {"name": created.name},
        template="orgs/org_form.html",
        context={"organization": parent, "form_title": _("新建下级组织")},
    )


@login_required
def person_add(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_PEOPLE)
    return form_page(
        request,
        PersonForm(request.POST or None),
        save=lambda data: services.person_create(
            organization=organization, actor=request.user, **data
        ),
        done=lambda created: redirect("orgs:person", person_id=created.pk),
        message=lambda created: _("已添加 %(name)s") % {"name": created.name},
        template="orgs/org_form.html",
        context={"organization": organization, "form_title": _("添加人员")},
    )


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    found = access.person_for(request.user, person_id, Action.MANAGE_PEOPLE)
    initial = {field: getattr(found, field) for field in PERSON_EDITABLE}
    return form_page(
        request,
        PersonEditForm(request.POST or None, initial=initial),
        save=lambda data: services.person_update(person=found, actor=request.user, **data),
        done=_to_person(found),
        message=lambda changed: _("已保存") if changed else _("没有改动"),
        template="orgs/person_form.html",
        context={**_person_context(request, found), "form_title": _("修改信息")},
    )


@login_required
def person_leave(request: HttpRequest, person_id: int) -> HttpResponse:
    found = access.person_for(request.user, person_id, Action.MANAGE_PEOPLE)
    return form_page(
        request,
        LeaveForm(request.POST or None),
        save=lambda data: services.membership_leave(person=found, actor=request.user, **data),
        done=_to_person(found),
        message=lambda _result: _("%(name)s 的组织关系已结束") % {"name": found.name},
        template="orgs/person_form.html",
        context={**_person_context(request, found), "form_title": _("离开组织")},
    )


@login_required
def organization_close(request: HttpRequest, org_id: int) -> HttpResponse:
    organization = access.org_for(request.user, org_id, Action.MANAGE_ORGS)
    return form_page(
        request,
        CloseForm(request.POST or None),
        save=lambda data: services.organization_close(
            organization=organization, actor=request.user, **data
        ),
        done=lambda closed: redirect("orgs:detail", org_id=closed.pk),
        message=lambda closed: (
            _("%(name)s 自 %(day)s 起撤销") % {"name": closed.name, "day": closed.active_until}
        ),
        template="orgs/org_form.html",
        context={"organization": organization, "form_title": _("撤销组织")},
    )
