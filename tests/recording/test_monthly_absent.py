"""The monthly import misses nobody: the members a file leaves out are named before anything is
written and someone decides about them; impossible figures are refused by row and column."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jifen.audit.models import AuditEvent
from jifen.ledger.models import Entry
from jifen.ledger.scores import member_year
from jifen.orgs.models import Person
from jifen.orgs.services import exemption_create
from jifen.recording.models import MonthlyUpload
from jifen.recording.monthly import Checked, monthly_apply, monthly_check
from jifen.rulebooks.services import adoption_set

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture
def branch(tree: SimpleNamespace, make_person: Callable[..., Person]) -> SimpleNamespace:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    people = {name: make_person(name, tree.b1) for name in ("张三", "李四", "王五")}
    return SimpleNamespace(tree=tree, people=people)


def check(branch: SimpleNamespace, text: str, month: int = 3) -> Checked:
    return monthly_check(organization=branch.tree.b1, year=2026, month=month, data=text.encode())


def march(person: Person) -> Decimal:
    year = member_year(person, 2026)
    assert year is not None
    return year.result.category("base").periods["M03"]


FILE = "姓名,登录学习强国,完成每日一题\n张三,2,15\n王五,0,12\n"


def test_the_members_left_out_are_named_and_nothing_is_written_without_a_decision(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    checked = check(branch, FILE)
    assert checked.problems == []
    assert [a.person.name for a in checked.absent] == ["李四"]
    with pytest.raises(ValidationError, match=r"文件中没有本月的 1 名党员（李四）"):
        monthly_apply(
            organization=branch.tree.b1, checked=checked, filename="3月.csv", actor=scorekeeper
        )
    assert not Entry.objects.exists()


def test_keep_records_nothing_for_them_and_says_so_in_the_audit(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    checked = check(branch, FILE)
    applied = monthly_apply(
        organization=branch.tree.b1,
        checked=checked,
        filename="3月.csv",
        actor=scorekeeper,
        absent="keep",
    )
    assert (applied.new, applied.changed, applied.unchanged) == (4, 0, 0)
    assert not Entry.objects.filter(person=branch.people["李四"]).exists()
    assert march(branch.people["李四"]) == 70
    event = AuditEvent.objects.get(action="monthly.import")
    assert "文件中没有的 1 人（李四）：这些人本月没有数据，保持满分" in event.summary
    assert event.detail["absent"] == [branch.people["李四"].pk]
    # The same month's second file (the other half) lists nobody already brought.
    second = check(branch, "姓名,登录学习强国\n李四,1\n")
    assert second.absent == []


def test_absence_records_a_month_of_nothing_done(
    branch: SimpleNamespace, scorekeeper: User
) -> None:
    checked = check(branch, FILE)
    monthly_apply(
        organization=branch.tree.b1,
        checked=checked,
        filename="3月.csv",
        actor=scorekeeper,
        absent="absence",
    )
    li = {e.item: e for e in Entry.objects.filter(person=branch.people["李四"])}
    assert {item: e.value for item, e in li.items()} == {"xxqg_login": "31", "xxqg_quiz": "0"}
    assert li["xxqg_login"].note == "2026年3月数据（3月.csv）：文件中没有，按缺勤处理"
    # seed003: 31 days × 0.5 takes all 10 of 登录学习强国; 15 quiz points short × 0.5 = 7.5 of 10.
    assert march(branch.people["李四"]) == Decimal("52.5")
    # A later file with their real figures corrects the absence, it does not add to it.
    later = check(branch, "姓名,登录学习强国,完成每日一题\n李四,3,15\n")
    again = monthly_apply(
        organization=branch.tree.b1, checked=later, filename="补.csv", actor=scorekeeper
    )
    assert (again.new, again.changed) == (0, 2)
    assert march(branch.people["李四"]) == Decimal("68.5")


def test_whoever_is_exempt_all_month_is_not_listed(branch: SimpleNamespace) -> None:
    exemption_create(
        person=branch.people["李四"],
        start=D(2026, 2, 1),
        reason="长期病休",
        committee_decided_on=D(2026, 1, 10),
        general_meeting_on=D(2026, 1, 15),
        filed_on=D(2026, 1, 20),
    )
    assert check(branch, FILE).absent == []


@pytest.mark.parametrize(
    ("cell", "column", "message"),
    [
        ("32", "登录学习强国", "3月只有 31 天，不能是 32 天"),
        ("1.5", "登录学习强国", "应为整数天数，而不是“1.5”"),
        ("-1", "登录学习强国", "不能是负数（-1）"),
        ("-3", "完成每日一题", "不能是负数（-3）"),
        ("NaN", "登录学习强国", "应为数字，而不是“NaN”"),
    ],
)
def test_impossible_figures_are_refused_by_row_and_column(
    branch: SimpleNamespace, cell: str, column: str, message: str
) -> None:
    text = f"姓名,{column}\n张三,1\n李四,{cell}\n王五,1\n"
    checked = check(branch, text)
    assert [(p.row, p.column, p.message) for p in checked.problems] == [(3, column, message)]
    assert checked.absent == []  # listed only for a file that could be applied


def test_february_has_fewer_days(branch: SimpleNamespace) -> None:
    checked = check(branch, "姓名,登录学习强国\n张三,29\n李四,28\n王五,0\n", month=2)
    assert [str(p) for p in checked.problems] == [
        "第 2 行 登录学习强国：2月只有 28 天，不能是 29 天"
    ]


def _upload(client: Client, branch: SimpleNamespace, text: str = FILE) -> str:
    url = reverse("recording:monthly", kwargs={"org_id": branch.tree.b1.pk})
    answer = client.post(
        url, {"month": "2026-03", "file": SimpleUploadedFile("3月.csv", text.encode())}
    )
    assert answer.status_code == 302
    return answer["Location"]


def test_the_page_shows_who_is_left_out_and_refuses_until_someone_decides(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    url = _upload(client, branch)
    assert not Entry.objects.exists()
    page = client.get(url).content.decode()
    assert "文件中没有本月的 1 名党员" in page
    assert "<li>李四</li>" in page
    assert "这些人按缺勤处理" in page
    refused = client.post(url, {})
    assert refused.status_code == 400
    assert "请确认：这些人本月没有数据，保持满分，还是按缺勤处理" in refused.content.decode()
    assert not Entry.objects.exists()
    done = client.post(url, {"absent": "absence"}, follow=True)
    assert "导入完成：新增 6 项" in done.content.decode()
    assert Entry.objects.filter(person=branch.people["李四"]).count() == 2
    upload = MonthlyUpload.objects.get()
    assert (upload.status, upload.decision, bytes(upload.data)) == ("applied", "absence", b"")
    # A second click does not apply it twice.
    assert client.post(url, {"absent": "absence"}).status_code == 302
    assert Entry.objects.count() == 6


def test_a_member_arriving_between_preview_and_decision_renews_the_preview(
    client: Client,
    branch: SimpleNamespace,
    scorekeeper: User,
    make_person: Callable[..., Person],
) -> None:
    client.force_login(scorekeeper)
    url = _upload(client, branch)
    make_person("赵六", branch.tree.b1, start=D(2026, 3, 10))
    answer = client.post(url, {"absent": "keep"})
    assert answer.status_code == 409
    page = answer.content.decode()
    assert "预览之后党员有了变化" in page
    assert "<li>赵六</li>" in page
    assert not Entry.objects.exists()
    assert client.post(url, {"absent": "keep"}).status_code == 302
    assert Entry.objects.count() == 4


def test_discarding_keeps_nothing(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    url = _upload(client, branch)
    client.post(url, {"discard": "1"})
    upload = MonthlyUpload.objects.get()
    assert (upload.status, bytes(upload.data)) == ("discarded", b"")
    assert not Entry.objects.exists()
    assert AuditEvent.objects.filter(action="monthly.discard").count() == 1


def test_a_file_naming_everyone_is_applied_at_once(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    location = _upload(client, branch, FILE + "李四,1,15\n")
    assert "/sheet/2026/3/" in location
    assert not MonthlyUpload.objects.exists()
    assert Entry.objects.count() == 6


def test_the_preview_speaks_english(
    client: Client, branch: SimpleNamespace, scorekeeper: User
) -> None:
    client.force_login(scorekeeper)
    url = _upload(client, branch)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    try:
        page = client.get(url).content.decode()
    finally:
        translation.activate("zh-hans")
    assert "1 member of this month is not in the file" in page
    assert "Treat them as absent" in page
    assert "保持满分" not in page
