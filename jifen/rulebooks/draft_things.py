"""The things of a rulebook a person changes in a form, and each one's fields (``Spec``s).

Each builder reads the draft's current document (base and differences merged) and answers the
thing's name and its fields, or None where there is no such thing — the page then answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from jifen.rulebooks.editing import Spec, value_at


@dataclass(frozen=True)
class Thing:
    title: str
    specs: list[Spec]


def item_category(doc: dict[str, Any], code: str) -> str | None:
    for category, body in (doc.get("categories") or {}).items():
        if isinstance(body, dict) and code in (body.get("items") or {}):
            return str(category)
    return None


def _allowance(at: tuple[str, ...]) -> list[Spec]:
    return [
        Spec("points", (*at, "points"), _("每期分值（分）"), required=True),
        Spec("deduct", (*at, "deduct"), _("每差 1 个单位扣（分）")),
        Spec("absent", (*at, "absent"), _("每次缺席扣（分）")),
        Spec("excused", (*at, "excused"), _("每次请假扣（分）")),
        Spec("target", (*at, "target"), _("目标数（达到即满分）")),
        Spec(
            "per_occasion",
            (*at, "per_occasion"),
            _("“X 分/次”：每期分值按当期的次数平分，缺席一次扣一份"),
            kind="flag",
        ),
    ]


def _earn(at: tuple[str, ...]) -> list[Spec]:
    return [
        Spec("per", (*at, "per"), _("每次分值（分）")),
        Spec("min", (*at, "min"), _("每次最少（分）")),
        Spec("max", (*at, "max"), _("每次最多（分）")),
        Spec("cap_month", (*at, "caps", "month"), _("每月最多（分）")),
        Spec("cap_quarter", (*at, "caps", "quarter"), _("每季度最多（分）")),
        Spec("cap_year", (*at, "caps", "year"), _("每年最多（分）")),
    ]


def item_thing(doc: dict[str, Any], code: str) -> Thing | None:
    category = item_category(doc, code)
    if category is None:
        return None
    at = ("categories", category, "items", code)
    body = value_at(doc, at)
    rule = body.get("rule")
    if rule == "allowance":
        specs = _allowance(at)
    elif rule == "earn":
        specs = _earn(at)
    elif rule in ("grade", "graded"):
        specs = [
            Spec(
                f"grade_{n}",
                (*at, "grades", str(label)),
                _("“%(label)s”得（分）") % {"label": label},
                required=True,
            )
            for n, label in enumerate(body.get("grades") or {})
        ]
    elif rule in ("score", "deduct"):
        specs = [Spec("max", (*at, "max"), _("满分（分）"), required=True)]
    else:
        return None
    name = Spec("title", (*at, "title"), _("项目名称"), kind="text", required=True)
    return Thing(str(body.get("title", code)), [name, *specs])


def category_thing(doc: dict[str, Any], code: str) -> Thing | None:
    body = value_at(doc, ("categories", code))
    if not isinstance(body, dict):
        return None
    at = ("categories", code)
    specs = [Spec("max", (*at, "max"), _("类别最高分（分）"), required=True)]
    if body.get("period") in ("month", "quarter"):
        specs.append(Spec("period_max", (*at, "period_max"), _("每期最高分（分）")))
    if doc.get("kind", "member") == "member":
        # seed003: 特色分 "由各支部评定、机关党委审批".
        specs.append(
            Spec(
                "committee_approval",
                (*at, "committee_approval"),
                _("支部审核通过的申报还要经党委审批才记分"),
                kind="flag",
            )
        )
    return Thing(str(body.get("title", code)), specs)


def stars_thing(doc: dict[str, Any], code: str = "") -> Thing | None:
    levels = value_at(doc, ("stars", "levels"))
    if not isinstance(levels, dict):
        return None
    specs = []
    for stars in sorted(levels, key=lambda s: -int(s) if str(s).isdigit() else 0):
        at = ("stars", "levels", str(stars))
        specs.append(
            Spec(
                f"min_{stars}",
                (*at, "min"),
                _("%(n)s 星：总分不低于（分）") % {"n": stars},
                required=True,
            )
        )
        specs.append(
            Spec(
                f"quota_{stars}",
                (*at, "quota"),
                _("%(n)s 星：名额不超过党员总数的（%%）") % {"n": stars},
                kind="percent",
            )
        )
    specs.append(_quota_base())
    return Thing(_("星级评定"), specs)


def _quota_base() -> Spec:
    # seed001: "不超过本支部党员总数的20%": the party members by default (RULEBOOKS.md, Ratings).
    return Spec(
        "quota_base",
        ("stars", "quota_base"),
        _("名额按哪些人的人数计算（其他人按门槛评定，不占名额）"),
        kind="categories",
    )


def star_rows(*docs: dict[str, Any]) -> list[str]:
    """The star levels a person may set: 5 down to 1, and any other level a document has."""
    rows = {"5", "4", "3", "2", "1"}
    for doc in docs:
        levels = value_at(doc, ("stars", "levels"))
        if isinstance(levels, dict):
            rows |= {str(key) for key in levels if str(key).isdigit()}
    return sorted(rows, key=lambda key: -int(key))


def stars_setup_thing(rows: list[str]) -> Thing:
    """The whole star rule in one form: every level's threshold (blank: no such level) and its
    quota (as in ``stars_thing``: a quota the form did not show would be lost when the form
    rewrites the rule); and the stars of everyone else."""
    specs = []
    for stars in rows:
        at = ("stars", "levels", stars)
        specs.append(
            Spec(f"min_{stars}", (*at, "min"), _("%(n)s 星：总分不低于（分）") % {"n": stars})
        )
        specs.append(
            Spec(
                f"quota_{stars}",
                (*at, "quota"),
                _("%(n)s 星：名额不超过党员总数的（%%）") % {"n": stars},
                kind="percent",
            )
        )
    specs.append(Spec("otherwise", ("stars", "else"), _("其余评为（星）"), kind="stars"))
    specs.append(_quota_base())
    return Thing(_("星级评定"), specs)


def band_thing(doc: dict[str, Any], code: str) -> Thing | None:
    body = value_at(doc, ("bands", code))
    if not isinstance(body, dict):
        return None
    at = ("bands", code)
    specs = [
        Spec("label", (*at, "label"), _("名称"), kind="text", required=True),
        Spec("level", (*at, "level"), _("级别"), kind="level", required=True),
    ]
    if "stars" not in body:
        specs += [
            Spec("min", (*at, "min"), _("总分不低于（分）")),
            Spec("below", (*at, "below"), _("总分低于（分）")),
        ]
    specs.append(Spec("actions", (*at, "actions"), _("处置措施"), kind="lines"))
    return Thing(str(body.get("label", code)), specs)


def notice_thing(doc: dict[str, Any], code: str = "") -> Thing | None:
    spec = Spec("notice_days", ("notice_days",), _("公示期（工作日）"), kind="days")
    return Thing(_("公示期"), [spec])


THINGS = {
    "item": item_thing,
    "category": category_thing,
    "stars": stars_thing,
    "band": band_thing,
    "notice": notice_thing,
}
