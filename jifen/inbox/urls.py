from django.urls import path

from jifen.inbox import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:notification_id>/read/", views.read, name="read"),
    path("inbox/read-all/", views.read_all, name="read_all"),
    path("inbox/preferences/", views.preferences, name="preferences"),
    path("orgs/<int:org_id>/robot/", views.robot, name="robot"),
]
