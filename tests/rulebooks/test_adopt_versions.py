"""Adopting an own rulebook from the browser, versions of a year's adoption, the signed-quarter
rule, 允许自定积分办法, and the diff page.

The world is the periods' seed003 branch: 测试学院党委 C adopted seed003 for 2026; B1 (under the
general branch G) has two members and a secretary who signs quarters."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from jifen.audit.models import AuditEvent
from jifen.periods.services import period_sign
from jifen.periods.sheet import quarter_sheet
from jifen.ratings.rollover import year_rollover
from jifen.rulebooks import own
from jifen.rulebooks.drafts import draft_revise, draft_start
from jifen.rulebooks.models import Adoption, DraftVersion, OwnRulebookAllowed
from jifen.rulebooks.own import own_rulebook_allow
from jifen.rulebooks.services import adoption_for, adoption_set, rulebook_of
from jifen.scoring import load_rulebook
from tests.periods.conftest import add, branch  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db
AFTER_Q1 = dt.date(2026, 4, 1)
SIGNED = "教工第一党支部2026年第一季度"


def _draft(committee_admin: User, tree: SimpleNamespace) -> DraftVersion:
    """The committee's own rulebook: seed003 with 主题党日 at 8 points a month, version 2."""
    draft = draft_start(organization=tree.c, title="我们的办法", base="seed003", actor=None)
    return draft_revise(
        draft=draft,
        changes={"categories": {"base": {"items": {"party_day": {"points": 8}}}}},
        reason="主题党日改为每月 8 分",
        actor=committee_admin,
    )


def _adopt_url(org: object) -> str:
    return reverse("rulebooks:adopt", kwargs={"org_id": org.pk})  # type: ignore[attr-defined]


def test_a_draft_version_adopted_in_the_browser_scores_with_its_points(
    client: Client,
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
) -> None:
    version = _draft(committee_admin, branch.tree)
    client.force_login(committee_admin)
    form = client.get(_adopt_url(branch.org)).content.decode()
    assert "我们的办法（第 2 版" in form
    assert "own" not in form.split("<form")[1]  # shown by title and version, never a code
    response = client.post(
        _adopt_url(branch.org), {"year": 2026, "rulebook": f"draft:{version.pk}"}
    )
    assert response.status_code == 302
    adoption = Adoption.objects.get(organization=branch.org)
    assert adoption.draft_version == version
    assert adoption.yaml_text == version.yaml_text
    assert adoption_for(branch.org, 2026) == adoption
    library = client.get(reverse("rulebooks:library")).content.decode()
    assert "“我们的办法”第 2 版" in library
    assert adoption.rulebook_id not in library  # own rulebooks' ids are codes
    # 主题党日 8 a month: base 68 a month; an absence (−5) makes February 63.
    add(branch, branch.zhao, dt.date(2026, 2, 10), "party_day", "absent")
    sheet = quarter_sheet(branch.org, 2026, 1)
    assert sheet is not None
    zhao = next(r for r in sheet.rows if r.person.pk == branch.zhao.pk)
    assert [cells[-1] for _, cells in zhao.months] == ["68.00", "63.00", "68.00"]


def test_a_pasted_yaml_text_is_adopted_and_a_bad_one_is_refused_on_its_field(
    client: Client,
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
) -> None:
    client.force_login(committee_admin)
    bad = client.post(
        _adopt_url(branch.org),
        {"year": 2026, "rulebook": "yaml", "yaml_text": "extends: seed003\nid: x\ntotal: abc\n"},
    )
    assert bad.status_code == 400
    assert "total" in bad.content.decode()
    assert not Adoption.objects.filter(organization=branch.org).exists()
    text = "extends: seed003\nid: ours\ntitle: 粘贴的办法\n"
    ok = client.post(_adopt_url(branch.org), {"year": 2026, "rulebook": "yaml", "yaml_text": text})
    assert ok.status_code == 302
    assert Adoption.objects.get(organization=branch.org).yaml_text == text
    upload = SimpleUploadedFile(
        "ours.yaml", b"\xef\xbb\xbf" + text.encode().replace(b"ours", b"up")
    )
    again = client.post(
        _adopt_url(branch.org),
        {"year": 2026, "rulebook": "yaml", "upload": upload, "reason": "上传的新版本"},
    )
    assert again.status_code == 302
    assert adoption_for(branch.org, 2026).rulebook_id == "up"  # type: ignore[union-attr]


