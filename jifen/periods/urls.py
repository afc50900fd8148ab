from django.urls import URLPattern, URLResolver, path

from jifen.periods.views import (
    confirm,
    holidays,
    lists,
    month,
    notice,
    objections,
    quarter,
    year_end,
)

app_name = "periods"

Q = "orgs/<int:org_id>/periods/<int:year>/<int:quarter>"
# A month of the rulebook's scoring year: seed 003's monthly 考核表.
M = "orgs/<int:org_id>/months/<int:year>/<int:month>"

# Under the year of quarters: ratings owns orgs/<id>/year-end/<year>/ (the stars, the grades).
Y = "orgs/<int:org_id>/periods/<int:year>/year-end"

urlpatterns: list[URLPattern | URLResolver] = [
    path("periods/", lists.index, name="index"),
    path("notices/", lists.notices, name="notices"),
    path("holidays/", holidays.holidays, name="holidays"),
    path("holidays/new/", holidays.holidays_enter, name="holidays_enter"),
    path("orgs/<int:org_id>/periods/<int:year>/", lists.year_view, name="year"),
    path(f"{Q}/", quarter.quarter, name="quarter"),
    path(f"{Q}/print/", quarter.quarter_print, name="quarter_print"),
    path(f"{Q}/xlsx/", quarter.quarter_xlsx, name="quarter_xlsx"),
    path(f"{Q}/sign/", quarter.sign, name="sign"),
    path(f"{Q}/notice/", quarter.notice_open_view, name="notice_open"),
    path("notices/<int:notice_id>/", notice.notice, name="notice"),
    path("notices/<int:notice_id>/print/", notice.notice_print, name="notice_print"),
    path("notices/<int:notice_id>/xlsx/", notice.notice_xlsx, name="notice_xlsx"),
    path("notices/<int:notice_id>/object/", objections.objection_new, name="objection_new"),
    path("public/notices/<str:token>/", notice.notice_public, name="notice_public"),
    path("objections/<int:objection_id>/", objections.objection, name="objection"),
    path("objections/<int:objection_id>/finding/", objections.finding, name="finding"),
    path("objections/<int:objection_id>/escalate/", objections.escalate, name="escalate"),
    path("me/periods/<int:year>/<int:quarter>/", confirm.confirm, name="confirm"),
    path(f"{M}/", month.month, name="month"),
    path(f"{M}/print/", month.month_print, name="month_print"),
    path(f"{M}/xlsx/", month.month_xlsx, name="month_xlsx"),
    path(f"{M}/sign/", month.month_sign_view, name="month_sign"),
    # The year end (jifen/periods/year_end*.py).
    path(f"{Y}/", year_end.year_end, name="year_end"),
    path(f"{Y}/sign/", year_end.sign, name="year_end_sign"),
    path(f"{Y}/submit/", year_end.submit, name="year_end_submit"),
    path(f"{Y}/decide/", year_end.decide, name="year_end_decide"),
    path(f"{Y}/notice/", year_end.notice_open_view, name="year_end_notice"),
    path(f"{Y}/reports/", year_end.reports, name="year_end_reports"),
    path("me/year-end/<int:year>/", year_end.mine, name="year_end_mine"),
]
