from django.urls import path

from jifen.roster import views

app_name = "roster"

urlpatterns = [
    path("orgs/<int:org_id>/roster/import/", views.import_form, name="import"),
    path("orgs/<int:org_id>/roster/template/", views.template, name="template"),
    path("orgs/<int:org_id>/roster/export/", views.export, name="export"),
    path("orgs/<int:org_id>/roster/imports/<int:import_id>/", views.preview, name="preview"),
    path("orgs/<int:org_id>/roster/imports/<int:import_id>/apply/", views.apply, name="apply"),
    path(
        "orgs/<int:org_id>/roster/imports/<int:import_id>/discard/",
        views.discard,
        name="discard",
    ),
]
