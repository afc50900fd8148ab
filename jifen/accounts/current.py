from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


def signed_in(request: HttpRequest) -> User:
    """The request's user as a ``User``; views call it after ``login_required``."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user
