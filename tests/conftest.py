"""Fixtures shared by every test: a small organization tree, named users holding roles in it
(ARCHITECTURE.md, "Tests that read like the rulebook"), and static files served from the apps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.auth.models import User
from django.db import connection, connections
from django.db.models.signals import post_migrate
from django.test import override_settings
from django.utils import translation

from jifen.accounts.roles import Role
from jifen.core import appendonly
from jifen.orgs.kinds import kinds_ensure
from jifen.orgs.models import Organization, OrganizationKind, Person
from jifen.orgs.services import organization_create, person_create, role_grant

PASSWORD = "correct-horse-battery"

# The `clock` fixture (tests/clock.py): every test that reads the date holds the clock.
pytest_plugins = ["tests.clock"]


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings: pytest.FixtureRequest) -> None:
    # Production serves hashed files collected by `collectstatic`; tests read them from the apps.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


_anchor_dirs = iter(range(1, 10**9))


@pytest.fixture(autouse=True)
def _anchors_of_this_test(
    settings: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # Anchors name chains by organization id and digest tables by row id: one test's anchors
    # would accuse the next test's database. Each test writes to a folder of its own (created
    # only when an anchor is written); the key under var/ is shared, generated once.
    settings.JIFEN_ANCHOR_DIR = tmp_path_factory.getbasetemp() / f"anchors-{next(_anchor_dirs)}"


@pytest.fixture(autouse=True)
def _site_language() -> Iterator[None]:
    # A request in English leaves English active in this thread; the next test starts in the
    # site's own language, as a new request or command would.
    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher() -> Iterator[None]:
    """Fixture users are hashed with MD5: Argon2 is slow on purpose (Django's advice for tests).

    Production keeps Argon2 (jifen/settings.py); tests/core/test_pages.py asserts it with the
    production hashers switched back on for that one test.
    """
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


def _triggers_back_after_flush(*, using: str = "default", **_: object) -> None:
    # The migrations install the append-only triggers once per test database and nothing in a
    # test's rolled-back transaction removes them for good. A transactional test's teardown
    # flush on SQLite deletes rows, so `_append_only_triggers` lifts the triggers just before
    # it; flush then sends post_migrate, and here they go back before the next test.
    connection = connections[using]
    for table in appendonly.APPEND_ONLY_TABLES:
        appendonly.install(connection, table)


@pytest.fixture(scope="session", autouse=True)
def _reinstall_triggers_after_flush() -> Iterator[None]:
    # post_migrate goes out once per app: one of them is enough.
    post_migrate.connect(
        _triggers_back_after_flush,
        sender=apps.get_app_config("audit"),
        dispatch_uid="jifen-tests-triggers",
    )
    yield
    post_migrate.disconnect(
        sender=apps.get_app_config("audit"), dispatch_uid="jifen-tests-triggers"
    )


@pytest.fixture(autouse=True)
def _append_only_triggers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Let a transactional test's teardown flush through the append-only triggers (SQLite only).

    PostgreSQL flushes with TRUNCATE, which the row triggers do not see; SQLite flushes with
    DELETE, which they refuse. Tests in a transaction need nothing: the triggers stay installed.
    """
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    transactional = bool(
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    )
    if not transactional:
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    if connection.vendor == "sqlite":
        for table in appendonly.APPEND_ONLY_TABLES:
            appendonly.remove(connection, table)


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, name: str = "", **extra: object) -> User:
        return User.objects.create_user(username, password=PASSWORD, first_name=name, **extra)

    return make


def tree_build() -> SimpleNamespace:
    """Two committees sharing the installation. Ours: 党委 C → 党总支 G → 支部 B1, B2; 支部 B3
    directly under C. Theirs: 党委 X → 支部 XB."""
    kinds_ensure(OrganizationKind)  # a transactional test's flush removed the migration's rows
    c = organization_create(code="C", name="测试学院党委", kind="committee")
    g = organization_create(code="G", name="计算机学院党总支", kind="general_branch", parent=c)
    b1 = organization_create(code="B1", name="教工第一党支部", kind="branch", parent=g)
    b2 = organization_create(code="B2", name="学生第一党支部", kind="branch", parent=g)
    b3 = organization_create(code="B3", name="机关党支部", kind="branch", parent=c)
    x = organization_create(code="X", name="另一单位党委", kind="committee")
    xb = organization_create(code="XB", name="另一单位党支部", kind="branch", parent=x)
    return SimpleNamespace(c=c, g=g, b1=b1, b2=b2, b3=b3, x=x, xb=xb)


@pytest.fixture
def tree(db: None) -> SimpleNamespace:
    return tree_build()


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def valid_id_number(serial: int, birth: str = "19900101", region: str = "320102") -> str:
    """A checksum-valid ID number, distinct per serial."""
    body = f"{region}{birth}{serial % 1000:03d}"
    total = sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def person_maker(default: Organization) -> Callable[..., Person]:
    """Makes people with checksum-valid, distinct ID numbers, in ``default`` unless told."""
    serials = iter(range(1, 1000))

    def make(name: str, organization: Organization | None = None, **extra: object) -> Person:
        fields: dict[str, object] = {
            "gender": "M",
            "id_number": valid_id_number(next(serials)),
            "phone": "13812345678",
            "category": "full",
            "joined_party": dt.date(2010, 7, 1),
            "start": dt.date(2020, 1, 1),
            **extra,
        }
        return person_create(name=name, organization=organization or default, **fields)  # type: ignore[arg-type]

    return make


@pytest.fixture
def make_person(tree: SimpleNamespace) -> Callable[..., Person]:
    return person_maker(tree.b1)


def _with_role(
    make_user: Callable[..., User], username: str, name: str, role: Role, org: Organization
) -> User:
    user = make_user(username, name)
    role_grant(user=user, role=role, organization=org)
    return user


@pytest.fixture
def committee_admin(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    return _with_role(make_user, "admin", "王建国", Role.COMMITTEE_ADMIN, tree.c)


@pytest.fixture
def general_admin(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    return _with_role(make_user, "zongzhi", "李红梅", Role.GENERAL_BRANCH_ADMIN, tree.g)


@pytest.fixture
def secretary(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    return _with_role(make_user, "shuji", "张伟", Role.BRANCH_SECRETARY, tree.b1)


@pytest.fixture
def scorekeeper(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    return _with_role(make_user, "jifenyuan", "陈静", Role.SCOREKEEPER, tree.b1)


@pytest.fixture
def auditor(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    return _with_role(make_user, "shenji", "周敏", Role.AUDITOR, tree.c)


@pytest.fixture
def member(
    make_user: Callable[..., User], make_person: Callable[..., Person], tree: SimpleNamespace
) -> User:
    user = _with_role(make_user, "dangyuan", "赵磊", Role.MEMBER, tree.b1)
    person = make_person("赵磊")
    person.user = user
    person.save(update_fields=["user"])
    return user


@pytest.fixture
def outsider(make_user: Callable[..., User], tree: SimpleNamespace) -> User:
    """The admin of the other committee: for them, ours does not exist."""
    return _with_role(make_user, "waibu", "路人甲", Role.COMMITTEE_ADMIN, tree.x)


@pytest.fixture
def nobody(make_user: Callable[..., User]) -> User:
    """An account that holds no role anywhere."""
    return make_user("wujuese", "钱多")