def test_replacing_before_any_signature_keeps_the_old_version_and_audits_the_reason(
    client: Client,
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
) -> None:
    tree = branch.tree
    first = adoption_for(tree.c, 2026)
    assert first is not None
    client.force_login(committee_admin)
    refused = client.post(_adopt_url(tree.c), {"year": 2026, "rulebook": "seed001"})
    assert refused.status_code == 400
    assert "更换须写明理由" in refused.content.decode()
    assert adoption_for(tree.c, 2026) == first

    ok = client.post(
        _adopt_url(tree.c), {"year": 2026, "rulebook": "seed001", "reason": "党委会决定改用"}
    )
    assert ok.status_code == 302
    versions = list(Adoption.objects.filter(organization=tree.c, year=2026).order_by("pk"))
    assert [v.rulebook_id for v in versions] == ["seed003", "seed001"]
    old, new = versions
    assert old.superseded_at is not None
    assert new.superseded_at is None
    assert (new.replaces, new.reason, new.adopted_by) == (old, "党委会决定改用", committee_admin)
    assert adoption_for(branch.org, 2026) == new
    assert rulebook_of(new).id == "seed001"
    assert rulebook_of(old).id == "seed003"  # the old version stays readable
    event = AuditEvent.objects.get(action="rulebook.replace")
    assert event.actor == committee_admin
    assert "seed003 第 1 版" in event.summary
    assert "党委会决定改用" in event.summary
    assert event.detail == {"from": old.pk, "to": new.pk, "reason": "党委会决定改用"}

    page = client.get(reverse("rulebooks:applied", args=[branch.org.pk, 2026])).content.decode()
    assert "党委会决定改用" in page
    assert load_rulebook("seed003").title in page  # the history names both versions
    diff = f"{reverse('rulebooks:diff')}?a=adoption:{old.pk}&amp;b=adoption:{new.pk}"
    assert diff in page
    shown = client.get(diff.replace("&amp;", "&")).content.decode()
    assert "删除类别“特色分”" in shown


def test_only_one_adoption_of_a_year_is_current_in_the_database(
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
) -> None:
    current = Adoption.objects.current().get(organization=branch.tree.c, year=2026)
    with pytest.raises(IntegrityError), transaction.atomic():
        Adoption.objects.create(
            organization=current.organization,
            year=2026,
            rulebook_id="seed001",
            rulebook_version="1",
            yaml_text=current.yaml_text,
        )


def test_changing_after_a_signed_quarter_is_refused_naming_the_quarter(
    client: Client,
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
) -> None:
    tree = branch.tree
    period_sign(organization=tree.b1, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1)
    before = list(Adoption.objects.values_list("pk", "superseded_at"))
    with pytest.raises(ValidationError) as raised:
        adoption_set(organization=tree.c, year=2026, rulebook="seed001", reason="改用")
    assert SIGNED in str(raised.value)
    # A subtree's own first adoption would change the signed branch's rule as well.
    with pytest.raises(ValidationError, match=SIGNED):
        adoption_set(organization=tree.g, year=2026, rulebook="seed001", actor=committee_admin)
    client.force_login(committee_admin)
    response = client.post(
        _adopt_url(tree.c), {"year": 2026, "rulebook": "seed001", "reason": "改用"}
    )
    assert response.status_code == 400
    assert SIGNED in response.content.decode()
    assert list(Adoption.objects.values_list("pk", "superseded_at")) == before
    # B3 signed nothing: its own rulebook is still allowed; next year is untouched.
    adoption_set(organization=tree.b3, year=2026, rulebook="seed001", actor=committee_admin)
    adoption_set(organization=tree.c, year=2027, rulebook="seed001", actor=committee_admin)


