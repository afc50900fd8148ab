from django.urls import path

from jifen.recording import views

app_name = "recording"

urlpatterns = [
    path("orgs/<int:org_id>/activities/", views.activities, name="activities"),
    path("orgs/<int:org_id>/activities/add/", views.activity_add, name="activity_add"),
    path("activities/<int:activity_id>/", views.activity, name="activity"),
]
