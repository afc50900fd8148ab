"""Every URL × every role × own / child / foreign organization, with the answer expected.

A user holds one role in the general branch G ("own"). "child" is branch B1 under G; "foreign" is
branch XB of another committee. Anything a role may not reach answers 404, never 403. A URL
added to the project without an entry here fails `test_every_url_has_an_entry`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from jifen.accounts.roles import Role
from jifen.api.tokens import token_create
from jifen.assessments.models import Sheet, SheetFile, SpotCheck, SpotCheckFile
from jifen.assessments.services import round_open
from jifen.core.models import Job
from jifen.inbox.models import Notification
from jifen.orgs.models import Organization, RoleAssignment
from jifen.orgs.services import role_grant
from jifen.periods.models import Objection
from jifen.periods.services import notice_open, period_sign
from jifen.recording.checkin import checkin_token
from jifen.recording.models import (
    Attachment,
    Declaration,
    Evidence,
    FactFile,
    LeaveRequest,
    MonthlyUpload,
    VetoProposal,
)
from jifen.recording.services import activity_create
from jifen.roster.columns import HEADERS
from jifen.roster.models import RosterImport, TreeImport
from jifen.rulebooks.drafts import draft_start
from jifen.rulebooks.services import adoption_set
from tests.clock import clock_held
from tests.conftest import person_maker, tree_build
from tests.ratings.world import followup_in

R = Role
ALL = frozenset(Role)
READERS = frozenset(
    {
        R.COMMITTEE_ADMIN,
        R.GENERAL_BRANCH_ADMIN,
        R.BRANCH_SECRETARY,
        R.BRANCH_COMMITTEE,
        R.SCOREKEEPER,
        R.AUDITOR,
    }
)
MANAGERS = frozenset({R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.BRANCH_SECRETARY})
ROLE_ADMINS = frozenset({R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN})  # also add organizations
AUDITORS = frozenset({R.AUDITOR})
RECORDERS = frozenset(
    {R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.BRANCH_SECRETARY, R.SCOREKEEPER}
)
ASSESSORS = frozenset({R.COMMITTEE_ADMIN})
BULLETIN_READERS = frozenset({R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.AUDITOR})
PLACES = ("own", "child", "foreign")
GRADERS = frozenset({R.BRANCH_SECRETARY, R.BRANCH_COMMITTEE})
APPROVERS = frozenset({R.GENERAL_BRANCH_ADMIN, R.COMMITTEE_ADMIN})
FOLLOWERS = frozenset(
    {R.COMMITTEE_ADMIN, R.GENERAL_BRANCH_ADMIN, R.BRANCH_SECRETARY, R.BRANCH_COMMITTEE}
)


@dataclass(frozen=True)
class Entry:
    """How to call a URL for a target organization, and which roles get the success status."""

    kwargs: Callable[[SimpleNamespace, Organization], dict[str, int]] | None
    allowed: frozenset[Role]
    method: str = "get"
    ok: int = 200
    # Where the URL takes no organization, the answer does not depend on the place.
    scoped: bool = True


def _org(_: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk}


def _person(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"person_id": world.people[org.code].pk}


def _account(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"account_id": world.account_roles[org.code].user_id}


def _activity(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"activity_id": world.activities[org.code].pk}


def _veto(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"proposal_id": world.vetoes[org.code].pk}


def _roster_import(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "import_id": world.imports[org.code].pk}


def _monthly_upload(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"upload_id": world.monthly_uploads[org.code].pk}


def _leave(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"leave_id": world.leaves[org.code].pk}


def _tree_import(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "import_id": world.tree_imports[org.code].pk}


def _assignment(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "assignment_id": world.assignments[org.code].pk}


def _quarter(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "year": timezone.localdate().year, "quarter": 1}


def _month(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "year": timezone.localdate().year, "month": 1}


def _year(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"org_id": org.pk, "year": timezone.localdate().year}


def _draft(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"draft_id": world.drafts[org.code].pk}


def _draft_at(**more: Any) -> Callable[[SimpleNamespace, Organization], dict[str, Any]]:
    return lambda world, org: {**_draft(world, org), **more}


def _notice(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"notice_id": world.notices[org.code].pk}


def _objection(world: SimpleNamespace, org: Organization) -> dict[str, int]:
    return {"objection_id": world.objections[org.code].pk}


SIGNERS = frozenset({R.BRANCH_SECRETARY})
NOTICE_READERS = READERS | {R.MEMBER, R.OBSERVER}
OBJECTORS = frozenset({R.MEMBER, R.OBSERVER})

MATRIX: dict[str, Entry] = {
    "core:home": Entry(None, ALL, scoped=False),
    # Every signed-in account changes its own password, whatever its roles.
    "accounts:password_change": Entry(None, ALL, scoped=False),
    # The account pages (issue 16): committee and general-branch admins, within their subtree.
    "accounts:list": Entry(None, ROLE_ADMINS, scoped=False),
    "accounts:detail": Entry(_account, ROLE_ADMINS),
    "accounts:create": Entry(_person, ROLE_ADMINS),
    "accounts:password_reset": Entry(_account, ROLE_ADMINS),
    "accounts:lock": Entry(_account, ROLE_ADMINS),
    # The account is not locked: the refusal is a message on the redirect.
    "accounts:unlock": Entry(_account, ROLE_ADMINS, method="post", ok=302),
    "accounts:role_grant": Entry(_account, ROLE_ADMINS),
    "accounts:role_revoke": Entry(
        lambda w, org: {**_account(w, org), "assignment_id": w.account_roles[org.code].pk},
        ROLE_ADMINS,
        method="post",
        ok=302,
    ),
    "api:tokens": Entry(None, ALL, scoped=False),
    # One's own tokens only: the holder's token is nobody else's, whatever their role
    # (its owner revoking it: tests/api/test_tokens.py).
    "api:token_revoke": Entry(
        lambda w, org: {"token_id": w.holder_token.pk}, frozenset(), scoped=False
    ),
    # One's own inbox and preferences: every signed-in account, whatever its roles. Another's
    # notification (the holder's) exists for nobody else: 404 to every role (jifen/inbox).
    "inbox:inbox": Entry(None, ALL, scoped=False),
    "inbox:preferences": Entry(None, ALL, scoped=False),
    "inbox:read_all": Entry(None, ALL, method="post", ok=302, scoped=False),
    "inbox:read": Entry(
        lambda w, org: {"notification_id": w.notifications[org.code].pk},
        frozenset(),
        method="post",
    ),
    # A branch's group robot is set by those who manage it (Action.SET_ROBOT).
    "inbox:robot": Entry(_org, MANAGERS),
    "orgs:tree": Entry(None, READERS, scoped=False),
    "orgs:detail": Entry(_org, READERS),
    "orgs:roles": Entry(_org, ROLE_ADMINS),
    "orgs:role_revoke": Entry(_assignment, ROLE_ADMINS, method="post", ok=302),
    "orgs:organization_add": Entry(_org, ROLE_ADMINS),
    "orgs:organization_close": Entry(_org, ROLE_ADMINS),
    "orgs:person_add": Entry(_org, MANAGERS),
    "orgs:person": Entry(_person, READERS),
    "orgs:person_edit": Entry(_person, MANAGERS),
    "orgs:person_leave": Entry(_person, MANAGERS),
    "orgs:person_transfer": Entry(_person, MANAGERS),
    "orgs:person_exempt": Entry(_person, MANAGERS),
    "audit:log": Entry(None, AUDITORS, scoped=False),
    # The matrix's users have no Person record of their own: "my points" has nothing to show.
    "ledger:my_points": Entry(None, frozenset(), scoped=False),
    "ledger:member_year": Entry(lambda w, org: {**_person(w, org), "year": 2026}, READERS),
    "roster:import": Entry(_org, MANAGERS),
    "roster:template": Entry(_org, MANAGERS),
    "roster:export": Entry(_org, READERS),
    "roster:preview": Entry(_roster_import, MANAGERS),
    "roster:apply": Entry(_roster_import, MANAGERS, method="post", ok=302),
    "roster:discard": Entry(_roster_import, MANAGERS, method="post", ok=302),
    # A job's page (jifen/core/job_views.py) asks its kind's action: a roster's, MANAGE_PEOPLE.
    "core:job": Entry(lambda w, org: {"job_id": w.jobs[org.code].pk}, MANAGERS),
    # The tree import is guarded like adding one organization (Action.MANAGE_ORGS).
    "roster:tree_import": Entry(_org, ROLE_ADMINS),
    "roster:tree_template": Entry(_org, ROLE_ADMINS),
    "roster:tree_preview": Entry(_tree_import, ROLE_ADMINS),
    "roster:tree_apply": Entry(_tree_import, ROLE_ADMINS, method="post", ok=302),
    "roster:tree_discard": Entry(_tree_import, ROLE_ADMINS, method="post", ok=302),
    "ledger:month_sheet": Entry(lambda w, org: {**_org(w, org), "year": 2026, "month": 3}, READERS),
    "recording:activities": Entry(_org, READERS),
    "recording:activity_add": Entry(_org, RECORDERS),
    "recording:activity": Entry(_activity, READERS),
    "recording:activity_edit": Entry(_activity, RECORDERS),
    "recording:activity_cancel": Entry(_activity, RECORDERS),
    "recording:checkin_open": Entry(_activity, RECORDERS, method="post", ok=302),
    # The check-in page is for the activity's own members; the matrix's users are nobody's.
    "recording:checkin": Entry(
        lambda w, org: {"token": checkin_token(w.activities[org.code])}, frozenset()
    ),
    "recording:attachment": Entry(
        lambda w, org: {"attachment_id": w.attachments[org.code].pk}, READERS
    ),
    "recording:fact_file": Entry(lambda w, org: {"file_id": w.fact_files[org.code].pk}, READERS),
    "recording:entry_add": Entry(_org, RECORDERS),
    "recording:monthly": Entry(_org, RECORDERS),
    "recording:monthly_template": Entry(_org, RECORDERS),
    "recording:monthly_confirm": Entry(_monthly_upload, RECORDERS),
    # The matrix's users have no person of their own: a member's pages answer 404 to them.
    "recording:my_activities": Entry(None, frozenset(), scoped=False),
    "recording:leave_ask": Entry(_activity, frozenset(), method="post"),
    "recording:leave_decide": Entry(_leave, RECORDERS, method="post", ok=302),
    # A member's own declarations: the matrix's users have no Person record of their own.
    "recording:declarations_mine": Entry(None, frozenset(), scoped=False),
    "recording:declaration_new": Entry(None, frozenset(), scoped=False),
    "recording:declarations_queue": Entry(_org, RECORDERS),
    "recording:declaration": Entry(
        lambda w, org: {"declaration_id": w.declarations[org.code].pk}, READERS
    ),
    "recording:evidence": Entry(lambda w, org: {"evidence_id": w.evidence[org.code].pk}, READERS),
    # 党委审批 (Action.APPROVE_DECLARATIONS): the committee's queue, and its decision — the
    # matrix's declaration is not waiting, so an allowed decision is refused with a message.
    "recording:declarations_committee": Entry(_org, ASSESSORS),
    "recording:declaration_committee": Entry(
        lambda w, org: {"declaration_id": w.declarations[org.code].pk},
        ASSESSORS,
        method="post",
        ok=302,
    ),
    "recording:vetoes": Entry(_org, READERS),
    "recording:veto_add": Entry(_org, RECORDERS),
    # Deciding needs the branch committee role besides reach: outside reach 404, within it a
    # refusal message and a redirect back to the list.
    "recording:veto_decide": Entry(_veto, READERS, method="post", ok=302),
    # Reports: a member's 登记表 behind the same door as their year page; a year overview for
    # every reader; the general branch's bulletin for its admins and auditors.
    "reports:index": Entry(None, READERS, scoped=False),
    "reports:register": Entry(lambda w, org: {**_person(w, org), "year": 2026}, READERS),
    "reports:register_xlsx": Entry(lambda w, org: {**_person(w, org), "year": 2026}, READERS),
    "reports:overview": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "reports:bulletin": Entry(
        lambda w, org: {**_org(w, org), "year": 2026, "quarter": 1}, BULLETIN_READERS
    ),
    "reports:bulletin_xlsx": Entry(
        lambda w, org: {**_org(w, org), "year": 2026, "quarter": 1}, BULLETIN_READERS
    ),
    # The year end (jifen/ratings).
    "ratings:home": Entry(None, READERS, scoped=False),
    "ratings:year": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "ratings:grades": Entry(lambda w, org: {**_org(w, org), "year": 2026}, GRADERS),
    "ratings:grades_upload": Entry(lambda w, org: {**_org(w, org), "year": 2026}, GRADERS),
    "ratings:stars": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "ratings:stars_propose": Entry(
        lambda w, org: {**_org(w, org), "year": 2026},
        frozenset({R.BRANCH_SECRETARY}),
        method="post",
        ok=302,
    ),
    "ratings:stars_decide": Entry(
        lambda w, org: {**_org(w, org), "year": 2026}, APPROVERS, method="post", ok=302
    ),
    "ratings:followups": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "ratings:followups_raise": Entry(
        lambda w, org: {**_org(w, org), "year": 2026}, FOLLOWERS, method="post", ok=302
    ),
    "ratings:followup": Entry(followup_in, READERS),
    "ratings:statistics": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "ratings:statistics_xlsx": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
    "ratings:rollover": Entry(_org, APPROVERS),
}
MATRIX.update(
    {
        "assessments:index": Entry(None, READERS, scoped=False),
        "assessments:round_new": Entry(_org, ASSESSORS),
        "assessments:round": Entry(lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS),
        # Publishing needs the committee that opened the round (the matrix's round is G's).
        "assessments:publish": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk}, ASSESSORS, method="post", ok=302
        ),
        "assessments:self_sheet": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk, "collection": "Y"},
            READERS,
        ),
        "assessments:committee_sheet": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk}, ASSESSORS
        ),
        "assessments:spot_check_add": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk}, ASSESSORS
        ),
        "assessments:org_result": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk}, READERS
        ),
        "assessments:form_print": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk}, READERS
        ),
        "assessments:form_xlsx": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk, "org_id": org.pk}, READERS
        ),
        "assessments:results": Entry(lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS),
        "assessments:year": Entry(lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS),
        "assessments:two_years": Entry(lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS),
        "assessments:bulletin": Entry(lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS),
        "assessments:bulletin_xlsx": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk}, READERS
        ),
        # Reopening a sheet that is not submitted: refused with a message, back to the sheet.
        "assessments:sheet_reopen": Entry(
            lambda w, org: {"sheet_id": w.sheets[org.code].pk}, ASSESSORS, method="post", ok=302
        ),
        "assessments:sheet_file": Entry(
            lambda w, org: {"file_id": w.sheet_files[org.code].pk}, READERS
        ),
        "assessments:spot_check_file": Entry(
            lambda w, org: {"file_id": w.spot_check_files[org.code].pk}, ASSESSORS
        ),
    }
)
MATRIX.update(
    {
        # Periods: the lists show each user what they may see; the sheet to its readers; signing
        # and opening a notice to the branch secretary; notices also to members and 群众代表.
        "periods:index": Entry(None, ALL, scoped=False),
        "periods:notices": Entry(None, ALL, scoped=False),
        "periods:year": Entry(lambda w, org: {**_org(w, org), "year": 2026}, READERS),
        "periods:quarter": Entry(_quarter, READERS),
        "periods:quarter_print": Entry(_quarter, READERS),
        "periods:quarter_xlsx": Entry(_quarter, READERS),
        "periods:sign": Entry(_quarter, SIGNERS, method="post", ok=302),
        "periods:notice_open": Entry(_quarter, SIGNERS, method="post", ok=302),
        "periods:notice": Entry(_notice, NOTICE_READERS),
        "periods:notice_print": Entry(_notice, NOTICE_READERS),
        "periods:notice_xlsx": Entry(_notice, NOTICE_READERS),
        "periods:objection_new": Entry(_notice, OBJECTORS),
        # The matrix's users did not file the objection: the committee and the readers see it.
        "periods:objection": Entry(_objection, READERS),
        "periods:finding": Entry(_objection, frozenset({R.BRANCH_SECRETARY, R.BRANCH_COMMITTEE})),
        "periods:escalate": Entry(_objection, frozenset()),
        "periods:confirm": Entry(
            lambda w, org: {"year": 2026, "quarter": 1}, frozenset(), scoped=False
        ),
        # The national holiday schedule: committee admins (of any committee) list and enter it.
        "periods:holidays": Entry(None, ASSESSORS, scoped=False),
        # Seed 003's monthly 考核表: read like the quarter's sheet, signed by the secretary.
        "periods:month": Entry(_month, READERS),
        "periods:month_print": Entry(_month, READERS),
        "periods:month_xlsx": Entry(_month, READERS),
        "periods:month_sign": Entry(_month, SIGNERS),
        "periods:holidays_enter": Entry(None, ASSESSORS, scoped=False),
        # The year end: the sheet for the readers; signing, reporting and opening the notice for
        # the secretary; approving or returning for the level above (the service further refuses
        # an organization's own admin, with a message); the overview for the bulletin's readers;
        # a member's own result for the signed-in member only (the matrix's users have no person).
        "periods:year_end": Entry(_year, READERS),
        "periods:year_end_sign": Entry(_year, SIGNERS, method="post", ok=302),
        "periods:year_end_submit": Entry(_year, SIGNERS, method="post", ok=302),
        "periods:year_end_decide": Entry(_year, APPROVERS, method="post", ok=302),
        "periods:year_end_notice": Entry(_year, SIGNERS, method="post", ok=302),
        "periods:year_end_reports": Entry(_year, BULLETIN_READERS),
        "periods:year_end_mine": Entry(lambda w, org: {"year": 2026}, frozenset(), scoped=False),
    }
)
MATRIX.update(
    {
        # Rulebooks: the library, what applies where and adopting, for the admins who adopt.
        "rulebooks:library": Entry(None, APPROVERS, scoped=False),
        "rulebooks:applies": Entry(None, APPROVERS, scoped=False),
        "rulebooks:builtin": Entry(
            lambda w, org: {"rulebook_id": "seed003"}, APPROVERS, scoped=False
        ),
        "rulebooks:applied": Entry(lambda w, org: {**_org(w, org), "year": 2026}, APPROVERS),
        "rulebooks:adopt": Entry(_org, APPROVERS),
        # 试算 (jifen/reports/whatif_views.py): an organization's year, a round by its owner.
        "reports:whatif": Entry(_org, APPROVERS),
        "reports:round_whatif": Entry(
            lambda w, org: {"round_id": w.rounds[org.code].pk}, APPROVERS
        ),
        # The rule editor: an organization's own drafts, opened through the door by organization.
        "rulebooks:draft_new": Entry(None, APPROVERS, scoped=False),
        "rulebooks:draft": Entry(_draft, APPROVERS),
        "rulebooks:draft_yaml": Entry(_draft_at(number=1), APPROVERS),
        "rulebooks:draft_upload": Entry(_draft, APPROVERS),
        "rulebooks:draft_item": Entry(_draft_at(code="org_life"), APPROVERS),
        "rulebooks:draft_item_add": Entry(_draft, APPROVERS),
        "rulebooks:draft_item_remove": Entry(_draft_at(code="org_life"), APPROVERS),
        "rulebooks:draft_category": Entry(_draft_at(code="base"), APPROVERS),
        "rulebooks:draft_stars": Entry(_draft, APPROVERS),
        "rulebooks:draft_band": Entry(_draft_at(code="five_stars"), APPROVERS),
        "rulebooks:draft_notice": Entry(_draft, APPROVERS),
        "rulebooks:draft_stars_set": Entry(_draft, APPROVERS),
        "rulebooks:draft_stars_remove": Entry(_draft, APPROVERS),
        "rulebooks:draft_band_add": Entry(_draft, APPROVERS),
        "rulebooks:draft_band_remove": Entry(_draft_at(code="five_stars"), APPROVERS),
        # 允许自定积分办法: the button answers with a redirect (a refusal is a message there).
        "rulebooks:allow": Entry(_org, APPROVERS, method="post", ok=302),
        # The diff page without its two versions says where to choose them; with them, every
        # version comes through the door (tests/rulebooks/test_adopt_versions.py).
        "rulebooks:diff": Entry(None, APPROVERS, scoped=False),
    }
)
# Pages that every visitor reaches, signed in or not, and Django's own sites. The public notice
# (公示) opened from the paper notice's QR code carries a signed token (tests/periods).
OUTSIDE_THE_MATRIX = {"accounts:login", "accounts:logout", "set_language", "periods:notice_public"}


def _url_names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            # Django's admin; the API's operations have a matrix of their own (tests/api).
            if pattern.namespace in {"admin", "api-v1"}:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            names |= _url_names(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{namespace}{pattern.name}")
    return names


def test_every_url_has_an_entry() -> None:
    missing = _url_names(get_resolver()) - set(MATRIX) - OUTSIDE_THE_MATRIX
    assert not missing, f"add these URLs to the access matrix: {sorted(missing)}"


@pytest.fixture(scope="module")
def world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SimpleNamespace]:
    """The matrix's world, built once for the module inside a transaction rolled back at its end.

    Each case runs in a savepoint of that transaction (pytest-django's ``db``), so what one case
    writes — a session, an audit event, a follow-up — is gone before the next.
    """
    media = tmp_path_factory.mktemp("media")
    # The clock stands at a working day of 2026 for the whole module: the URLs name 2026.
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        clock_held(),
        transaction.atomic(),
    ):
        yield _world_build()
        transaction.set_rollback(True)


def _world_build() -> SimpleNamespace:
    tree = tree_build()
    make_person = person_maker(tree.b1)
    holder = User.objects.create_user("holder")
    people = {org.code: make_person(f"成员{org.code}", org) for org in (tree.g, tree.b1, tree.xb)}
    assignments = {
        org.code: role_grant(user=holder, role=R.SCOREKEEPER, organization=org)
        for org in (tree.g, tree.b1, tree.xb)
    }
    # One account per place, holding a member's role there only: the account pages' targets.
    account_roles = {
        org.code: role_grant(
            user=User.objects.create_user(f"acct-{org.code.lower()}"),
            role=R.MEMBER,
            organization=org,
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    year = timezone.localdate().year
    for committee in (tree.c, tree.x):
        adoption_set(organization=committee, year=year, rulebook="seed003")
    activities = {
        org.code: activity_create(
            organization=org, item="party_day", title="主题党日", date=dt.date(year, 1, 28)
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    imports = {
        org.code: RosterImport.objects.create(
            organization=org,
            uploaded_by=holder,
            filename="花名册.xlsx",
            file_format="xlsx",
            headers=list(HEADERS),
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    drafts = {
        org.code: draft_start(organization=org, title="自定", base="seed001", actor=holder)
        for org in (tree.g, tree.b1, tree.xb)
    }
    tree_imports = {
        org.code: TreeImport.objects.create(
            organization=org, uploaded_by=holder, filename="组织.xlsx", file_format="xlsx"
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    vetoes = {
        org.code: VetoProposal.objects.create(
            organization=org,
            person=people[org.code],
            date=dt.date(year, 1, 5),
            code="misconduct",
            reason="测试",
            proposed_by=holder,
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    declarations = {
        org.code: Declaration.objects.create(
            person=people[org.code],
            organization=org,
            item="volunteer",
            date=dt.date(year, 1, 5),
            description="测试",
            points_asked=1,
            submitted_by=holder,
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    pdf = b"%PDF-1.4 test"
    evidence = {
        code: Evidence.store(pdf, "x.pdf", declaration=declaration)
        for code, declaration in declarations.items()
    }
    attachments = {
        code: Attachment.store(pdf, "m.pdf", activity=activity)
        for code, activity in activities.items()
    }
    fact_files = {
        org.code: FactFile.store(pdf, "d.pdf", organization=org)
        for org in (tree.g, tree.b1, tree.xb)
    }
    ours = round_open(
        owner=tree.g,
        year=year,
        period="Y",
        rulebook="seed004",
        organizations=[tree.g, tree.b1],
        self_deadline=dt.date(year, 12, 1),
        committee_deadline=dt.date(year, 12, 20),
    )
    theirs = round_open(
        owner=tree.x,
        year=year,
        period="Y",
        rulebook="seed004",
        organizations=[tree.xb],
        self_deadline=dt.date(year, 12, 1),
        committee_deadline=dt.date(year, 12, 20),
    )
    rounds = {"G": ours, "B1": ours, "XB": theirs}
    sheets = {
        org.code: Sheet.objects.create(
            round=rounds[org.code], organization=org, source="self", collection="Y"
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    sheet_files = {
        code: SheetFile.store(pdf, "s.pdf", sheet=sheet) for code, sheet in sheets.items()
    }
    spot_check_files = {
        org.code: SpotCheckFile.store(
            pdf,
            "c.pdf",
            spot_check=SpotCheck.objects.create(
                round=rounds[org.code],
                organization=org,
                kind="daily",
                date=dt.date(year, 3, 1),
                text="抽检",
                recorded_by=holder,
            ),
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    notices = {
        org.code: notice_open(
            signature=period_sign(
                organization=org, year=year, quarter=1, actor=holder, today=dt.date(year, 4, 1)
            ),
            actor=holder,
            today=timezone.localdate(),
        )
        for org in (tree.g, tree.b1, tree.xb)
    }
    objections = {
        code: Objection.objects.create(
            notice=notice,
            text="测试",
            filed_by=holder,
            filed_role="member",
            filed_at=timezone.now(),
        )
        for code, notice in notices.items()
    }
    places = {"own": tree.g, "child": tree.b1, "foreign": tree.xb}
    # One user per role, each holding it in the general branch G ("own").
    # Each is signed in once: a case sends the session's cookie instead of signing in again.
    users = {role: User.objects.create_user(f"u-{role.value}") for role in Role}
    sessions = {}
    for role, user in users.items():
        role_grant(user=user, role=role, organization=places["own"])
        client = Client()
        client.force_login(user)
        sessions[role] = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    return SimpleNamespace(
        holder_token=token_create(holder, name="签到机")[0],
        users=users,
        sessions=sessions,
        notices=notices,
        objections=objections,
        rounds=rounds,
        sheets=sheets,
        sheet_files=sheet_files,
        spot_check_files=spot_check_files,
        fact_files=fact_files,
        attachments=attachments,
        declarations=declarations,
        evidence=evidence,
        vetoes=vetoes,
        tree=tree,
        people=people,
        assignments=assignments,
        account_roles=account_roles,
        places=places,
        activities=activities,
        imports=imports,
        leaves={
            org.code: LeaveRequest.objects.create(
                activity=activities[org.code],
                person=people[org.code],
                reason="出差",
                asked_by=holder,
            )
            for org in (tree.g, tree.b1, tree.xb)
        },
        monthly_uploads={
            org.code: MonthlyUpload.objects.create(
                organization=org,
                uploaded_by=holder,
                filename="5月.csv",
                year=year,
                month=5,  # not in the signed first quarter
                data=f"姓名,登录学习强国\n成员{org.code},1\n".encode(),
                absent=[],
            )
            for org in (tree.g, tree.b1, tree.xb)
        },
        jobs={
            code: Job.objects.create(
                kind="roster.apply",
                organization=roster_import.organization,
                requested_by=holder,
                arguments={"import_id": roster_import.pk},
            )
            for code, roster_import in imports.items()
        },
        drafts=drafts,
        tree_imports=tree_imports,
        notifications={
            org.code: Notification.objects.create(
                recipient=holder,
                kind=Notification.Kind.CORRECTION,
                params={"date": "2026-03-02", "reason": "测试"},
                created_at=timezone.now(),
            )
            for org in (tree.g, tree.b1, tree.xb)
        },
    )


CASES = [
    (name, role, place)
    for name, entry in MATRIX.items()
    for role in Role
    for place in (PLACES if entry.scoped else ("own",))
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "role", "place"), CASES)
def test_the_answer_for(world: SimpleNamespace, name: str, role: Role, place: str) -> None:
    entry = MATRIX[name]
    target = world.places[place]
    url = reverse(name, kwargs=entry.kwargs(world, target) if entry.kwargs else None)
    client = Client()
    client.cookies[django_settings.SESSION_COOKIE_NAME] = world.sessions[role]

    response = getattr(client, entry.method)(url)

    allowed = role in entry.allowed and place != "foreign"
    expected = entry.ok if allowed else 404
    assert response.status_code == expected, f"{role.label} {place} {url}"


@pytest.mark.django_db
def test_signed_out_visitors_are_sent_to_log_in(world: SimpleNamespace) -> None:
    for name, entry in MATRIX.items():
        url = reverse(
            name, kwargs=entry.kwargs(world, world.places["own"]) if entry.kwargs else None
        )
        response = getattr(Client(), entry.method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:login")), url


@pytest.mark.django_db
def test_a_refusal_is_recorded_in_the_audit_log(world: SimpleNamespace) -> None:
    from jifen.audit.models import AuditEvent

    user = User.objects.create_user("curious")
    role_grant(user=user, role=R.BRANCH_SECRETARY, organization=world.places["own"])
    client = Client()
    client.force_login(user)
    foreign = world.places["foreign"]
    assert client.get(reverse("orgs:detail", kwargs={"org_id": foreign.pk})).status_code == 404
    event = AuditEvent.objects.get(action="access.denied")
    assert event.actor == user
    assert event.target == f"orgs.Organization:{foreign.pk}"
    assert event.ip == "127.0.0.1"


@pytest.mark.django_db
def test_a_revoked_role_reaches_nothing(world: SimpleNamespace) -> None:
    user = User.objects.create_user("former")
    assignment = role_grant(user=user, role=R.BRANCH_SECRETARY, organization=world.places["own"])
    RoleAssignment.objects.filter(pk=assignment.pk).update(revoked_at="2026-01-01T00:00:00Z")
    client = Client()
    client.force_login(user)
    url = reverse("orgs:detail", kwargs={"org_id": world.places["own"].pk})
    assert client.get(url).status_code == 404
