"""Fixtures shared by every test: named users, one per role (ARCHITECTURE.md, "Tests that read
like the rulebook"), and static files served from the apps during tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import Group, User

from jifen.accounts.roles import Role

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True)
def _static_files_from_apps(settings: pytest.FixtureRequest) -> None:
    # Production serves hashed files collected by `collectstatic`; tests read them from the apps.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def make_user(db: None) -> Callable[..., User]:
    def make(username: str, *roles: Role, name: str = "", **extra: object) -> User:
        user = User.objects.create_user(username, password=PASSWORD, first_name=name, **extra)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role.value)[0])
        return user

    return make


@pytest.fixture
def committee_admin(make_user: Callable[..., User]) -> User:
    return make_user("admin", Role.COMMITTEE_ADMIN, name="王建国", is_staff=True)


@pytest.fixture
def member(make_user: Callable[..., User]) -> User:
    return make_user("dangyuan", Role.MEMBER, name="赵磊")


@pytest.fixture
def outsider(make_user: Callable[..., User]) -> User:
    return make_user("waibu", name="路人甲")
