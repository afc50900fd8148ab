from django.urls import path

from jifen.orgs import views

app_name = "orgs"

urlpatterns = [
    path("orgs/", views.tree, name="tree"),
    path("orgs/<int:org_id>/", views.detail, name="detail"),
    path("orgs/<int:org_id>/roles/", views.roles, name="roles"),
    path(
        "orgs/<int:org_id>/roles/<int:assignment_id>/revoke/", views.role_revoke, name="role_revoke"
    ),
    path("orgs/<int:org_id>/add/", views.organization_add, name="organization_add"),
    path("orgs/<int:org_id>/close/", views.organization_close, name="organization_close"),
    path("orgs/<int:org_id>/people/add/", views.person_add, name="person_add"),
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:person_id>/leave/", views.person_leave, name="person_leave"),
    path("people/<int:person_id>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:person_id>/exempt/", views.person_exempt, name="person_exempt"),
]
