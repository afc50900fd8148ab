from django.urls import path

from jifen.audit import views

app_name = "audit"

urlpatterns = [
    path("audit/", views.log, name="log"),
]
