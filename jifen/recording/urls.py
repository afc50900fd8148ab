from django.urls import path

from jifen.recording import (
    declaration_committee_views,
    declaration_views,
    leave_views,
    monthly_confirm_views,
    monthly_views,
    views,
)

app_name = "recording"

urlpatterns = [
    path("orgs/<int:org_id>/activities/", views.activities, name="activities"),
    path("orgs/<int:org_id>/activities/add/", views.activity_add, name="activity_add"),
    path("activities/<int:activity_id>/", views.activity, name="activity"),
    path("activities/<int:activity_id>/edit/", views.activity_edit, name="activity_edit"),
    path(
        "activities/<int:activity_id>/cancel/", views.activity_cancel_view, name="activity_cancel"
    ),
    path(
        "activities/<int:activity_id>/checkin/open/",
        views.checkin_open_view,
        name="checkin_open",
    ),
    path("checkin/<str:token>/", views.checkin, name="checkin"),
    path("attachments/<int:attachment_id>/", views.attachment, name="attachment"),
    path("fact-files/<int:file_id>/", views.fact_file, name="fact_file"),
    path("orgs/<int:org_id>/entries/add/", views.entry_add, name="entry_add"),
    path("orgs/<int:org_id>/vetoes/", views.vetoes, name="vetoes"),
    path("orgs/<int:org_id>/vetoes/add/", views.veto_add, name="veto_add"),
    path("vetoes/<int:proposal_id>/decide/", views.veto_decide_view, name="veto_decide"),
]

urlpatterns += [
    path("me/declarations/", declaration_views.mine, name="declarations_mine"),
    path("me/declarations/new/", declaration_views.new, name="declaration_new"),
    path("declarations/<int:declaration_id>/", declaration_views.detail, name="declaration"),
    path("orgs/<int:org_id>/declarations/", declaration_views.queue, name="declarations_queue"),
    path("evidence/<int:evidence_id>/", declaration_views.evidence, name="evidence"),
    path(
        "orgs/<int:org_id>/declarations/committee/",
        declaration_committee_views.committee_queue,
        name="declarations_committee",
    ),
    path(
        "declarations/<int:declaration_id>/committee/",
        declaration_committee_views.committee_decide,
        name="declaration_committee",
    ),
]

urlpatterns += [
    path("orgs/<int:org_id>/monthly/", monthly_views.monthly, name="monthly"),
    path(
        "orgs/<int:org_id>/monthly/template/",
        monthly_views.monthly_template,
        name="monthly_template",
    ),
    path(
        "monthly/<int:upload_id>/",
        monthly_confirm_views.monthly_confirm,
        name="monthly_confirm",
    ),
]

urlpatterns += [
    path("me/activities/", leave_views.my_activities, name="my_activities"),
    path("me/activities/<int:activity_id>/leave/", leave_views.ask, name="leave_ask"),
    path("leaves/<int:leave_id>/decide/", leave_views.decide, name="leave_decide"),
]
