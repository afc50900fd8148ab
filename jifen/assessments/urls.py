from django.urls import URLPattern, URLResolver, path

from jifen.assessments import views

app_name = "assessments"

R = "assessments/<int:round_id>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("assessments/", views.index, name="index"),
    path("orgs/<int:org_id>/assessments/new/", views.round_new, name="round_new"),
    path(R, views.round_page, name="round"),
    path(f"{R}publish/", views.publish, name="publish"),
    path(f"{R}orgs/<int:org_id>/self/<str:collection>/", views.self_sheet, name="self_sheet"),
    path(f"{R}orgs/<int:org_id>/committee/", views.committee_sheet, name="committee_sheet"),
    path(f"{R}orgs/<int:org_id>/spot-checks/add/", views.spot_check_add, name="spot_check_add"),
    path(f"{R}orgs/<int:org_id>/result/", views.org_result, name="org_result"),
    path(f"{R}orgs/<int:org_id>/form/", views.form_print, name="form_print"),
    path(f"{R}orgs/<int:org_id>/form.xlsx", views.form_xlsx, name="form_xlsx"),
    path(f"{R}results/", views.results, name="results"),
    path(f"{R}year/", views.year_view, name="year"),
    path(f"{R}two-years/", views.two_years, name="two_years"),
    path(f"{R}bulletin/", views.bulletin, name="bulletin"),
    path(f"{R}bulletin.xlsx", views.bulletin_xlsx, name="bulletin_xlsx"),
    path("assessment-sheets/<int:sheet_id>/reopen/", views.reopen, name="sheet_reopen"),
    path("assessment-files/<int:file_id>/", views.sheet_file, name="sheet_file"),
    path("spot-check-files/<int:file_id>/", views.spot_check_file, name="spot_check_file"),
]
