from django.urls import path

from jifen.api import views
from jifen.api.api import api

app_name = "api"

urlpatterns = [
    path("accounts/tokens/", views.tokens, name="tokens"),
    path("accounts/tokens/<int:token_id>/revoke/", views.token_revoke_view, name="token_revoke"),
]
api_urls = [path("api/v1/", api.urls)]
