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
    path("people/<int:person_id>/", views.person, name="person"),
    path("people/<int:person_id>/transfer/", views.person_transfer, name="person_transfer"),
    path("people/<int:person_id>/exempt/", views.person_exempt, name="person_exempt"),
]
