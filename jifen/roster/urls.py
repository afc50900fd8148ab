from django.urls import path

from jifen.roster import tree_views, views

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
    path("orgs/<int:org_id>/tree/import/", tree_views.tree_import, name="tree_import"),
    path("orgs/<int:org_id>/tree/template/", tree_views.tree_template, name="tree_template"),
    path(
        "orgs/<int:org_id>/tree/imports/<int:import_id>/",
        tree_views.tree_preview,
        name="tree_preview",
    ),
    path(
        "orgs/<int:org_id>/tree/imports/<int:import_id>/apply/",
        tree_views.tree_apply,
        name="tree_apply",
    ),
    path(
        "orgs/<int:org_id>/tree/imports/<int:import_id>/discard/",
        tree_views.tree_discard,
        name="tree_discard",
    ),
]
