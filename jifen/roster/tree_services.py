"""Writes for the tree import: store an upload with its preview, apply it, discard it; and the
command line's check-and-apply in one go.

Each is one transaction and audited. Every organization is created by the orgs service
(``organization_create``, audited one by one as if added by hand), plus one event for the
import as a whole. Applying checks the rows again against the database as it is then.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from jifen.audit.services import audit_record
from jifen.core import clock
from jifen.orgs import access
from jifen.orgs.models import Organization, OrganizationKind
from jifen.orgs.services import organization_create
from jifen.roster.checks import RowError
from jifen.roster.models import TreeImport
from jifen.roster.tree_checks import TreeEntry, tree_check
from jifen.roster.tree_reading import TreeTable

Status = TreeImport.Status


class TreeInvalidError(Exception):
    """The file has problems (or has them now, at apply); nothing was written."""

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problems")


class TreeImportClosedError(Exception):
    """The import was applied or discarded before (a second click, another tab)."""

    def __init__(self, tree_import: TreeImport) -> None:
        self.tree_import = tree_import
        super().__init__(tree_import.get_status_display())


def tree_evaluate(
    *, table: TreeTable, root: Organization, user: User
) -> tuple[list[RowError], list[TreeEntry]]:
    """The problems of ``table`` imported into ``root`` by ``user``, and the plan."""
    visible = set(access.orgs_for(user).values_list("code", flat=True))
    return tree_check(table, root=root, visible=visible)


def _table_of(tree_import: TreeImport) -> TreeTable:
    return TreeTable(
        rows=[(row["row"], list(row["cells"])) for row in tree_import.rows],
        file_format=tree_import.file_format,
        encoding=tree_import.encoding,
    )


def _create_all(entries: list[TreeEntry], *, root: Organization, actor: User) -> None:
    kinds = {kind.code: kind for kind in OrganizationKind.objects.all()}
    by_code = {o.code: o for o in Organization.objects.filter(path__startswith=root.path)}
    for entry in entries:
        by_code[entry["code"]] = organization_create(
            code=entry["code"],
            name=entry["name"],
            kind=kinds[entry["kind"]],
            parent=by_code[entry["parent"]],
            active_from=dt.date.fromisoformat(entry["active_from"]),
            actor=actor,
        )


def _audit_import(
    *, target: Organization | TreeImport, root: Organization, filename: str, count: int, actor: User
) -> None:
    audit_record(
        action="orgs.import",
        actor=actor,
        target=target,
        summary=_("导入组织树 %(file)s 到 %(root)s：新建 %(count)s 个组织")
        % {"file": filename, "root": root.name, "count": count},
        detail={"root": root.code, "created": count, "filename": filename},
    )


@transaction.atomic
def tree_import_create(
    *, organization: Organization, table: TreeTable, filename: str, actor: User
) -> TreeImport:
    """Store a read file with its problems and the organizations it would create."""
    errors, entries = tree_evaluate(table=table, root=organization, user=actor)
    tree_import = TreeImport.objects.create(
        organization=organization,
        uploaded_by=actor,
        filename=filename[:255],
        file_format=table.file_format,
        encoding=table.encoding,
        rows=[{"row": number, "cells": cells} for number, cells in table.rows],
        errors=errors,
        plan=entries,
        status=Status.INVALID if errors else Status.PENDING,
    )
    audit_record(
        action="orgs.import_upload",
        actor=actor,
        target=tree_import,
        summary=_("上传组织树 %(file)s 到 %(root)s：%(rows)s 行，%(errors)s 处错误")
        % {
            "file": tree_import.filename,
            "root": organization.name,
            "rows": len(table.rows),
            "errors": len(errors),
        },
        detail={"rows": len(table.rows), "errors": len(errors)},
    )
    return tree_import


def _claim(tree_import: TreeImport, actor: User) -> TreeImport:
    """Move a pending import to applied exactly once, even with two requests at a time."""
    claimed = TreeImport.objects.filter(pk=tree_import.pk, status=Status.PENDING).update(
        status=Status.APPLIED, applied_at=clock.now(), applied_by=actor
    )
    fresh = TreeImport.objects.get(pk=tree_import.pk)
    if not claimed:
        raise TreeImportClosedError(fresh)
    return fresh


def _reopen(tree_import: TreeImport, errors: list[RowError], entries: list[TreeEntry]) -> str:
    """Hand the import back with the problems or plan as they are now; nothing written."""
    TreeImport.objects.filter(pk=tree_import.pk).update(
        status=Status.INVALID if errors else Status.PENDING,
        errors=errors,
        plan=entries,
        applied_at=None,
        applied_by=None,
    )
    return "invalid" if errors else "changed"


class _Moved(Exception):  # noqa: N818 (a signal within the module, not an error to report)
    """The database moved since the preview: the new problems or plan, nothing written."""

    def __init__(self, errors: list[RowError], entries: list[TreeEntry]) -> None:
        super().__init__("moved")
        self.errors, self.entries = errors, entries


@transaction.atomic
def tree_import_apply(*, tree_import: TreeImport, actor: User) -> str:
    """Apply a previewed import, all of it or nothing, once: ``"applied"``; or ``"invalid"`` /
    ``"changed"`` when the database moved since the preview — the import then holds the new
    problems or plan, and nothing was written."""
    tree_import = _claim(tree_import, actor)
    root = tree_import.organization
    table = _table_of(tree_import)
    try:
        with transaction.atomic():
            # Two imports under one organization take turns: the second checks only after the
            # first committed, so it sees every code the first created, not some of them.
            list(Organization.objects.select_for_update().filter(pk=root.pk).values_list("pk"))
            errors, entries = tree_evaluate(table=table, root=root, user=actor)
            if errors or entries != tree_import.plan:
                raise _Moved(errors, entries)
            _create_all(entries, root=root, actor=actor)
    except _Moved as moved:
        return _reopen(tree_import, moved.errors, moved.entries)
    except (IntegrityError, ValidationError):
        # Someone else created one of the codes between this check and its insert: check
        # again after they committed, and show what is in the way.
        errors, entries = tree_evaluate(table=table, root=root, user=actor)
        return _reopen(tree_import, errors, entries)
    filename = tree_import.filename
    _audit_import(target=tree_import, root=root, filename=filename, count=len(entries), actor=actor)
    return "applied"


@transaction.atomic
def tree_import_discard(*, tree_import: TreeImport, actor: User) -> None:
    """Drop a pending (or invalid) import; it can no longer be applied."""
    claimed = TreeImport.objects.filter(
        pk=tree_import.pk, status__in=[Status.PENDING, Status.INVALID]
    ).update(status=Status.DISCARDED, rows=[], plan=[], applied_at=clock.now(), applied_by=actor)
    if not claimed:
        raise TreeImportClosedError(TreeImport.objects.get(pk=tree_import.pk))
    audit_record(
        action="orgs.import_discard",
        actor=actor,
        target=tree_import,
        summary=_("放弃导入组织树 %(file)s") % {"file": tree_import.filename},
    )


@transaction.atomic
def tree_import_now(
    *, organization: Organization, table: TreeTable, filename: str, actor: User
) -> list[TreeEntry]:
    """Check and apply in one transaction (the command line's ``--apply``): the organizations
    created, or TreeInvalidError and nothing written."""
    errors, entries = tree_evaluate(table=table, root=organization, user=actor)
    if errors:
        raise TreeInvalidError(errors)
    _create_all(entries, root=organization, actor=actor)
    _audit_import(
        target=organization, root=organization, filename=filename, count=len(entries), actor=actor
    )
    return entries
