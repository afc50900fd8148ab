"""A scratch database for the Django benchmarks: a fresh SQLite file, or a fresh PostgreSQL
database when JIFEN_BENCH_PG is set (e.g. postgres://postgres@/jifen_bench?host=/var/run/postgresql).
Never the application's own database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def scratch_database(name: str, *, reuse: bool = False) -> str:
    """Create the scratch database afresh, or with ``reuse`` (PostgreSQL only) keep the one the
    last run filled, so the slow fill of 10 million rows is paid once."""
    pg = os.environ.get("JIFEN_BENCH_PG")
    if pg and reuse:
        url = pg
    elif pg:
        import dj_database_url
        import psycopg

        db = dj_database_url.parse(pg)
        with psycopg.connect(
            dbname="postgres", user=db["USER"] or None, host=db["HOST"] or None, autocommit=True
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
            conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
        url = pg
    else:
        folder = Path(tempfile.mkdtemp(prefix=f"jifen-{name}-"))
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    os.environ["JIFEN_VAR_DIR"] = tempfile.mkdtemp(prefix="jifen-var-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifen.settings")
    import django
    from django.core.management import call_command

    django.setup()
    from django.test.utils import override_settings

    # Pages are rendered without collecting static files first (the benchmark times the view).
    override_settings(
        STORAGES={
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }
    ).enable()
    call_command("migrate", verbosity=0)
    return url


def percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]
