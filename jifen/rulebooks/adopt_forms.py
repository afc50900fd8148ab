"""The adopt form: a built-in rulebook, the latest version of an own rulebook (a draft of an
organization within the user's reach), or — for experts — a YAML text pasted or uploaded."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jifen.orgs import access
from jifen.orgs.access import Action, AnyUser
from jifen.rulebooks.forms import AdoptForm
from jifen.rulebooks.models import Draft, DraftVersion

# The choice meaning "the YAML text below"; draft versions are "draft:<version pk>". Neither is
# ever shown: people see titles and version numbers.
PASTED = "yaml"
DRAFT = "draft:"
MAX_UPLOAD = 512 * 1024


def latest_versions(user: AnyUser) -> list[DraftVersion]:
    """The latest version of every draft of the organizations within ``user``'s reach."""
    drafts = Draft.objects.filter(access.within_reach(user, Action.ADOPT)).select_related(
        "organization"
    )
    found = []
    for draft in drafts.order_by("organization__path", "title", "pk"):
        version = draft.versions.order_by("-number").first()
        if version is not None:
            found.append(version)
    return found


class AdoptAnyForm(AdoptForm):
    yaml_text = forms.CharField(
        label=gettext_lazy("YAML 全文（专家用，可选）"),
        required=False,
        strip=False,  # kept exactly as written, like an uploaded file
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    upload = forms.FileField(label=gettext_lazy("或上传 YAML 文件"), required=False)
    reason = forms.CharField(
        label=gettext_lazy("更换理由"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("本年度已采用过积分办法时必填：为什么更换。"),
    )

    def __init__(self, *args: Any, user: AnyUser, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.versions = {str(v.pk): v for v in latest_versions(user)}
        own = [
            (
                f"{DRAFT}{pk}",
                _("%(title)s（第 %(number)s 版，%(organization)s 自定）")
                % {
                    "title": v.draft.title,
                    "number": v.number,
                    "organization": v.draft.organization.name,
                },
            )
            for pk, v in self.versions.items()
        ]
        field: forms.ChoiceField = self.fields["rulebook"]  # type: ignore[assignment]
        builtin: list[Any] = list(field.choices)  # type: ignore[arg-type]
        groups: list[Any] = [(_("内置积分办法"), builtin)]
        if own:
            groups.append((_("自定积分办法（最新版本）"), own))
        groups.append((_("其他"), [(PASTED, _("在下方粘贴或上传的 YAML 全文"))]))
        field.choices = groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        choice = data.get("rulebook", "")
        data["draft_version"] = None
        if choice.startswith(DRAFT):
            data["draft_version"] = self.versions.get(choice.removeprefix(DRAFT))
            if data["draft_version"] is None:
                raise ValidationError({"rulebook": _("没有这个自定积分办法")})
        if choice == PASTED:
            data["yaml_text"] = self._pasted(data)
        else:
            data["yaml_text"] = None
        return data

    def _pasted(self, data: dict[str, Any]) -> str:
        upload = data.get("upload")
        if upload is not None:
            if upload.size > MAX_UPLOAD:
                raise ValidationError({"upload": _("文件太大：YAML 文件不能超过 512 KB")})
            try:
                return str(upload.read().decode("utf-8-sig"))
            except UnicodeDecodeError as error:
                raise ValidationError({"upload": _("文件不是 UTF-8 编码的文字")}) from error
        text = str(data.get("yaml_text") or "")
        if not text.strip():
            raise ValidationError({"yaml_text": _("请粘贴 YAML 全文，或上传 YAML 文件")})
        return text
