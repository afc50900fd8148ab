"""The pages a refusal or a failure answers with: Jifen's layout, in the reader's language, with
a way back home, instead of Django's bare English "Not Found".

404 is rendered with the request (the header shows the menu of a signed-in user); the 500 and
400 pages are Django's own handlers with our templates, which render without the request on
purpose: a failing database must not make the error page fail too.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

# The door's answer (jifen/orgs/access.py refused): the same for "not yours" and "not there",
# so it says nothing more than the page's own heading.
_SAYS_NOTHING = "未找到"


def _reason(exception: Exception) -> str:
    """What the view said when it raised Http404, if it said something a person may read: a
    sentence such as "您的账号没有关联党员信息". URL misses carry a dict (the patterns tried),
    never shown."""
    said = exception.args[0] if exception.args else None
    if not isinstance(said, str) or said in (_SAYS_NOTHING, _(_SAYS_NOTHING)):
        return ""
    return said


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "404.html", {"reason": _reason(exception)}, status=404)
