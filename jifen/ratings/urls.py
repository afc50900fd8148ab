from django.urls import URLPattern, URLResolver, path

from jifen.ratings import views

app_name = "ratings"

Y = "orgs/<int:org_id>/year-end/<int:year>"

urlpatterns: list[URLPattern | URLResolver] = [
    path("year-end/", views.home, name="home"),
    path(f"{Y}/", views.year_page, name="year"),
    path(f"{Y}/grades/", views.grades, name="grades"),
    path(f"{Y}/grades/upload/", views.grades_upload, name="grades_upload"),
    path(f"{Y}/stars/", views.stars, name="stars"),
    path(f"{Y}/stars/propose/", views.stars_propose_view, name="stars_propose"),
    path(f"{Y}/stars/decide/", views.stars_decide, name="stars_decide"),
    path(f"{Y}/followups/", views.followups, name="followups"),
    path(f"{Y}/followups/raise/", views.followups_raise_view, name="followups_raise"),
    path("followups/<int:followup_id>/", views.followup, name="followup"),
    path(f"{Y}/statistics/", views.statistics, name="statistics"),
    path(f"{Y}/statistics.xlsx", views.statistics_xlsx, name="statistics_xlsx"),
    path("orgs/<int:org_id>/year-rollover/", views.rollover, name="rollover"),
]
