from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from jifen.accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from jifen.accounts.roles import Role, roles_of

pytestmark = pytest.mark.django_db


def test_a_password_shorter_than_twelve_characters_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("Short-pw-11")
    assert "12" in str(refused.value)
    validate_password("long-enough-pass")


def test_the_demo_holds_one_account_per_role_and_can_be_loaded_twice() -> None:
    out = io.StringIO()
    call_command("demo", stdout=out)
    call_command("demo", stdout=out)
    assert "admin" in out.getvalue()
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    assert {account.role for account in DEMO_ACCOUNTS} == set(Role)
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert account.role in roles_of(user)
        assert user.check_password(DEMO_PASSWORD)
