from django.urls import path

from jifen.ledger import views

app_name = "ledger"

urlpatterns = [
    path("me/", views.my_points, name="my_points"),
    path("people/<int:person_id>/points/<int:year>/", views.year, name="member_year"),
    path("orgs/<int:org_id>/sheet/<int:year>/<int:month>/", views.month_sheet, name="month_sheet"),
]
