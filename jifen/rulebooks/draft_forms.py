"""The forms of the rule editor: one form per thing of a rulebook (an item, a category, the
stars, a band, the notice), built from its ``Spec`` list, each with the base's value beside every
field and a required reason; and the forms to start a draft, add or remove an item, upload YAML."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jifen.rulebooks.editing import MISSING, Path, Spec, value_at
from jifen.scoring.model import MEMBER_CATEGORIES, QUOTA_BASE
from jifen.scoring.rulebook_diff import MEMBER_KINDS

LEVELS = (
    ("info", gettext_lazy("提示")),
    ("yellow", gettext_lazy("黄色预警")),
    ("red", gettext_lazy("红色预警")),
)


def shown(value: Any, kind: str) -> str:
    """A document value as a person reads it: ``5 分``, ``20%``, lines joined by ；."""
    if kind == "categories":
        if value is MISSING or value is None:
            return _("%(who)s（默认）") % {"who": _kinds(QUOTA_BASE)}
        return _kinds(value)
    if kind == "flag":
        return _("是") if value is not MISSING and value else _("否")
    return _shown(value, kind)


def _shown(value: Any, kind: str) -> str:
    if value is MISSING or value is None:
        return _("未设置")
    if isinstance(value, list):
        return "；".join(str(v) for v in value)
    if isinstance(value, Decimal):
        value = f"{value.normalize():f}"
    if kind == "percent":
        return f"{Decimal(value) * 100:.0f}%"
    patterns = {"points": _("%(n)s 分"), "days": _("%(n)s 个工作日"), "stars": _("%(n)s 星")}
    if kind == "level":
        return str(dict(LEVELS).get(value, value))
    return patterns[kind] % {"n": value} if kind in patterns else str(value)


def _kinds(codes: Any) -> str:
    """Member categories as people call them: 正式党员、预备党员."""
    return "、".join(_(MEMBER_KINDS.get(code, code)) for code in codes)


def _field(spec: Spec) -> forms.Field:
    if spec.kind == "points":
        return forms.DecimalField(
            label=spec.label,
            required=spec.required,
            min_value=Decimal(0),
            max_digits=7,
            decimal_places=2,
            widget=forms.NumberInput(attrs={"step": "0.5"}),
        )
    if spec.kind in ("days", "stars"):
        # Working days of a notice (1–30), or a number of stars (0–9).
        low, high = (1, 30) if spec.kind == "days" else (0, 9)
        return forms.IntegerField(
            label=spec.label, required=spec.required, min_value=low, max_value=high
        )
    if spec.kind == "percent":
        return forms.DecimalField(
            label=spec.label,
            required=spec.required,
            min_value=Decimal(1),
            max_value=Decimal(100),
            decimal_places=0,
        )
    if spec.kind == "lines":
        return forms.CharField(
            label=spec.label,
            required=spec.required,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text=_("每行一条"),
        )
    if spec.kind in ("level", "categories", "flag"):
        return _choice_field(spec)
    return forms.CharField(label=spec.label, required=spec.required, max_length=200)


def _choice_field(spec: Spec) -> forms.Field:
    """A band's level (one of three), member categories (ticked), or a yes (ticked)."""
    if spec.kind == "flag":
        return forms.BooleanField(label=spec.label, required=False)
    if spec.kind == "level":
        return forms.ChoiceField(label=spec.label, choices=LEVELS)
    return forms.MultipleChoiceField(
        label=spec.label,
        required=False,
        choices=[(code, _(MEMBER_KINDS[code])) for code in MEMBER_CATEGORIES],
        widget=forms.CheckboxSelectMultiple,
    )


def _initial(value: Any, kind: str) -> Any:
    if kind == "categories":
        return list(QUOTA_BASE) if value is MISSING or value is None else list(value)
    if kind == "flag":
        return value is not MISSING and bool(value)
    if value is MISSING or value is None:
        return None
    if kind == "percent":
        # As typed: "20", never "20.0" (which the whole-number field would refuse on resubmit).
        return f"{(Decimal(value) * 100).normalize():f}"
    if kind == "lines":
        return "\n".join(str(v) for v in value)
    return value


def seen_field(number: int) -> forms.IntegerField:
    """The version the person saw when the form opened: a save on top of a newer one is refused,
    so one officer's change is never silently undone by another's older form."""
    return forms.IntegerField(widget=forms.HiddenInput, required=False, initial=number)


