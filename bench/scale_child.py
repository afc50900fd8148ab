"""One column of bench/bench_scale.py: one engine, one size, in its own process (DATABASE_URL
and JIFEN_VAR_DIR set by the parent). Prints one JSON line of figures."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import random
import resource
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CLIENTS = 20
PER_CLIENT = 5


def _database(engine: str, members: int, rebuild: bool) -> None:
    """Create the database (or the SQLite file's folder); with ``rebuild``, afresh."""
    url = os.environ["DATABASE_URL"]
    if engine == "sqlite":
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        if rebuild and path.exists():
            path.unlink()
        return
    import dj_database_url
    import psycopg

    db = dj_database_url.parse(url)
    with psycopg.connect(dbname="postgres", user=db["USER"], host=db["HOST"], autocommit=True) as c:
        exists = c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db["NAME"]]).fetchone()
        if exists and rebuild:
            c.execute(f'DROP DATABASE "{db["NAME"]}"')
            exists = None
        if not exists:
            c.execute(f'CREATE DATABASE "{db["NAME"]}"')


def _size_mb(engine: str) -> float:
    from django.db import connection

    if engine == "sqlite":
        return Path(connection.settings_dict["NAME"]).stat().st_size / 1e6
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_database_size(current_database())")
        return int(cursor.fetchone()[0]) / 1e6


def client_storages() -> dict[str, dict[str, str]]:
    """Plain storages for the test client (no collected static files needed)."""
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def _timed(fn: Any, repeat: int = 3, budget: float = 30.0) -> float:
    """The median of up to ``repeat`` timings after one warm-up, stopping after ``budget`` s."""
    fn()
    times: list[float] = []
    spent = 0.0
    while len(times) < repeat and spent < budget:
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return statistics.median(times)


def _page(client: Any, url: str) -> Any:
    def get() -> None:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")

    return get


def _record_500(general: Any, as_of: dt.date) -> float:
    from jifen.orgs.selectors import people_on
    from jifen.recording.services import Mark, activity_create, attendance_record

    people = people_on(organization=general, day=as_of, subtree=True)[:500]
    times = []
    for n in range(5):
        started = time.perf_counter()
        activity = activity_create(organization=general, item="party_day",
                                   title=f"测速：主题党日 {n}", date=as_of)  # fmt: skip
        attendance_record(activity=activity, marks={p.pk: Mark("present") for p in people},
                          actor=None)  # fmt: skip
        times.append(time.perf_counter() - started)
    return statistics.median(times)


SEED003 = [  # item, points, deduct per unit, absent, target (seed003's allowance items)
    ("xxqg_login", 10, 0.5, None, None), ("xxqg_quiz", 10, 0.5, None, 15),
    ("group_study", 5, None, 5, None), ("other_study", 5, None, 5, None),
    ("branch_meeting", 5, None, 5, None), ("party_lecture", 5, None, 5, None),
    ("group_meeting", 5, None, 5, None), ("party_day", 10, None, 5, None),
    ("dues", 5, 5, None, None),
]  # fmt: skip
EARN_CAPS = [("grid_work", 5), ("volunteer", 5), ("branch_choice", 10)]


