"""The one door (jifen.orgs.access.object_for): every object a view reaches comes through it.

A foreign object and a missing one are refused alike — one 404, one "access.denied" event naming
the object as <app>.<Model>:<pk> — for every kind of object the views reach; role assignments
are read once per request; and no view module looks an object up behind the door's back.
"""

from __future__ import annotations

import ast
import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.db.models import Model
from django.http import Http404
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from jifen.accounts.roles import Role
from jifen.assessments.models import Sheet, SheetFile, SpotCheck, SpotCheckFile
from jifen.assessments.services import round_open
from jifen.audit.models import AuditEvent
from jifen.orgs import access
from jifen.orgs.access import Action
from jifen.orgs.models import Organization, Person
from jifen.orgs.services import role_grant, role_revoke
from jifen.periods.models import Objection
from jifen.periods.services import notice_open, period_sign
from jifen.ratings.models import FollowUp
from jifen.recording.models import Attachment, Declaration, Evidence, FactFile, VetoProposal
from jifen.recording.services import activity_create
from jifen.roster.columns import HEADERS
from jifen.roster.models import RosterImport
from jifen.rulebooks.services import adoption_set

JIFEN = Path(__file__).resolve().parents[2] / "jifen"
PDF = b"%PDF-1.4 test"


def _denials() -> list[str]:
    return list(
        AuditEvent.objects.filter(action="access.denied")
        .order_by("pk")
        .values_list("target", flat=True)
    )


# --- object_for itself -----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_foreign_object_and_a_missing_one_are_refused_alike(
    tree: SimpleNamespace, committee_admin: User
) -> None:
    organizations = Organization.objects.all()
    assert access.object_for(committee_admin, organizations, tree.b1.pk, org_field="") == tree.b1
    assert _denials() == []

    with pytest.raises(Http404) as foreign:
        access.object_for(committee_admin, organizations, tree.xb.pk, org_field="")
    assert _denials() == [f"orgs.Organization:{tree.xb.pk}"]

    missing_pk = Organization.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1
    with pytest.raises(Http404) as missing:
        access.object_for(committee_admin, organizations, missing_pk, org_field="")
    assert _denials() == [f"orgs.Organization:{tree.xb.pk}", f"orgs.Organization:{missing_pk}"]
    assert str(foreign.value) == str(missing.value)

    with pytest.raises(Http404):
        access.object_for(committee_admin, organizations, "not-a-key", org_field="")
    assert _denials()[-1] == "orgs.Organization:not-a-key"


@pytest.mark.django_db
def test_the_action_decides_not_just_the_organization(tree: SimpleNamespace, auditor: User) -> None:
    """The auditor sees the committee's organizations but records nothing in them."""
    organizations = Organization.objects.all()
    assert access.object_for(auditor, organizations, tree.b1.pk, org_field="") == tree.b1
    with pytest.raises(Http404):
        access.object_for(auditor, organizations, tree.b1.pk, Action.RECORD, org_field="")
    event = AuditEvent.objects.get(action="access.denied")
    assert event.target == f"orgs.Organization:{tree.b1.pk}"
    assert event.detail == {"action": "record"}


@pytest.mark.django_db
def test_also_lets_the_owner_in(tree: SimpleNamespace, member: User, nobody: User) -> None:
    person = Person.objects.get(user=member)
    people = Person.objects.all()
    # A member holds no reading role: only their own person is theirs to read.
    assert (
        access.object_for(
            member,
            people,
            person.pk,
            Action.VIEW_PERSON,
            org_field="memberships__organization",
            also=access.own(member, "user_id"),
        )
        == person
    )
    with pytest.raises(Http404):
        access.object_for(
            nobody,
            people,
            person.pk,
            Action.VIEW_PERSON,
            org_field="memberships__organization",
            also=access.own(nobody, "user_id"),
        )


# --- every kind of object, through its view ------------------------------------------------


