from django.urls import URLPattern, URLResolver, path

from jifen.periods import views

app_name = "periods"

Q = "orgs/<int:org_id>/periods/<int:year>/<int:quarter>"

urlpatterns: list[URLPattern | URLResolver] = [
    path("periods/", views.index, name="index"),
    path("notices/", views.notices, name="notices"),
    path("orgs/<int:org_id>/periods/<int:year>/", views.year_view, name="year"),
    path(f"{Q}/", views.quarter, name="quarter"),
    path(f"{Q}/print/", views.quarter_print, name="quarter_print"),
    path(f"{Q}/xlsx/", views.quarter_xlsx, name="quarter_xlsx"),
    path(f"{Q}/sign/", views.sign, name="sign"),
    path(f"{Q}/notice/", views.notice_open_view, name="notice_open"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
    path("notices/<int:notice_id>/print/", views.notice_print, name="notice_print"),
    path("notices/<int:notice_id>/xlsx/", views.notice_xlsx, name="notice_xlsx"),
    path("notices/<int:notice_id>/object/", views.objection_new, name="objection_new"),
    path("public/notices/<str:token>/", views.notice_public, name="notice_public"),
    path("objections/<int:objection_id>/", views.objection, name="objection"),
    path("objections/<int:objection_id>/finding/", views.finding, name="finding"),
    path("objections/<int:objection_id>/escalate/", views.escalate, name="escalate"),
    path("me/periods/<int:year>/<int:quarter>/", views.confirm, name="confirm"),
]
