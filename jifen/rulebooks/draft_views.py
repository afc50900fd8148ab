"""The rule editor: an organization's own rulebooks (drafts), read as a table and changed in
forms, a YAML view and upload for experts.

For the admins who adopt (Action.ADOPT); every draft comes through the door ``DRAFTS`` by its
organization, so another organization's draft is a 404. Every change goes through the audited
services in ``drafts.py``, which let the engine judge the result before anything is kept."""

from __future__ import annotations

import itertools
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.current import signed_in
from jifen.core.formflow import form_page
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.rulebooks.draft_forms import (
    AddItemForm,
    ChangeForm,
    NewDraftForm,
    ReasonForm,
    UploadForm,
    seen_field,
    shown,
)
from jifen.rulebooks.draft_reading import draft_reading
from jifen.rulebooks.draft_things import THINGS, Thing, item_category
from jifen.rulebooks.drafts import (
    draft_lock,
    draft_revise,
    draft_revise_text,
    draft_start,
    issues_of,
    latest,
    version_changes,
    version_rulebook,
)
from jifen.rulebooks.editing import (
    Path,
    Spec,
    base_document,
    changes_set,
    issue_places,
    merged,
    new_code,
    value_at,
)
from jifen.rulebooks.models import Draft, DraftVersion
from jifen.scoring import builtin_ids, load_rulebook

DRAFTS = access.Door(Draft.objects.select_related("organization"), org_field="organization")


def _draft(request: HttpRequest, draft_id: int) -> Draft:
    return DRAFTS.open(request.user, draft_id, Action.ADOPT)


@login_required
def draft_new(request: HttpRequest) -> HttpResponse:
    if not access.reach(request.user, Action.ADOPT).paths:
        raise access.refused(request.user, "rulebooks:draft_new", Action.ADOPT)
    organizations = {
        str(o.pk): o for o in access.orgs_for(request.user, Action.ADOPT).order_by("path")
    }
    drafts = {
        str(d.pk): d
        for d in Draft.objects.filter(access.within_reach(request.user, Action.ADOPT))
        .select_related("organization")
        .order_by("organization__path", "pk")
    }
    starts: list[tuple[str, Any]] = [
        (f"builtin:{book}", f"{load_rulebook(book).title}（{book}）") for book in builtin_ids()
    ]
    starts += [(f"draft:{pk}", f"{d.organization.name}：{d.title}") for pk, d in drafts.items()]
    form = NewDraftForm(
        request.POST or None,
        organizations=[(pk, o.name) for pk, o in organizations.items()],
        starts=starts,
        initial={"start": request.GET.get("start", "builtin:seed003")},
    )

    def save(data: dict[str, Any]) -> Draft:
        kind, _sep, key = data["start"].partition(":")
        return draft_start(
            organization=organizations[data["organization"]],
            title=data["title"],
            base=key if kind == "builtin" else "",
            based_on=latest(drafts[key]) if kind == "draft" else None,
            actor=signed_in(request),
        )

    return form_page(
        request,
        form,
        save=save,
        done=lambda draft: redirect("rulebooks:draft", draft.pk),
        message=lambda draft: _("已新建自定积分办法“%(title)s”") % {"title": draft.title},
        template="rulebooks/draft_form.html",
        context={"heading": _("新建自定积分办法")},
    )


