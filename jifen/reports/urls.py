from django.urls import URLPattern, URLResolver, path

from jifen.reports import views, whatif_views

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", views.index, name="index"),
    path("people/<int:person_id>/points/<int:year>/register/", views.register, name="register"),
    path(
        "people/<int:person_id>/points/<int:year>/register.xlsx",
        views.register_xlsx,
        name="register_xlsx",
    ),
    path("orgs/<int:org_id>/reports/<int:year>/", views.overview, name="overview"),
    path("orgs/<int:org_id>/bulletin/<int:year>/<int:quarter>/", views.bulletin, name="bulletin"),
    path(
        "orgs/<int:org_id>/bulletin/<int:year>/<int:quarter>.xlsx",
        views.bulletin_xlsx,
        name="bulletin_xlsx",
    ),
    path("orgs/<int:org_id>/whatif/", whatif_views.member_whatif, name="whatif"),
    path("assessments/<int:round_id>/whatif/", whatif_views.round_whatif_page, name="round_whatif"),
]
