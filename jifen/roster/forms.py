from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from jifen.roster.columns import MAX_UPLOAD_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label="花名册文件",
        help_text="xlsx 或 CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030 编码），不超过 5 MB",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
        error_messages={
            "required": "请选择要上传的文件",
            "empty": "文件是空的。请下载模板，填写后再上传。",
        },
    )

    def clean_file(self) -> UploadedFile[Any]:
        upload: UploadedFile[Any] = self.cleaned_data["file"]
        if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
            megabytes = upload.size / 1024 / 1024
            raise forms.ValidationError(
                f"文件太大（{megabytes:.1f} MB），不能超过 5 MB。请分成几个文件分批导入。"
            )
        return upload


class TreeUploadForm(UploadForm):
    """The same upload, for an organization tree (组织树)."""

    file = forms.FileField(
        label=_("组织表文件"),
        help_text=_("xlsx 或 CSV（UTF-8、带 BOM 的 UTF-8 或 GB18030 编码），不超过 5 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv,.txt"}),
        error_messages={
            "required": _("请选择要上传的文件"),
            "empty": _("文件是空的。请下载模板，填写后再上传。"),
        },
    )