@login_required
def draft_show(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    versions = list(draft.versions.select_related("author").order_by("-number"))
    for newer, older in itertools.pairwise(versions):
        newer.previous_pk = older.pk  # type: ignore[attr-defined]  # the diff link's other side
    version = versions[0]
    asked = request.GET.get("v", "")
    if asked.isdigit():
        version = next((v for v in versions if v.number == int(asked)), version)
    changes = version_changes(version)
    context = {
        "draft": draft,
        "version": version,
        "versions": versions,
        "is_latest": version == versions[0],
        "base": load_rulebook(draft.base),
        **draft_reading(version_rulebook(version), changes),
    }
    return render(request, "rulebooks/draft.html", context)


@login_required
def draft_yaml(request: HttpRequest, draft_id: int, number: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    version = DraftVersion.objects.filter(draft=draft, number=number).first()
    if version is None:
        raise Http404(_("没有这个版本"))
    return render(request, "rulebooks/draft_yaml.html", {"draft": draft, "version": version})


def _revised(draft: Draft) -> Any:
    return lambda version: redirect("rulebooks:draft", draft.pk)


def _revision_page(
    request: HttpRequest, draft: Draft, form: Any, *, save: Any, context: dict[str, Any]
) -> HttpResponse:
    """A form whose save is the draft's next version: back to the draft, naming the version."""
    return form_page(
        request,
        form,
        save=save,
        done=_revised(draft),
        message=_saved(draft),
        template="rulebooks/draft_form.html",
        context=context,
    )


def _saved(draft: Draft) -> Any:
    return lambda version: (
        _("已保存“%(title)s”第 %(number)s 版")
        % {
            "title": draft.title,
            "number": version.number,
        }
    )


def _context(draft: Draft, heading: str, **more: Any) -> dict[str, Any]:
    return {"draft": draft, "heading": heading, **more}


@login_required
def draft_upload(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    form = UploadForm(
        request.POST or None,
        request.FILES or None,
        initial={"yaml_text": latest(draft).yaml_text},
    )
    return _revision_page(
        request,
        draft,
        form,
        save=lambda data: draft_revise_text(
            draft=draft,
            yaml_text=data["yaml_text"],
            reason=data["reason"],
            actor=signed_in(request),
        ),
        context=_context(draft, _("粘贴或上传规则全文（YAML）"), multipart=True),
    )


def _refused(
    issues: list[Any], specs: list[Any], draft: Draft, more: dict[str, str] | None
) -> ValidationError:
    rulebook = version_rulebook(latest(draft))
    placed = issue_places(issues, specs, rulebook, more)
    return ValidationError({name or NON_FIELD_ERRORS: msgs for name, msgs in placed.items()})


def _revise_to(
    request: HttpRequest,
    draft: Draft,
    *,
    values: dict[Path, Any],
    reason: str,
    described: list[str],
    specs: list[Any],
    seen: int | None,
    more: dict[str, str] | None = None,
    fresh: str = "",
) -> DraftVersion:
    """The draft's differences with ``values`` set, saved as its next version — or refused with
    the engine's messages on the fields they name, nothing saved. The draft stays locked from
    reading its latest version to saving the next, and a form opened on an older version than the
    latest is refused rather than undoing the change saved in between. A form that says the
    whole of a top-level key (``fresh``, e.g. the star rule) replaces that key's differences: a
    ``null`` left by an earlier removal must not hide what the form now sets."""
    with transaction.atomic():
        draft_lock(draft)
        previous = latest(draft)
        if seen is not None and seen != previous.number:
            raise ValidationError(
                _("这份办法刚被别人改过，现在是第 %(number)s 版：请重新打开这一页再改")
                % {"number": previous.number}
            )
        before = {k: v for k, v in version_changes(previous).items() if k != fresh}
        changes = changes_set(before, base_document(draft.base), values)
        issues = issues_of(draft, changes)
        if issues:
            raise _refused(issues, specs, draft, more)
        return draft_revise(
            draft=draft,
            changes=changes,
            reason=reason,
            actor=signed_in(request),
            described=described,
        )


@login_required
def draft_edit(request: HttpRequest, draft_id: int, what: str, code: str = "") -> HttpResponse:
    """One thing of the rulebook (an item, a category, the stars, a band, the notice) in a form."""
    draft = _draft(request, draft_id)
    base = base_document(draft.base)
    current = merged(base, version_changes(latest(draft)))
    thing: Thing | None = THINGS[what](current, code)
    if thing is None:
        raise Http404(_("本办法中没有这一项"))
    form = ChangeForm(request.POST or None, specs=thing.specs, current=current, base=base)
    form.fields["seen"] = seen_field(latest(draft).number)

    def save(data: dict[str, Any]) -> DraftVersion:
        values = form.values()
        described = [
            f"{thing.title} {spec.label}：{shown(value_at(current, spec.path), spec.kind)} → "
            f"{shown(values[spec.path], spec.kind)}"
            for spec in thing.specs
            if shown(value_at(current, spec.path), spec.kind) != shown(values[spec.path], spec.kind)
        ]
        return _revise_to(
            request,
            draft,
            values=values,
            reason=data["reason"],
            described=described,
            specs=thing.specs,
            seen=data.get("seen"),
        )

    return _revision_page(
        request,
        draft,
        form,
        save=save,
        context=_context(draft, _("修改：%(title)s") % {"title": thing.title}),
    )


@login_required
def draft_item_add(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    rulebook = version_rulebook(latest(draft))
    if rulebook.kind != "member":
        raise Http404(_("组织考核办法不能在这里新增项目"))
    categories = [(c.code, c.title) for c in rulebook.categories]
    featured = next((c for c in rulebook.categories if c.code == "featured"), None)
    form = AddItemForm(
        request.POST or None,
        categories=categories,
        initial={"category": featured.code if featured else categories[-1][0]},
    )
    form.fields["seen"] = seen_field(latest(draft).number)

    def save(data: dict[str, Any]) -> DraftVersion:
        code = new_code(rulebook)
        item = form.item()
        path = ("categories", data["category"], "items", code)
        described = [_("新增项目“%(title)s”") % {"title": item["title"]}]
        # The new item's caps are checked against its category: say so on the caps it set.
        specs = [Spec(f"cap_{p}", (*path, "caps", p), "") for p in ("month", "quarter", "year")]
        specs += [Spec("per", (*path, "per"), ""), Spec("cap_year", path, "")]
        return _revise_to(
            request,
            draft,
            values={path: item},
            reason=data["reason"],
            described=described,
            specs=specs,
            seen=data.get("seen"),
            more={code: f"“{item['title']}”"},
        )

    return _revision_page(
        request,
        draft,
        form,
        save=save,
        context=_context(draft, _("新增特色项目")),
    )


@login_required
def draft_item_remove(request: HttpRequest, draft_id: int, code: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    current = merged(base_document(draft.base), version_changes(latest(draft)))
    category = item_category(current, code)
    if category is None:
        raise Http404(_("本办法中没有这一项"))
    path = ("categories", category, "items", code)
    title = str(value_at(current, path).get("title", code))
    form = ReasonForm(request.POST or None)
    form.fields["seen"] = seen_field(latest(draft).number)
    described = [_("删除项目“%(title)s”") % {"title": title}]
    return _revision_page(
        request,
        draft,
        form,
        save=lambda data: _revise_to(
            request,
            draft,
            values={path: None},
            reason=data["reason"],
            described=described,
            specs=[],
            seen=data.get("seen"),
        ),
        context=_context(draft, _("删除项目：%(title)s") % {"title": title}, removing=True),
    )
