"""A long file of monthly figures is applied by ``jifen worker`` (jifen/recording/monthly_jobs.py),
checked again when it runs; on both engines."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from jifen.audit.models import AuditEvent
from jifen.core.models import Job
from jifen.ledger.models import Entry
from jifen.orgs.models import Person
from jifen.orgs.services import membership_transfer
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db(transaction=True)

FILE = "姓名,登录学习强国,完成每日一题\n张三,2,15\n李四,,12\n王五,1,\n"


@pytest.fixture
def branch(
    tree: SimpleNamespace, make_person: Callable[..., Person], settings: object, tmp_path: object
) -> SimpleNamespace:
    settings.JOB_ROWS = 2  # type: ignore[attr-defined]
    settings.JOB_PROGRESS_DIR = tmp_path  # type: ignore[attr-defined]
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = {name: make_person(name, tree.b1) for name in ("张三", "李四", "王五")}
    return SimpleNamespace(tree=tree, people=people)


def _post(client: Client, branch: SimpleNamespace) -> str:
    upload = SimpleUploadedFile("三月.csv", FILE.encode())
    answer = client.post(
        f"/orgs/{branch.tree.b1.pk}/monthly/", {"month": "2026-03", "file": upload}
    )
    assert answer.status_code == 302
    assert re.fullmatch(r"/jobs/\d+/", answer["Location"])
    return answer["Location"]


def test_a_long_file_is_applied_by_the_worker(branch: SimpleNamespace, scorekeeper: User) -> None:
    client = Client()
    client.force_login(scorekeeper)
    url = _post(client, branch)
    assert not Entry.objects.exists()
    assert "排队中" in client.get(url).content.decode()

    call_command("worker", "--once")

    job = Job.objects.get()
    assert job.status == Job.Status.DONE
    assert bytes(job.data) == b""  # the file, with its names, is not kept
    assert Entry.objects.count() == 4
    assert set(Entry.objects.values_list("recorded_by", flat=True)) == {scorekeeper.pk}
    page = client.get(url).content.decode()
    assert "导入完成：新增 4 项，更正 0 项，0 项与已导入的相同（未重复记录）" in page
    assert f'href="/orgs/{branch.tree.b1.pk}/sheet/2026/3/"' in page  # back to the month
    assert AuditEvent.objects.get(action="monthly.import").actor == scorekeeper


def test_a_member_gone_while_queued_fails_the_job_and_writes_nothing(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    client = Client()
    client.force_login(scorekeeper)
    url = _post(client, branch)
    membership_transfer(person=branch.people["王五"], to=branch.tree.b2, on=dt.date(2026, 2, 1))

    call_command("worker", "--once")

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert job.message.startswith("文件有 1 处问题，没有导入任何数据：第 4 行 姓名：")
    assert "王五" in job.message
    assert not Entry.objects.exists()
    assert job.message in client.get(url).content.decode()


def test_a_short_file_is_still_applied_in_the_request(
    branch: SimpleNamespace, scorekeeper: User, settings: object
) -> None:
    settings.JOB_ROWS = 3  # type: ignore[attr-defined]
    client = Client()
    client.force_login(scorekeeper)
    upload = SimpleUploadedFile("三月.csv", FILE.encode())
    answer = client.post(
        f"/orgs/{branch.tree.b1.pk}/monthly/", {"month": "2026-03", "file": upload}
    )
    assert answer.status_code == 302
    assert "/jobs/" not in answer["Location"]
    assert Entry.objects.count() == 4
    assert not Job.objects.exists()


def test_the_decision_on_members_left_out_travels_with_the_job(
    branch: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    make_person("赵六", branch.tree.b1)  # not in the file
    client = Client()
    client.force_login(scorekeeper)
    upload = SimpleUploadedFile("三月.csv", FILE.encode())
    preview = client.post(
        f"/orgs/{branch.tree.b1.pk}/monthly/", {"month": "2026-03", "file": upload}
    )["Location"]
    assert "赵六" in client.get(preview).content.decode()
    answer = client.post(preview, {"absent": "absence"})
    assert re.fullmatch(r"/jobs/\d+/", answer["Location"])
    assert not Entry.objects.exists()

    call_command("worker", "--once")

    assert Job.objects.get().status == Job.Status.DONE
    zhao = Entry.objects.filter(person__name="赵六")
    assert sorted(zhao.values_list("item", "value")) == [("xxqg_login", "31"), ("xxqg_quiz", "0")]
    assert Entry.objects.count() == 6


def test_a_member_arriving_while_queued_fails_the_decided_job(
    branch: SimpleNamespace, scorekeeper: User, make_person: Callable[..., Person]
) -> None:
    make_person("赵六", branch.tree.b1)
    client = Client()
    client.force_login(scorekeeper)
    upload = SimpleUploadedFile("三月.csv", FILE.encode())
    preview = client.post(
        f"/orgs/{branch.tree.b1.pk}/monthly/", {"month": "2026-03", "file": upload}
    )["Location"]
    client.post(preview, {"absent": "keep"})
    make_person("钱七", branch.tree.b1, start=dt.date(2026, 3, 5))

    call_command("worker", "--once")

    job = Job.objects.get()
    assert job.status == Job.Status.FAILED
    assert "文件中没有的党员已不是确认时的那些（现在是：钱七、赵六）" in job.message
    assert not Entry.objects.exists()
