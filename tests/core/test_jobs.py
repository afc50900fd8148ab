"""Jobs (jifen/core/jobs.py) run by the real ``jifen worker`` command, on both engines.

Transactional: the worker's progress is written through a second connection (PostgreSQL) while
the job's own transaction is open, and the two-worker test runs two threads, so the rows must be
committed for anyone else to see them.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db import connection as own_connection
from django.test import Client
from django.utils import timezone

from jifen.audit.models import AuditEvent
from jifen.core import job_progress, jobs
from jifen.core.job_progress import Progress
from jifen.core.jobs import Done, Kind, job_claim, job_enqueue, job_kind_register
from jifen.core.models import Job
from jifen.orgs.access import Action
from jifen.orgs.models import Person, RoleAssignment
from jifen.orgs.services import person_create, role_revoke
from jifen.roster import services
from jifen.roster.models import RosterImport
from tests.conftest import valid_id_number
from tests.roster.conftest import csv_bytes, roster_row, upload

pytestmark = pytest.mark.django_db(transaction=True)

Status = Job.Status


@pytest.fixture(autouse=True)
def _small_jobs(settings: pytest.FixtureRequest, tmp_path: object) -> None:
    """Above 5 rows a page hands its import to the worker; SQLite's progress files in tmp."""
    settings.JOB_ROWS = 5  # type: ignore[attr-defined]
    settings.JOB_PROGRESS_DIR = tmp_path  # type: ignore[attr-defined]


@pytest.fixture
def test_kinds() -> Iterator[Callable[..., Kind]]:
    """Register kinds for one test; gone again after it."""
    added: list[str] = []

    def register(name: str, run: Callable[[Job, Progress], Done]) -> Kind:
        kind = Kind(
            name=name, title="测试任务", action=Action.VIEW_ORG, run=run, back=lambda j: "/"
        )
        job_kind_register(kind)
        added.append(name)
        return kind

    yield register
    for name in added:
        jobs.KINDS.pop(name, None)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _roster_job(client: Client, org_id: int, rows: int = 8) -> tuple[RosterImport, str]:
    """Upload a roster of ``rows`` people and press 确认导入: the answer is the job page."""
    upload(client, org_id, csv_bytes([roster_row(f"党员{n}", n) for n in range(rows)]))
    roster_import = RosterImport.objects.get()
    answer = client.post(f"/orgs/{org_id}/roster/imports/{roster_import.pk}/apply/")
    assert answer.status_code == 302
    assert re.fullmatch(r"/jobs/\d+/", answer["Location"])
    return roster_import, answer["Location"]