def reason_field() -> forms.CharField:
    return forms.CharField(
        label=_("修改理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        help_text=_("会记入版本记录和审计日志"),
    )


class ChangeForm(forms.Form):
    """The fields of one thing of the rulebook, filled with the draft's current values, each
    saying what the base says; ``values()`` gives the document value at every path."""

    def __init__(
        self,
        *args: Any,
        specs: list[Spec],
        current: dict[str, Any],
        base: dict[str, Any],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.base = base
        for spec in specs:
            field = _field(spec)
            was = value_at(base, spec.path)
            field.help_text = (
                _("基础办法：%(value)s") % {"value": shown(was, spec.kind)}
                if value_at(base, spec.path[:-1]) is not MISSING or was is not MISSING
                else _("新增的项目，基础办法中没有")
            )
            field.initial = _initial(value_at(current, spec.path), spec.kind)
            self.fields[spec.name] = field
        self.fields["reason"] = reason_field()

    def values(self) -> dict[Path, Any]:
        found: dict[Path, Any] = {}
        for spec in self.specs:
            value = self.cleaned_data.get(spec.name)
            if spec.kind == "flag":
                # Unticked where the base says nothing stays unsaid (no difference to show).
                unsaid = value_at(self.base, spec.path) is MISSING
                found[spec.path] = None if unsaid and not value else bool(value)
            elif value in (None, ""):
                found[spec.path] = None
            elif spec.kind == "percent":
                found[spec.path] = Decimal(value) / 100
            elif spec.kind == "categories":
                # The default where the base says nothing stays unsaid (no difference to show);
                # nothing ticked is kept as said, for the engine to refuse under the field.
                unsaid = value_at(self.base, spec.path) is MISSING
                same = sorted(value) == sorted(QUOTA_BASE)
                found[spec.path] = None if unsaid and same else list(value)
            elif spec.kind == "lines":
                found[spec.path] = [line.strip() for line in value.splitlines() if line.strip()]
            else:
                found[spec.path] = value
        return found


def stars_said(stars: Any) -> str:
    """A star rule in one line: ``5 星 ≥ 90 分（名额 20%）；4 星 ≥ 80 分；其余 0 星``."""
    if not isinstance(stars, dict):
        return _("未设置")
    levels = stars.get("levels") or {}
    said = []
    for key in sorted(levels, key=lambda k: -int(k)):
        line = _("%(n)s 星 ≥ %(points)s") % {
            "n": key,
            "points": shown(levels[key]["min"], "points"),
        }
        if levels[key].get("quota") is not None:
            line += _("（名额 %(quota)s）") % {"quota": shown(levels[key]["quota"], "percent")}
        said.append(line)
    said.append(_("其余 %(n)s 星") % {"n": stars.get("else", 0)})
    if any(level.get("quota") is not None for level in levels.values()):
        said.append(_("名额按%(who)s计") % {"who": shown(stars.get("quota_base"), "categories")})
    return "；".join(said)


class StarsForm(ChangeForm):
    """The whole star rule at once (set where the rulebook has none, or reshaped): a row per star
    level — its threshold and, optionally, its quota — and the stars of everyone else. A row whose
    threshold is left blank is no such level."""

    def __init__(self, *args: Any, rows: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = rows
        base = kwargs["base"]
        if value_at(base, ("stars",)) is MISSING:
            for spec in self.specs:
                self.fields[spec.name].help_text = ""
        if self.fields["otherwise"].initial is None:
            self.fields["otherwise"].initial = 0

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        thresholds = {n: data.get(f"min_{n}") for n in self.rows}
        for n, minimum in thresholds.items():
            if minimum is None and data.get(f"quota_{n}") not in (None, ""):
                self.add_error(f"min_{n}", _("%(n)s 星设了名额，请填写它的门槛") % {"n": n})
        rated = [int(n) for n, minimum in thresholds.items() if minimum is not None]
        if not rated and not self.errors:
            raise forms.ValidationError(_("请至少填写一个星级的门槛"))
        otherwise = data.get("otherwise")
        if rated and otherwise is not None and otherwise >= min(rated):
            self.add_error(
                "otherwise",
                _("其余党员的星级应低于最低一档（%(n)s 星）") % {"n": min(rated)},
            )
        return data

    def stars(self) -> dict[str, Any]:
        """The star rule as the form says it, in the document's shape."""
        levels: dict[str, Any] = {}
        for n in self.rows:
            minimum = self.cleaned_data.get(f"min_{n}")
            if minimum is not None:
                levels[n] = {"min": minimum}
                quota = self.cleaned_data.get(f"quota_{n}")
                if quota not in (None, ""):
                    levels[n]["quota"] = Decimal(quota) / 100
        said = {"levels": levels, "else": self.cleaned_data.get("otherwise") or 0}
        if self.cleaned_data.get("quota_base"):
            said["quota_base"] = list(self.cleaned_data["quota_base"])
        return said

    def values(self) -> dict[Path, Any]:
        """Every row's values; a blank row removes its level (``null`` where the base has it)."""
        found = super().values()
        for n in self.rows:
            at = ("stars", "levels", n)
            if found.get((*at, "min")) is None:
                found.pop((*at, "min"), None)
                found.pop((*at, "quota"), None)
                found[at] = None
        found[("stars", "else")] = self.cleaned_data.get("otherwise") or 0
        return found


def _points(label: Any) -> forms.DecimalField:
    """An optional number of points, entered in steps of 0.5."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0.5"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )


class AddItemForm(forms.Form):
    """A new featured item: points are earned by approved declarations, up to its caps. Its code
    is made by the system; the person only names it."""

    category = forms.ChoiceField(label=gettext_lazy("所属类别"))
    title = forms.CharField(label=gettext_lazy("项目名称"), max_length=120)
    per = _points(gettext_lazy("每次分值（分）"))
    per.help_text = gettext_lazy("留空：每次申报的分值由审核人填写")
    cap_month = _points(gettext_lazy("每月最多（分）"))
    cap_quarter = _points(gettext_lazy("每季度最多（分）"))
    cap_year = _points(gettext_lazy("每年最多（分）"))

    def __init__(self, *args: Any, categories: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        self.fields["reason"] = reason_field()

    def item(self) -> dict[str, Any]:
        data = self.cleaned_data
        item: dict[str, Any] = {"title": data["title"].strip(), "rule": "earn"}
        if data["per"] is not None:
            item["per"] = data["per"]
        caps = {
            period: data[f"cap_{period}"]
            for period in ("month", "quarter", "year")
            if data[f"cap_{period}"] is not None
        }
        if caps:
            item["caps"] = caps
        return item


class AddBandForm(forms.Form):
    """A new band of 评价与预警: whose totals it covers, how serious, what is done. Its code is
    made by the system; the person only names it."""

    label = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    level = forms.ChoiceField(label=gettext_lazy("级别"), choices=LEVELS)
    min = forms.DecimalField(
        label=gettext_lazy("总分不低于（分）"), required=False, max_digits=7, decimal_places=2
    )
    below = forms.DecimalField(
        label=gettext_lazy("总分低于（分）"), required=False, max_digits=7, decimal_places=2
    )
    actions = forms.CharField(
        label=gettext_lazy("处置措施"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("每行一条"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("min") is None and data.get("below") is None and not self.errors:
            raise forms.ValidationError(_("请填写“总分不低于”或“总分低于”，至少一项"))
        return data

    def band(self) -> dict[str, Any]:
        data = self.cleaned_data
        band: dict[str, Any] = {"label": data["label"].strip(), "level": data["level"]}
        for key in ("min", "below"):
            if data[key] is not None:
                band[key] = data[key]
        actions = [line.strip() for line in data["actions"].splitlines() if line.strip()]
        if actions:
            band["actions"] = actions
        return band


class ReasonForm(forms.Form):
    """Removing an item: nothing to fill in but why."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field()


class UploadForm(forms.Form):
    """The expert's way: a whole ``extends`` document, pasted or uploaded."""

    yaml_text = forms.CharField(
        label=gettext_lazy("规则全文（YAML）"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 18, "spellcheck": "false"}),
    )
    upload = forms.FileField(label=gettext_lazy("或上传 YAML 文件"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"] = reason_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            try:
                data["yaml_text"] = upload.read(200_000).decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("upload", _("文件必须是 UTF-8 编码的 YAML"))
        if not data.get("yaml_text", "").strip() and not self.errors:
            self.add_error("yaml_text", _("请粘贴规则全文或上传文件"))
        return data


class NewDraftForm(forms.Form):
    """A new draft: its name, whose it is, and what it starts from."""

    title = forms.CharField(label=gettext_lazy("名称"), max_length=120)
    organization = forms.ChoiceField(label=gettext_lazy("所属组织"))
    start = forms.ChoiceField(label=gettext_lazy("基于"))

    def __init__(
        self,
        *args: Any,
        organizations: list[tuple[str, str]],
        starts: list[tuple[str, Any]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = organizations  # type: ignore[attr-defined]
        self.fields["start"].choices = starts  # type: ignore[attr-defined]
