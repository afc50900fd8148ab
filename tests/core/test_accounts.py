from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError


def test_a_password_shorter_than_twelve_characters_is_refused() -> None:
    with pytest.raises(ValidationError) as refused:
        validate_password("Short-pw-11")
    assert "12" in str(refused.value)
    validate_password("long-enough-pass")