@pytest.fixture
def foreign(
    settings: Any, tmp_path: Path, tree: SimpleNamespace, make_person: Callable[..., Person]
) -> SimpleNamespace:
    """One of every kind of object, all in the other committee's branch XB."""
    settings.MEDIA_ROOT = tmp_path / "media"
    xb = tree.xb
    holder = User.objects.create_user("holder")
    year = timezone.localdate().year
    adoption_set(organization=tree.x, year=year, rulebook="seed003")
    person = make_person("外单位党员", xb)
    activity = activity_create(
        organization=xb, item="party_day", title="主题党日", date=dt.date(year, 1, 28)
    )
    declaration = Declaration.objects.create(
        person=person,
        organization=xb,
        item="volunteer",
        date=dt.date(year, 1, 5),
        description="测试",
        points_asked=1,
        submitted_by=holder,
    )
    assessment_round = round_open(
        owner=tree.x,
        year=year,
        period="Y",
        rulebook="seed004",
        organizations=[xb],
        self_deadline=dt.date(year, 12, 1),
        committee_deadline=dt.date(year, 12, 20),
    )
    sheet = Sheet.objects.create(
        round=assessment_round, organization=xb, source="self", collection="Y"
    )
    spot_check = SpotCheck.objects.create(
        round=assessment_round,
        organization=xb,
        kind="daily",
        date=dt.date(year, 3, 1),
        text="抽检",
        recorded_by=holder,
    )
    notice = notice_open(
        signature=period_sign(
            organization=xb, year=year, quarter=1, actor=holder, today=dt.date(year, 4, 1)
        ),
        actor=holder,
        today=timezone.localdate(),
    )
    return SimpleNamespace(
        organization=xb,
        person=person,
        assignment=role_grant(user=holder, role=Role.SCOREKEEPER, organization=xb),
        account=holder,
        activity=activity,
        attachment=Attachment.store(PDF, "m.pdf", activity=activity),
        fact_file=FactFile.store(PDF, "d.pdf", organization=xb),
        veto=VetoProposal.objects.create(
            organization=xb,
            person=person,
            date=dt.date(year, 1, 5),
            code="misconduct",
            reason="测试",
            proposed_by=holder,
        ),
        declaration=declaration,
        evidence=Evidence.store(PDF, "x.pdf", declaration=declaration),
        roster_import=RosterImport.objects.create(
            organization=xb,
            uploaded_by=holder,
            filename="花名册.xlsx",
            file_format="xlsx",
            headers=list(HEADERS),
        ),
        followup=FollowUp.objects.create(
            organization=xb,
            year=year,
            person=person,
            band="red",
            band_label="帮扶教育、限期改正",
            level="red",
            action="帮扶教育",
            kind=FollowUp.Kind.MENTOR,
            total=Decimal("55.00"),
            raised_at=timezone.now(),
        ),
        round=assessment_round,
        sheet=sheet,
        sheet_file=SheetFile.store(PDF, "s.pdf", sheet=sheet),
        spot_check_file=SpotCheckFile.store(PDF, "c.pdf", spot_check=spot_check),
        notice=notice,
        objection=Objection.objects.create(
            notice=notice,
            text="测试",
            filed_by=holder,
            filed_role="member",
            filed_at=timezone.now(),
        ),
    )


# (URL name, how to call it, the object the door refuses, method). The caller is our committee's
# administrator, who may do nearly anything in our tree and nothing in the other committee's.
KINDS: dict[str, tuple[str, Callable[[SimpleNamespace, SimpleNamespace], dict[str, int]], str]] = {
    "organization": ("orgs:detail", lambda f, t: {"org_id": f.organization.pk}, "organization"),
    "person": ("orgs:person", lambda f, t: {"person_id": f.person.pk}, "person"),
    "role assignment": (
        "orgs:role_revoke",
        lambda f, t: {"org_id": t.c.pk, "assignment_id": f.assignment.pk},
        "assignment",
    ),
    "account": ("accounts:detail", lambda f, t: {"account_id": f.account.pk}, "account"),
    "account's role": (
        "accounts:role_revoke",
        lambda f, t: {"account_id": f.account.pk, "assignment_id": f.assignment.pk},
        "account",
    ),
    "person without an account": (
        "accounts:create",
        lambda f, t: {"person_id": f.person.pk},
        "person",
    ),
    "activity": ("recording:activity", lambda f, t: {"activity_id": f.activity.pk}, "activity"),
    "attachment": (
        "recording:attachment",
        lambda f, t: {"attachment_id": f.attachment.pk},
        "attachment",
    ),
    "fact file": ("recording:fact_file", lambda f, t: {"file_id": f.fact_file.pk}, "fact_file"),
    "veto proposal": (
        "recording:veto_decide",
        lambda f, t: {"proposal_id": f.veto.pk},
        "veto",
    ),
    "declaration": (
        "recording:declaration",
        lambda f, t: {"declaration_id": f.declaration.pk},
        "declaration",
    ),
    "evidence": ("recording:evidence", lambda f, t: {"evidence_id": f.evidence.pk}, "evidence"),
    "roster import": (
        "roster:preview",
        lambda f, t: {"org_id": t.c.pk, "import_id": f.roster_import.pk},
        "roster_import",
    ),
    "follow-up": ("ratings:followup", lambda f, t: {"followup_id": f.followup.pk}, "followup"),
    "assessment round": ("assessments:round", lambda f, t: {"round_id": f.round.pk}, "round"),
    "assessment sheet": (
        "assessments:sheet_reopen",
        lambda f, t: {"sheet_id": f.sheet.pk},
        "sheet",
    ),
    "sheet file": (
        "assessments:sheet_file",
        lambda f, t: {"file_id": f.sheet_file.pk},
        "sheet_file",
    ),
    "spot-check file": (
        "assessments:spot_check_file",
        lambda f, t: {"file_id": f.spot_check_file.pk},
        "spot_check_file",
    ),
    "notice": ("periods:notice", lambda f, t: {"notice_id": f.notice.pk}, "notice"),
    "objection": ("periods:objection", lambda f, t: {"objection_id": f.objection.pk}, "objection"),
    "objection finding": (
        "periods:finding",
        lambda f, t: {"objection_id": f.objection.pk},
        "objection",
    ),
    "escalation": ("periods:escalate", lambda f, t: {"objection_id": f.objection.pk}, "objection"),
}
POSTED = {
    "orgs:role_revoke",
    "accounts:role_revoke",
    "recording:veto_decide",
    "assessments:sheet_reopen",
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", KINDS)
def test_a_foreign_object_of_every_kind_is_an_audited_404(
    kind: str, foreign: SimpleNamespace, tree: SimpleNamespace, committee_admin: User
) -> None:
    name, kwargs, attribute = KINDS[kind]
    refused: Model = getattr(foreign, attribute)
    client = Client()
    client.force_login(committee_admin)
    url = reverse(name, kwargs=kwargs(foreign, tree))
    response = client.post(url) if name in POSTED else client.get(url)
    assert response.status_code == 404, url
    assert _denials() == [f"{refused._meta.label}:{refused.pk}"]


# --- role assignments, once per request ------------------------------------------------------


@pytest.mark.django_db
def test_role_assignments_are_read_once_per_request(tree: SimpleNamespace, secretary: User) -> None:
    """The activity page checks VIEW_ORG (the door), RECORD (twice) and the menu's roles."""
    year = timezone.localdate().year
    adoption_set(organization=tree.c, year=year, rulebook="seed003")
    activity = activity_create(
        organization=tree.b1, item="party_day", title="主题党日", date=dt.date(year, 1, 28)
    )
    client = Client()
    client.force_login(secretary)
    url = reverse("recording:activity", kwargs={"activity_id": activity.pk})
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "orgs_roleassignment" in q["sql"]]
    assert len(reads) == 1, reads
    # And the next request reads them afresh: a role revoked in between counts at once.
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    reads = [q["sql"] for q in queries.captured_queries if "orgs_roleassignment" in q["sql"]]
    assert len(reads) == 1, reads


