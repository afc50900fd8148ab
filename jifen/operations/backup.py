"""``jifen backup``: the database, the uploaded files and the anchor keys in one archive."""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import platform
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

import django
from django.conf import settings
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import connection

from jifen.operations.archive import archive_write, folder_files
from jifen.operations.database_copy import POSTGRES_NAME, SQLITE_NAME, postgres_dump, sqlite_dump

KEY_NAME = "keys/anchor.key"


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _migrations() -> dict[str, str]:
    """The latest migration applied per app: what code the restored database expects."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        return dict(cursor.fetchall())


def anchor_sources() -> tuple[Path | None, Path | None]:
    """The signing key's file and the anchors' folder, when the deployment has them
    (JIFEN_ANCHOR_KEY, JIFEN_ANCHOR_DIR; docs/deployment.md)."""
    key = getattr(settings, "JIFEN_ANCHOR_KEY", None)
    folder = getattr(settings, "JIFEN_ANCHOR_DIR", None)
    return (Path(key) if key else None, Path(folder) if folder else None)


def media_folder() -> Path | None:
    """The uploaded files' folder; None when they live in an object store (JIFEN_STORAGE=s3),
    which is backed up by the store's own means (bucket versioning or replication)."""
    if isinstance(default_storage, FileSystemStorage):
        return Path(default_storage.location)
    return None


def backup_create(destination: Path) -> dict[str, Any]:
    """Write the backup to ``destination``; its manifest. The database is copied first, the
    files after: a file is saved before the row that names it commits, so every row in the
    copy finds its file (a file uploaded meanwhile is merely extra)."""
    engine = connection.vendor
    connection.ensure_connection()
    with tempfile.TemporaryDirectory(prefix="jifen-backup-") as work:
        files: dict[str, Path] = {}
        name = SQLITE_NAME if engine == "sqlite" else POSTGRES_NAME
        copy = Path(work) / Path(name).name
        counts = (
            sqlite_dump(connection, copy) if engine == "sqlite" else postgres_dump(connection, copy)
        )
        files[name] = copy
        media = media_folder()
        if media is not None and media.is_dir():
            files.update({f"media/{rel}": path for rel, path in folder_files(media)})
        key, anchors = anchor_sources()
        if key is not None and key.is_file():
            files[KEY_NAME] = key
        if anchors is not None and anchors.is_dir():
            files.update({f"anchors/{rel}": path for rel, path in folder_files(anchors)})
        manifest: dict[str, Any] = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "engine": engine,
            "versions": {
                "jifen": _version("jifen"),
                "django": django.get_version(),
                "python": platform.python_version(),
                "database": sqlite3.sqlite_version
                if engine == "sqlite"
                else str(getattr(connection, "pg_version", "")),
            },
            "migrations": _migrations(),
            "tables": counts,
            "media": "folder" if media is not None else type(default_storage).__name__,
        }
        return archive_write(destination, manifest, files)
