"""The account pages of committee and general-branch admins (issue 16): the list of their
subtree's accounts, an account's page, opening an account for a person, resetting a password,
locking and unlocking, granting and revoking roles. Every account, person, organization and
role comes through the door (jifen/orgs/access.py); every write is a service
(jifen/accounts/services.py) run by form_page or button_action."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jifen.accounts import selectors, services
from jifen.accounts.manage_forms import AccountCreateForm, ConfirmForm, RoleGrantForm
from jifen.accounts.roles import Role
from jifen.core.formflow import button_action, form_page
from jifen.orgs import access
from jifen.orgs.access import GRANTABLE, Action
from jifen.orgs.models import Organization, RoleAssignment

PAGE_SIZE = 50


def _issued(request: HttpRequest, issued: services.Issued, title: str) -> HttpResponse:
    """The password just set, shown on this one answer and nowhere else: not stored, not
    cached, not in a message that would follow the admin to the next page."""
    response = render(
        request,
        "accounts/issued.html",
        {"account": issued.user, "password": issued.password, "title": title},
    )
    response["Cache-Control"] = "no-store"
    return response


def _posted(request: HttpRequest) -> QueryDict | None:
    # A POST binds the form even when empty (an unticked box sends nothing): it is refused
    # with its errors, never shown again as if it had not been sent.
    return request.POST if request.method == "POST" else None


def _to_account(account: User) -> HttpResponse:
    return redirect("accounts:detail", account_id=account.pk)


@login_required
def accounts_list(request: HttpRequest) -> HttpResponse:
    """The accounts of my subtree, searched and paged; ``?org=`` narrows to one organization."""
    if not access.reach(request.user, Action.MANAGE_ACCOUNTS).paths:
        raise access.refused(request.user, "accounts:list", Action.MANAGE_ACCOUNTS)
    organization: Organization | None = None
    if org_id := request.GET.get("org", "").strip():
        organization = access.org_for(request.user, org_id, Action.MANAGE_ACCOUNTS)
    query = request.GET.get("q", "").strip()
    found = selectors.accounts_search(request.user, query, organization)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "accounts": selectors.accounts_shown(page.object_list),
        "q": query,
        "organization": organization,
        "filters": {"q": query, "org": organization.pk if organization else ""},
    }
    return render(request, "accounts/manage_list.html", context)


@login_required
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    shown = selectors.accounts_shown([account]).get()
    # A role is offered for revoking only where this admin could have granted it.
    roles = [
        (a, Role(a.role) in access.grantable_roles(request.user, a.organization))
        for a in shown.active_roles  # type: ignore[attr-defined]
    ]
    context = {"account": shown, "roles": roles, "is_me": account.pk == request.user.pk}
    return render(request, "accounts/manage_detail.html", context)


@login_required
def account_create(request: HttpRequest, person_id: int) -> HttpResponse:
    """Open an account for a person of my subtree, with a role in the organization they belong
    to today; the generated password is shown once."""
    person = access.account_person_for(request.user, person_id)
    membership = (
        access.open_memberships().filter(person=person).select_related("organization").first()
    )
    organization = membership.organization if membership else None
    roles = access.grantable_roles(request.user, organization) if organization else []
    form = AccountCreateForm(
        _posted(request),
        initial={
            "username": services.username_suggest(person.name),
            "role": Role.MEMBER.value if Role.MEMBER in roles else "",
        },
        roles=roles,
        organization_name=organization.name if organization else "",
    )
    return form_page(
        request,
        form,
        save=lambda data: services.account_create(
            actor=request.user,
            person=person,
            username=data["username"],
            role=data["role"] or None,
            organization=organization,
        ),
        done=lambda issued: _issued(request, issued, _("账号已开通")),
        message=lambda issued: (
            _("已为 %(name)s 开通账号 %(username)s")
            % {"name": person.name, "username": issued.user.get_username()}
        ),
        template="accounts/manage_form.html",
        context={"person": person, "form_title": _("开通账号"), "button": _("开通账号")},
    )


@login_required
def account_password_reset(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    return form_page(
        request,
        ConfirmForm(_posted(request)),
        save=lambda _data: services.account_password_reset(actor=request.user, account=account),
        done=lambda issued: _issued(request, issued, _("密码已重置")),
        message=lambda _issued_: _("%(username)s 的密码已重置") % {"username": account.username},
        template="accounts/manage_form.html",
        context={
            "account": account,
            "form_title": _("重置密码"),
            "button": _("重置密码"),
            "warning": _(
                "重置后原密码立即失效，该账号已登录的地方全部退出；新密码只显示一次，"
                "账号持有人登录后须立即修改。"
            ),
        },
    )


@login_required
def account_lock(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    return form_page(
        request,
        ConfirmForm(_posted(request)),
        save=lambda _data: services.account_lock(actor=request.user, account=account),
        done=_to_account,
        message=lambda _locked: _("账号 %(username)s 已停用") % {"username": account.username},
        template="accounts/manage_form.html",
        context={
            "account": account,
            "form_title": _("停用账号"),
            "button": _("停用账号"),
            "warning": _("停用后该账号不能登录，已登录的地方立即退出；可以再启用。"),
        },
    )


@login_required
@require_POST
def account_unlock(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    button_action(
        request,
        lambda: services.account_unlock(actor=request.user, account=account),
        _("账号 %(username)s 已启用") % {"username": account.username},
    )
    return _to_account(account)


@login_required
def account_role_grant(request: HttpRequest, account_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    held = {Role(a.role) for a in access.assignments_of(request.user)}
    grantable = set().union(*(GRANTABLE.get(role, frozenset()) for role in held))
    organizations = access.orgs_for(request.user, Action.MANAGE_ACCOUNTS).order_by("path")
    return form_page(
        request,
        RoleGrantForm(
            _posted(request),
            roles=[role for role in Role if role in grantable],
            organizations=organizations,
        ),
        save=lambda data: services.account_role_grant(actor=request.user, account=account, **data),
        done=lambda _assignment: _to_account(account),
        message=lambda assignment: (
            _("已授予 %(role)s（%(org)s）")
            % {"role": assignment.get_role_display(), "org": assignment.organization.name}
        ),
        template="accounts/manage_form.html",
        context={"account": account, "form_title": _("授予角色"), "button": _("授予")},
    )


@login_required
@require_POST
def account_role_revoke(request: HttpRequest, account_id: int, assignment_id: int) -> HttpResponse:
    account = access.account_for(request.user, account_id)
    assignment = access.object_for(
        request.user,
        RoleAssignment.objects.filter(user=account, revoked_at__isnull=True).select_related(
            "organization"
        ),
        assignment_id,
        Action.MANAGE_ACCOUNTS,
    )
    button_action(
        request,
        lambda: services.account_role_revoke(actor=request.user, assignment=assignment),
        _("角色已撤销"),
    )
    return _to_account(account)
