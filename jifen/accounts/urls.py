from django.contrib.auth import views as auth_views
from django.urls import path

from jifen.accounts import manage_views as manage
from jifen.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.JifenLoginView.as_view(), name="login"),
    path("password/", views.password_change, name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Committee and general-branch admins manage their subtree's accounts (issue 16).
    path("manage/", manage.accounts_list, name="list"),
    path("manage/<int:account_id>/", manage.account_detail, name="detail"),
    path("manage/people/<int:person_id>/new/", manage.account_create, name="create"),
    path("manage/<int:account_id>/password/", manage.account_password_reset, name="password_reset"),
    path("manage/<int:account_id>/lock/", manage.account_lock, name="lock"),
    path("manage/<int:account_id>/unlock/", manage.account_unlock, name="unlock"),
    path("manage/<int:account_id>/roles/", manage.account_role_grant, name="role_grant"),
    path(
        "manage/<int:account_id>/roles/<int:assignment_id>/revoke/",
        manage.account_role_revoke,
        name="role_revoke",
    ),
]
