from django.contrib.auth import views as auth_views
from django.urls import path

from jifen.accounts import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.JifenLoginView.as_view(), name="login"),
    path("password/", views.password_change, name="password_change"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