def test_a_signed_quarter_under_a_subtree_with_its_own_rulebook_does_not_freeze_above(
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
) -> None:
    tree = branch.tree
    adoption_set(organization=tree.g, year=2026, rulebook="seed003", actor=committee_admin)
    period_sign(organization=tree.b1, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1)
    replaced = adoption_set(
        organization=tree.c, year=2026, rulebook="seed001", actor=committee_admin, reason="改用"
    )
    assert adoption_for(tree.b3, 2026) == replaced
    assert adoption_for(tree.b1, 2026).organization == tree.g  # type: ignore[union-attr]


def test_the_command_obeys_the_same_rules(
    branch: SimpleNamespace,  # noqa: F811 (the fixture imported above)
    committee_admin: User,
    general_admin: User,
) -> None:
    def adopt(*args: str) -> str:
        out = StringIO()
        call_command("adopt_rulebook", *args, stdout=out)
        return out.getvalue()

    with pytest.raises(CommandError, match="更换须写明理由") as raised:
        adopt("C", "2026", "seed001", "--user", "admin")
    assert raised.value.returncode == 2
    with pytest.raises(CommandError, match="没有允许 计算机学院党总支 自定积分办法") as raised:
        adopt("G", "2026", "seed001", "--user", "zongzhi")
    assert raised.value.returncode == 2
    own_rulebook_allow(organization=branch.tree.g, allowed=True, actor=committee_admin)
    assert "2026 年已采用 seed001" in adopt("G", "2026", "seed001", "--user", "zongzhi")
    period_sign(
        organization=branch.org, year=2026, quarter=1, actor=branch.secretary, today=AFTER_Q1
    )
    with pytest.raises(CommandError, match=SIGNED) as raised:
        adopt("G", "2026", "seed003", "--user", "zongzhi", "--reason", "改回")
    assert raised.value.returncode == 2
    assert adoption_for(branch.org, 2026).rulebook_id == "seed001"  # type: ignore[union-attr]


def test_a_general_branch_admin_adopts_only_where_the_level_above_allows_it(
    client: Client, tree: SimpleNamespace, committee_admin: User, general_admin: User
) -> None:
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    client.force_login(general_admin)
    page = client.get(_adopt_url(tree.g)).content.decode()
    assert "没有允许 计算机学院党总支 自定积分办法" in page
    assert 'name="rulebook"' not in page
    applies = client.get(reverse("rulebooks:applies") + "?year=2026").content.decode()
    assert _adopt_url(tree.g) not in applies
    refused = client.post(_adopt_url(tree.b1), {"year": 2026, "rulebook": "seed001"})
    assert refused.status_code == 400
    assert "没有允许 教工第一党支部 自定积分办法" in refused.content.decode()

    # Not by the general branch itself, for itself or for its own branches.
    allow_g = reverse("rulebooks:allow", kwargs={"org_id": tree.g.pk})
    allow_b1 = reverse("rulebooks:allow", kwargs={"org_id": tree.b1.pk})
    assert client.post(allow_g, {"allowed": "1"}).status_code == 302
    assert client.post(allow_b1, {"allowed": "1"}).status_code == 302
    assert not OwnRulebookAllowed.objects.filter(allowed=True).exists()
    with pytest.raises(ValidationError, match="只有上级组织的管理员"):
        own_rulebook_allow(organization=tree.g, allowed=True, actor=general_admin)

    client.force_login(committee_admin)
    assert client.post(allow_g + "?year=2026", {"allowed": "1"}).status_code == 302
    event = AuditEvent.objects.get(action="rulebook.own.allow")
    assert (event.actor, event.target) == (committee_admin, f"orgs.Organization:{tree.g.pk}")
    shown = client.get(reverse("rulebooks:applies") + "?year=2026").content.decode()
    assert "允许（随上级）" in shown.split(f'id="org-{tree.b1.pk}"')[1].split("</tr>")[0]

    client.force_login(general_admin)
    assert _adopt_url(tree.g) in client.get(reverse("rulebooks:applies")).content.decode()
    ok = client.post(_adopt_url(tree.b1), {"year": 2026, "rulebook": "seed001"})
    assert ok.status_code == 302
    assert adoption_for(tree.b1, 2026).organization == tree.b1  # type: ignore[union-attr]


