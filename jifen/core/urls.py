from django.urls import path

from jifen.core import job_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:job_id>/", job_views.job, name="job"),
]
