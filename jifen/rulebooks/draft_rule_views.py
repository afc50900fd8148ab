"""The rule editor's pages that add or take away a whole part of a rulebook: the star rule (set
where the rulebook has none, or reshaped; removed) and a band of 评价与预警 (added, removed).

Built like the item pages in ``draft_views.py``: the draft through the door, a reason required,
the engine the judge of the result, each saved version audited with what changed in words."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from jifen.rulebooks.draft_forms import AddBandForm, ReasonForm, StarsForm, seen_field, stars_said
from jifen.rulebooks.draft_things import star_rows, stars_setup_thing
from jifen.rulebooks.draft_views import _context, _draft, _revise_to, _revision_page
from jifen.rulebooks.drafts import latest, version_changes
from jifen.rulebooks.editing import Spec, base_document, merged, new_band_code, value_at
from jifen.rulebooks.models import Draft, DraftVersion


def _current(draft: Draft) -> tuple[dict[str, Any], dict[str, Any]]:
    """The draft's base document and its current document (base and differences merged)."""
    base = base_document(draft.base)
    return base, merged(base, version_changes(latest(draft)))


@login_required
def draft_stars_set(request: HttpRequest, draft_id: int) -> HttpResponse:
    """The star rule, whole: thresholds and quotas level by level, and everyone else's stars."""
    draft = _draft(request, draft_id)
    base, current = _current(draft)
    rows = star_rows(base, current)
    thing = stars_setup_thing(rows)
    form = StarsForm(request.POST or None, specs=thing.specs, current=current, base=base, rows=rows)
    form.fields["seen"] = seen_field(latest(draft).number)
    had = value_at(current, ("stars",))

    def save(data: dict[str, Any]) -> DraftVersion:
        new = stars_said(form.stars())
        described = [_("星级评定：%(old)s → %(new)s") % {"old": stars_said(had), "new": new}]
        return _revise_to(
            request,
            draft,
            values=form.values(),
            reason=data["reason"],
            described=described,
            specs=thing.specs,
            seen=data.get("seen"),
            fresh="stars",
        )

    heading = _("修改星级评定") if isinstance(had, dict) else _("设置星级评定")
    return _revision_page(
        request,
        draft,
        form,
        save=save,
        context=_context(
            draft,
            heading,
            note=_(
                "每一档填写总分门槛（高的星级门槛不低于低的）；名额可以不填（不限人数）。"
                "门槛留空的一档不设这一星级。"
            ),
        ),
    )


@login_required
def draft_stars_remove(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    _base, current = _current(draft)
    had = value_at(current, ("stars",))
    if not isinstance(had, dict):
        raise Http404(_("本办法没有星级评定"))
    form = ReasonForm(request.POST or None)
    form.fields["seen"] = seen_field(latest(draft).number)
    described = [_("取消星级评定（原为：%(old)s）") % {"old": stars_said(had)}]
    return _revision_page(
        request,
        draft,
        form,
        save=lambda data: _revise_to(
            request,
            draft,
            values={("stars",): None},
            reason=data["reason"],
            described=described,
            specs=[],
            seen=data.get("seen"),
        ),
        context=_context(
            draft,
            _("取消星级评定"),
            removing=True,
            note=_(
                "取消后，新版本不再评星级，按星级设定的预警随之不再适用（可另行删除）；以前的版本不变。"
            ),
        ),
    )


@login_required
def draft_band_add(request: HttpRequest, draft_id: int) -> HttpResponse:
    draft = _draft(request, draft_id)
    base, current = _current(draft)
    form = AddBandForm(request.POST or None)
    form.fields["seen"] = seen_field(latest(draft).number)

    def save(data: dict[str, Any]) -> DraftVersion:
        code = new_band_code(base, current)
        band = form.band()
        path = ("bands", code)
        specs = [Spec(key, (*path, key), "") for key in ("label", "level", "min", "below")]
        return _revise_to(
            request,
            draft,
            values={path: band},
            reason=data["reason"],
            described=[_("新增预警“%(label)s”") % {"label": band["label"]}],
            specs=specs,
            seen=data.get("seen"),
            more={code: f"“{band['label']}”"},
        )

    return _revision_page(
        request,
        draft,
        form,
        save=save,
        context=_context(draft, _("新增评价与预警")),
    )


@login_required
def draft_band_remove(request: HttpRequest, draft_id: int, code: str) -> HttpResponse:
    draft = _draft(request, draft_id)
    _base, current = _current(draft)
    band = value_at(current, ("bands", code))
    if not isinstance(band, dict):
        raise Http404(_("本办法中没有这一项"))
    label = str(band.get("label", ""))
    form = ReasonForm(request.POST or None)
    form.fields["seen"] = seen_field(latest(draft).number)
    return _revision_page(
        request,
        draft,
        form,
        save=lambda data: _revise_to(
            request,
            draft,
            values={("bands", code): None},
            reason=data["reason"],
            described=[_("删除预警“%(label)s”") % {"label": label}],
            specs=[],
            seen=data.get("seen"),
        ),
        context=_context(
            draft,
            _("删除预警：%(label)s") % {"label": label},
            removing=True,
            note=_("删除后，新版本中不再有这一条评价与预警；以前的版本不变。"),
        ),
    )
