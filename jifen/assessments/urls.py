from django.urls import URLPattern, URLResolver, path

from jifen.assessments.views import printed_forms, results, rounds, sheets, spot_checks

app_name = "assessments"

R = "assessments/<int:round_id>/"
urlpatterns: list[URLPattern | URLResolver] = [
    path("assessments/", rounds.index, name="index"),
    path("orgs/<int:org_id>/assessments/new/", rounds.round_new, name="round_new"),
    path(R, rounds.round_page, name="round"),
    path(f"{R}publish/", rounds.publish, name="publish"),
    path(f"{R}orgs/<int:org_id>/self/<str:collection>/", sheets.self_sheet, name="self_sheet"),
    path(f"{R}orgs/<int:org_id>/committee/", sheets.committee_sheet, name="committee_sheet"),
    path(
        f"{R}orgs/<int:org_id>/spot-checks/add/",
        spot_checks.spot_check_add,
        name="spot_check_add",
    ),
    path(f"{R}orgs/<int:org_id>/result/", results.org_result, name="org_result"),
    path(f"{R}orgs/<int:org_id>/form/", printed_forms.form_print, name="form_print"),
    path(f"{R}orgs/<int:org_id>/form.xlsx", printed_forms.form_xlsx, name="form_xlsx"),
    path(f"{R}results/", results.results, name="results"),
    path(f"{R}year/", results.year_view, name="year"),
    path(f"{R}two-years/", results.two_years, name="two_years"),
    path(f"{R}bulletin/", printed_forms.bulletin, name="bulletin"),
    path(f"{R}bulletin.xlsx", printed_forms.bulletin_xlsx, name="bulletin_xlsx"),
    path("assessment-sheets/<int:sheet_id>/reopen/", sheets.reopen, name="sheet_reopen"),
    path("assessment-files/<int:file_id>/", sheets.sheet_file, name="sheet_file"),
    path("spot-check-files/<int:file_id>/", spot_checks.spot_check_file, name="spot_check_file"),
]
