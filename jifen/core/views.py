from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jifen.core import clock
from jifen.core.todo import MINE, WORK, todos_for


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The home page is the person's to-do list: the work waiting for them in every app
    (jifen/<app>/todo.py), each with a count and one link, and, for a member, their own."""
    items = todos_for(request.user, clock.today())
    context = {
        "work": [t for t in items if t.section == WORK],
        "mine": sorted((t for t in items if t.section == MINE), key=lambda t: t.order),
    }
    return render(request, "core/home.html", context)