def test_a_superuser_who_is_an_admin_does_not_skip_the_rule_only_the_command_line_does(
    client: Client, tree: SimpleNamespace, general_admin: User
) -> None:
    """Issue 16: a superuser is judged by their roles; only no user at all (the deployer at
    the command line, without --user) adopts anywhere."""
    adoption_set(organization=tree.c, year=2026, rulebook="seed003")
    general_admin.is_superuser = general_admin.is_staff = True
    general_admin.save(update_fields=["is_superuser", "is_staff"])
    assert own.adopt_refusal(general_admin, tree.g) is not None
    assert own.adoptable(general_admin, [tree.g, tree.b1]) == set()
    client.force_login(general_admin)
    refused = client.post(_adopt_url(tree.b1), {"year": 2026, "rulebook": "seed001"})
    assert refused.status_code == 400
    assert "没有允许 教工第一党支部 自定积分办法" in refused.content.decode()
    with pytest.raises(CommandError, match="没有允许 计算机学院党总支 自定积分办法"):
        call_command("adopt_rulebook", "G", "2026", "seed001", "--user", "zongzhi")
    assert adoption_for(tree.b1, 2026).organization == tree.c  # type: ignore[union-attr]

    assert own.adopt_refusal(None, tree.g) is None
    out = StringIO()
    call_command("adopt_rulebook", "G", "2026", "seed001", stdout=out)
    assert "2026 年已采用 seed001" in out.getvalue()
    assert adoption_for(tree.b1, 2026).organization == tree.g  # type: ignore[union-attr]


def test_the_diff_page_compares_a_draft_version_with_its_base_through_the_door(
    client: Client, tree: SimpleNamespace, committee_admin: User, general_admin: User
) -> None:
    version = _draft(committee_admin, tree)
    url = reverse("rulebooks:diff")
    client.force_login(committee_admin)
    page = client.get(url, {"a": "builtin:seed003", "b": f"version:{version.pk}"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "主题党日(每月两次)：每月 10 分 → 8 分" in html
    assert "测试学院党委 自定“我们的办法”第 2 版" in html
    first = version.draft.versions.get(number=1)
    versions = client.get(url, {"a": f"version:{first.pk}", "b": f"version:{version.pk}"})
    assert "主题党日(每月两次)：每月 10 分 → 8 分" in versions.content.decode()
    same = client.get(url, {"a": "builtin:seed003", "b": "builtin:seed003"}).content.decode()
    assert "两者的计分规则完全相同" in same
    for bad in ("version:999999", "adoption:abc", "nothing:1", "builtin:nosuch"):
        assert client.get(url, {"a": "builtin:seed003", "b": bad}).status_code == 404
    # The committee's draft is out of the general branch's reach: 404, like a missing one.
    foreign = adoption_set(organization=tree.x, year=2026, rulebook="seed001")
    client.force_login(general_admin)
    for a, b in (("builtin:seed003", f"version:{version.pk}"), (f"adoption:{foreign.pk}", "")):
        assert client.get(url, {"a": a, "b": b or "builtin:seed003"}).status_code == 404


def test_the_year_rollover_carries_an_adoption_forward_without_asking_for_the_flag(
    tree: SimpleNamespace, committee_admin: User, general_admin: User
) -> None:
    """The committee chose the general branch's rulebook; its admin carrying that choice to the
    next year chooses nothing new."""
    version = _draft(committee_admin, tree)
    adoption_set(
        organization=tree.g, year=2026, rulebook="", draft_version=version, actor=committee_admin
    )
    with pytest.raises(ValidationError, match="没有允许"):
        adoption_set(organization=tree.g, year=2027, rulebook="seed001", actor=general_admin)
    done = year_rollover(year=2026, actor=general_admin, scope=tree.g)
    carried = done.adopted[0]
    assert (carried.organization, carried.year) == (tree.g, 2027)
    assert (carried.draft_version, carried.yaml_text) == (version, version.yaml_text)