@pytest.mark.django_db
def test_a_role_granted_within_the_block_counts_at_once(
    tree: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    user = make_user("newcomer")
    with access.assignments_once():
        assert not access.can(user, Action.VIEW_ORG, tree.b1)
        role_grant(user=user, role=Role.BRANCH_SECRETARY, organization=tree.b1)
        assert access.can(user, Action.VIEW_ORG, tree.b1)


@pytest.mark.django_db
def test_a_role_revoked_within_the_block_stops_counting_at_once(
    tree: SimpleNamespace, make_user: Callable[..., User]
) -> None:
    user = make_user("leaving")
    assignment = role_grant(user=user, role=Role.BRANCH_SECRETARY, organization=tree.b1)
    with access.assignments_once():
        assert access.can(user, Action.VIEW_ORG, tree.b1)
        role_revoke(assignment=assignment)
        assert not access.can(user, Action.VIEW_ORG, tree.b1)


# --- nobody goes around the door -------------------------------------------------------------

# Functions that look an object up by its key without the door, and why that is right.
AROUND_THE_DOOR = {
    # The public notice's page needs no login: its signed token is the key, not a user's reach.
    "notice_public",
}


def _view_modules() -> list[Path]:
    return sorted(
        path
        for path in JIFEN.glob("*/**/*.py")
        if path.stem.startswith("views")
        or path.stem.endswith("_views")
        or "views" in path.relative_to(JIFEN).parts
    )


def _by_key(call: ast.Call) -> bool:
    """A .get(pk=…) or .filter(pk=…) that looks one object up by its key."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in {"get", "filter"}:
        return False
    return any(k.arg in {"pk", "id"} for k in call.keywords) and not (
        call.func.attr == "filter" and len(call.keywords) > 1
    )


def _around_the_door(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for function in ast.walk(tree):
        if not isinstance(function, ast.FunctionDef) or function.name in AROUND_THE_DOOR:
            continue
        for node in ast.walk(function):
            where = f"{path.relative_to(JIFEN.parent)}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Name) and node.id in {"get_object_or_404", "get_list_or_404"}:
                found.add(f"{where} {node.id}")
            elif isinstance(node, ast.Call) and _by_key(node):
                found.add(f"{where} {ast.unparse(node)[:80]}")
    return sorted(found)


def test_the_view_modules_are_found() -> None:
    names = {path.relative_to(JIFEN).as_posix() for path in _view_modules()}
    assert {"recording/views.py", "recording/declaration_views.py", "roster/views.py"} <= names


def test_no_view_looks_an_object_up_around_the_door() -> None:
    found = [problem for path in _view_modules() for problem in _around_the_door(path)]
    assert not found, "reach objects through jifen.orgs.access.object_for:\n" + "\n".join(found)
