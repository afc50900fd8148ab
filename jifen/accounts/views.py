from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jifen.accounts.demo import (
    DEMO_ACCOUNTS,
    DEMO_OPERATOR_NAME,
    DEMO_OPERATOR_USERNAME,
    DEMO_PASSWORD,
)
from jifen.accounts.password import OwnPasswordForm, own_password_change


class JifenLoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_valid(form)
        user = form.get_user()
        name = user.get_full_name() or user.get_username()
        messages.success(self.request, _("欢迎，%(name)s！") % {"name": name})
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if settings.JIFEN_DEMO:
            context["demo_accounts"] = DEMO_ACCOUNTS
            context["demo_password"] = DEMO_PASSWORD
            context["demo_operator"] = (DEMO_OPERATOR_USERNAME, DEMO_OPERATOR_NAME)
        return context


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """The signed-in user's own password; every account, whatever its roles."""
    form = OwnPasswordForm(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        own_password_change(request, form)
        messages.success(request, _("密码已修改"))
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})