def _duckdb(committee: Any, year: int, parquet: Path) -> tuple[float | None, str]:
    """Export the committee's facts of the year to Parquet, then time DuckDB's capped
    aggregate: per member and month, 70 less each item's penalties capped at its points, the
    months' mean, plus the featured points capped per item and at 20."""
    try:
        import duckdb
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return None, "duckdb/pyarrow not installed (pip install -e .[bench]): DuckDB column skipped"
    from jifen.ledger.models import Entry

    rows = Entry.objects.filter(
        organization__path__startswith=committee.path, date__year=year, person__isnull=False
    ).values_list("person_id", "date", "item", "value")
    columns: list[list[Any]] = [[], [], [], []]
    for row in rows.iterator(chunk_size=20000):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    table = pa.table({"person": columns[0], "date": columns[1], "item": columns[2],
                      "value": columns[3]})  # fmt: skip
    pq.write_table(table, parquet)
    items = ", ".join(
        f"('{i}', {p}, {d or 'NULL'}, {a or 'NULL'}, {t or 'NULL'})" for i, p, d, a, t in SEED003
    )
    caps = ", ".join(f"('{i}', {c})" for i, c in EARN_CAPS)
    sql = f"""
    WITH items(item, points, deduct, absent, target) AS (VALUES {items}),
    caps(item, cap) AS (VALUES {caps}),
    f AS (SELECT person, month(date) AS m, item, value FROM read_parquet('{parquet}')),
    penalty AS (
      SELECT f.person, f.m, f.item, least(any_value(i.points), sum(
        CASE WHEN f.value = 'absent' THEN i.absent
             WHEN i.target IS NOT NULL
               THEN greatest(i.target - TRY_CAST(f.value AS DOUBLE), 0) * i.deduct
             WHEN i.deduct IS NOT NULL THEN TRY_CAST(f.value AS DOUBLE) * i.deduct
             ELSE 0 END)) AS lost
      FROM f JOIN items i USING (item) GROUP BY ALL),
    months AS (SELECT person, m FROM f GROUP BY ALL),
    base AS (
      SELECT mo.person, avg(70 - coalesce(p.lost, 0)) AS base FROM months mo
      LEFT JOIN (SELECT person, m, sum(lost) AS lost FROM penalty GROUP BY ALL) p
        USING (person, m) GROUP BY ALL),
    featured AS (
      SELECT person, least(20, sum(got)) AS featured FROM (
        SELECT f.person, least(any_value(c.cap), sum(TRY_CAST(f.value AS DOUBLE))) AS got
        FROM f JOIN caps c USING (item) GROUP BY f.person, f.item) GROUP BY ALL)
    SELECT count(*), avg(base + coalesce(featured, 0)) FROM base LEFT JOIN featured USING (person)
    """  # noqa: S608 (fixed names)
    con = duckdb.connect()
    return _timed(lambda: con.execute(sql).fetchall()), ""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _hammer(port: int, cookie: str, urls: list[str]) -> dict[str, float | int]:
    """CLIENTS threads, PER_CLIENT requests each, round the ``urls``."""
    times: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(n: int) -> None:
        nonlocal errors
        for k in range(PER_CLIENT):
            url = urls[(n * PER_CLIENT + k) % len(urls)]
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
                conn.request("GET", url, headers={"Cookie": f"sessionid={cookie}"})
                ok = conn.getresponse().status == 200
                conn.close()
            except OSError:
                ok = False
            with lock:
                times.append(time.perf_counter() - started)
                errors += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(times)
    return {
        "p50": ordered[len(ordered) // 2],
        "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
        "rps": len(times) / wall,
        "errors": errors,
    }


def _live(cookie: str, sheet: str, members: list[str]) -> dict[str, Any]:
    from django.core.management import call_command

    call_command("collectstatic", "--noinput", verbosity=0)
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("gunicorn")), "jifen.wsgi", "--bind",
         f"127.0.0.1:{port}", "--workers", "2", "--threads", "4", "--timeout", "300"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        _hammer(port, cookie, [sheet, *members[:4]])  # warm both workers
        figures: dict[str, Any] = {}
        for name, urls in (("sheet", [sheet]), ("member", members)):
            for key, value in _hammer(port, cookie, urls).items():
                figures[f"{name}_{key}"] = value
        return figures
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:  # noqa: PLR0915 (one column of the table, step by step)
    engine, members = sys.argv[1], int(sys.argv[2])
    _database(engine, members, "--rebuild" in sys.argv)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.test import Client
    from django.test.utils import override_settings

    from jifen.core import clock
    from jifen.demo.scale import scale_load
    from jifen.ledger.models import Entry
    from jifen.ledger.scores import branch_year
    from jifen.orgs.models import Membership, Organization

    call_command("migrate", verbosity=0)
    code = f"SC{members}"
    as_of = clock.today()
    figures: dict[str, Any] = {}
    if not Organization.objects.filter(code=code).exists():
        started = time.perf_counter()
        scale_load(code=code, members=members, as_of=as_of)
        figures["build_s"] = time.perf_counter() - started
    committee = Organization.objects.get(code=code)
    year = as_of.year
    figures["facts"] = Entry.objects.filter(organization__path__startswith=committee.path).count()
    figures["db_mb"] = _size_mb(engine)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    branch_year(committee, year, today=as_of)
    figures["cold_s"] = time.perf_counter() - started
    figures["cold_rss_mb"] = max(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) / 1024
    admin = User.objects.get(username=f"{code.lower()}-admin")
    branch = Organization.objects.filter(parent__parent=committee).order_by("code").first()
    assert branch is not None
    assert branch.parent is not None
    people = list(
        Membership.objects.filter(organization=branch).values_list("person_id", flat=True)
    )
    sheet = f"/orgs/{branch.pk}/sheet/{year}/{as_of.month}/"
    member_urls = [f"/people/{pk}/points/{year}/" for pk in random.Random(1).sample(people, 20)]
    with override_settings(STORAGES=client_storages()):
        client = Client(SERVER_NAME="localhost")
        client.force_login(admin)
        if "--quick" not in sys.argv:
            overview = _page(client, f"/orgs/{committee.pk}/reports/{year}/")
            figures["overview_s"] = _timed(overview, 5)
        figures["sheet_s"] = _timed(_page(client, sheet))
        figures["member_s"] = _timed(_page(client, member_urls[0]))
    figures["record_s"] = _record_500(branch.parent, as_of)
    if "--quick" not in sys.argv:
        # The first overview after the recording: the 500 members' stored results and their
        # branches' summaries are recomputed at this read (their tags moved).
        with override_settings(STORAGES=client_storages()):
            started = time.perf_counter()
            overview()
            figures["overview_after_record_s"] = time.perf_counter() - started
    duck, note = _duckdb(committee, year, Path(os.environ["JIFEN_VAR_DIR"]) / "facts.parquet")
    figures["duckdb_s"], figures["note"] = duck, note
    if duck:
        figures["cold_vs_duckdb"] = round(figures["cold_s"] / duck, 1)
    if "--quick" not in sys.argv:
        live = Client(SERVER_NAME="localhost")
        live.force_login(admin)
        figures.update(_live(live.cookies["sessionid"].value, sheet, member_urls))
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