def test_a_long_roster_is_applied_by_the_worker_with_its_progress_on_the_page(
    general_admin: User, tree: SimpleNamespace
) -> None:
    client = _client(general_admin)
    roster_import, url = _roster_job(client, tree.g.pk)
    assert Person.objects.count() == 0  # not in the request
    queued = client.get(url).content.decode()
    assert "排队中" in queued
    assert 'hx-trigger="every 1s"' in queued
    assert "<progress" in queued
    assert "jifen worker" not in queued  # just queued: no alarm yet
    Job.objects.update(created_at=timezone.now() - dt.timedelta(minutes=5))
    assert "可能没有运行" in client.get(url).content.decode()
    # A second click does not queue it twice; the preview points to the job.
    client.post(f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/apply/")
    assert Job.objects.count() == 1
    assert (
        "查看进度"
        in client.get(f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/").content.decode()
    )

    call_command("worker", "--once")

    job = Job.objects.get()
    assert (job.status, job.done, job.total) == (Status.DONE, 100, 100)
    assert job.result["counts"] == {"new": 8, "update": 0, "transfer": 0, "unchanged": 0}
    assert job.started_at is not None
    assert job.finished_at is not None
    assert Person.objects.count() == 8
    page = client.get(url).content.decode()
    assert "导入完成：新增 8 人，更新 0 人，转接 0 人，0 人没有变化。" in page
    assert f'href="/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/"' in page
    assert "hx-trigger" not in page  # finished: the page stops asking
    # Audited as the user who asked, from enqueueing to the end; each person as by hand.
    for action in ("job.enqueue", "job.done", "roster.import", "person.create"):
        events = AuditEvent.objects.filter(action=action)
        assert events.exists(), action
        assert {e.actor_id for e in events} == {general_admin.pk}, action
    assert AuditEvent.objects.get(action="job.done").path == f"jifen worker · 任务 #{job.pk}"


def test_a_large_file_is_read_by_the_worker_and_its_page_leads_on_to_the_preview(
    general_admin: User, tree: SimpleNamespace, settings: pytest.FixtureRequest
) -> None:
    settings.JOB_CHECK_BYTES = 100  # type: ignore[attr-defined]
    client = _client(general_admin)
    rows = [roster_row(f"党员{n}", n) for n in range(8)]
    answer = upload(client, tree.g.pk, csv_bytes(rows))
    assert re.fullmatch(r"/jobs/\d+/", answer["Location"])
    assert not RosterImport.objects.exists()  # not read in the request

    call_command("worker", "--once")

    roster_import = RosterImport.objects.get()
    assert roster_import.plan["counts"]["new"] == 8
    assert roster_import.uploaded_by == general_admin
    preview = f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/"
    # The poll sends the page on to the preview; without htmx, a link does.
    polled = client.get(answer["Location"], headers={"HX-Request": "true"})
    assert polled["HX-Redirect"] == preview
    page = client.get(answer["Location"]).content.decode()
    assert "已读取并检查 8 行，没有错误。请查看预览。" in page
    assert f'href="{preview}"' in page
    assert AuditEvent.objects.get(action="roster.upload").actor == general_admin


def test_a_short_roster_is_still_applied_in_the_request(
    general_admin: User, tree: SimpleNamespace
) -> None:
    client = _client(general_admin)
    upload(client, tree.g.pk, csv_bytes([roster_row(f"党员{n}", n) for n in range(5)]))
    roster_import = RosterImport.objects.get()
    answer = client.post(f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/apply/")
    assert answer["Location"] == f"/orgs/{tree.g.pk}/roster/imports/{roster_import.pk}/"
    assert Person.objects.count() == 5
    assert not Job.objects.exists()


def test_progress_is_written_at_most_every_interval_and_seen_by_another_connection(
    general_admin: User,
    tree: SimpleNamespace,
    test_kinds: Callable[..., Kind],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(job_progress, "INTERVAL", 3600)  # only the first and the last write
    seen: list[str] = []
    client = _client(general_admin)  # signed in before: signing in writes a session

    def run(job: Job, progress: Progress) -> Done:
        person_create(**_someone(tree))  # type: ignore[arg-type]  # the job writes: its transaction is open below
        progress(3, 10)  # the first call writes
        progress(4, 10)  # within the interval: not written
        # The page, on its own connection, while this job's transaction is open.
        page = threading.Thread(target=lambda: seen.append(_page_elsewhere(client, job.pk)))
        page.start()
        page.join(timeout=30)
        progress(10, 10)  # the end is always written
        return Done("好了")

    test_kinds("test.progress", run)
    job = job_enqueue(kind="test.progress", organization=tree.g, actor=general_admin, arguments={})
    call_command("worker", "--once")
    assert Job.objects.get(pk=job.pk).status == Status.DONE
    assert len(seen) == 1
    assert '<progress value="3" max="10"' in seen[0]
    assert "30%" in seen[0]
    assert "正在处理" in seen[0]


def _someone(tree: SimpleNamespace) -> dict[str, object]:
    return {
        "name": "外单位的人",
        "organization": tree.xb,
        "gender": "M",
        "id_number": valid_id_number(0, birth="19850101", region="110105"),
        "category": "full",
        "joined_party": dt.date(2010, 7, 1),
        "start": dt.date(2020, 1, 1),
    }


def _page_elsewhere(client: Client, job_id: int) -> str:
    """The job page as htmx asks for it, from a thread of its own (its own connection)."""
    try:
        return client.get(f"/jobs/{job_id}/", headers={"HX-Request": "true"}).content.decode()
    finally:
        own_connection.close()


def test_a_job_of_another_committee_is_not_found(
    general_admin: User, outsider: User, scorekeeper: User, tree: SimpleNamespace
) -> None:
    _, url = _roster_job(_client(general_admin), tree.g.pk)
    job = Job.objects.get()
    for stranger in (outsider, scorekeeper):  # another committee; a role that imports no roster
        assert _client(stranger).get(url).status_code == 404
        denied = AuditEvent.objects.filter(action="access.denied", actor=stranger).get()
        assert denied.target == f"core.Job:{job.pk}"
    # A job that does not exist is refused alike.
    assert _client(outsider).get("/jobs/999999/").status_code == 404


def test_a_failing_job_writes_nothing_and_says_why_in_chinese(
    general_admin: User,
    tree: SimpleNamespace,
    test_kinds: Callable[..., Kind],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = _client(general_admin)
    upload(client, tree.g.pk, csv_bytes([roster_row(f"党员{n}", n) for n in range(8)]))
    roster_import = RosterImport.objects.get()

    def run(job: Job, progress: Progress) -> Done:
        services.roster_import_apply(roster_import=roster_import, actor=general_admin)
        assert Person.objects.count() == 8  # written, inside the job's transaction
        raise RuntimeError("disk full")

    test_kinds("test.crash", run)
    job = job_enqueue(kind="test.crash", organization=tree.g, actor=general_admin, arguments={})
    with caplog.at_level(logging.ERROR, logger="jifen.core.jobs"):
        call_command("worker", "--once")
    job.refresh_from_db()
    assert job.status == Status.FAILED
    assert job.message == jobs.UNEXPECTED.format(pk=job.pk)
    assert "disk full" in caplog.text  # the traceback is in the log …
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "没有写入任何数据" in page
    assert "disk full" not in page  # … never on the page
    assert Person.objects.count() == 0
    assert RosterImport.objects.get().status == RosterImport.Status.PENDING
    assert not AuditEvent.objects.filter(action__in=["person.create", "roster.import"]).exists()
    assert AuditEvent.objects.get(action="job.failed").actor == general_admin


def test_a_roster_that_became_wrong_while_queued_is_not_applied(
    general_admin: User, tree: SimpleNamespace
) -> None:
    client = _client(general_admin)
    _, url = _roster_job(client, tree.g.pk)
    # Someone else registers the first row's ID number in another committee meanwhile.
    person_create(**_someone(tree))  # type: ignore[arg-type]
    call_command("worker", "--once")
    job = Job.objects.get()
    assert job.status == Status.FAILED
    assert "没有导入" in job.message
    assert Person.objects.count() == 1  # only the one registered meanwhile
    assert job.message in client.get(url).content.decode()


def test_a_job_whose_asker_lost_the_role_meanwhile_is_not_run(
    general_admin: User, tree: SimpleNamespace
) -> None:
    _roster_job(_client(general_admin), tree.g.pk)
    for assignment in RoleAssignment.objects.filter(user=general_admin):
        role_revoke(assignment=assignment)
    call_command("worker", "--once")
    job = Job.objects.get()
    assert (job.status, job.message) == (Status.FAILED, jobs.NO_LONGER_ALLOWED)
    assert Person.objects.count() == 0
    assert RosterImport.objects.get().status == RosterImport.Status.PENDING


def test_an_interrupted_job_is_failed_when_the_next_worker_starts(
    general_admin: User, tree: SimpleNamespace, test_kinds: Callable[..., Kind]
) -> None:
    test_kinds("test.noop", lambda job, progress: Done("好了"))
    job = job_enqueue(kind="test.noop", organization=tree.g, actor=general_admin, arguments={})
    host = jobs.worker_name().split(":")[0]
    Job.objects.filter(pk=job.pk).update(status=Status.RUNNING, worker=f"{host}:999999999")
    call_command("worker", "--once")
    job.refresh_from_db()
    assert (job.status, job.message) == (Status.FAILED, jobs.ORPHANED)


def test_two_workers_never_run_the_same_job(
    general_admin: User, tree: SimpleNamespace, test_kinds: Callable[..., Kind]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer and runs one worker; the race is on PostgreSQL")
    ran: list[tuple[int, str]] = []

    def run(job: Job, progress: Progress) -> Done:
        ran.append((job.pk, threading.current_thread().name))
        return Done("好了")

    test_kinds("test.race", run)
    for _ in range(30):
        job_enqueue(kind="test.race", organization=tree.g, actor=general_admin, arguments={})
    barrier = threading.Barrier(2)

    def worker() -> None:
        try:
            barrier.wait()
            call_command("worker", "--once")
        finally:
            own_connection.close()

    threads = [threading.Thread(target=worker, name=f"w{n}") for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    ids = [pk for pk, _ in ran]
    assert sorted(ids) == sorted(Job.objects.values_list("pk", flat=True))  # each exactly once
    assert len({name for _, name in ran}) == 2  # both workers took some
    assert set(Job.objects.values_list("status", flat=True)) == {Status.DONE}


def test_two_claims_at_once_take_two_different_jobs(
    general_admin: User, tree: SimpleNamespace, test_kinds: Callable[..., Kind]
) -> None:
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes the claims")
    test_kinds("test.claim", lambda job, progress: Done("好了"))
    for _ in range(2):
        job_enqueue(kind="test.claim", organization=tree.g, actor=general_admin, arguments={})
    barrier = threading.Barrier(2)
    claimed: list[int | None] = []

    def claim(name: str) -> None:
        try:
            barrier.wait()
            job = job_claim(name)
            claimed.append(job.pk if job else None)
        finally:
            own_connection.close()

    threads = [threading.Thread(target=claim, args=(f"h:{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert None not in claimed
    assert len(set(claimed)) == 2
    assert job_claim("h:3") is None
