from django.urls import path

from jifen.ledger import views

app_name = "ledger"

urlpatterns = [
    path("me/", views.my_points, name="my_points"),
    path("people/<int:person_id>/points/<int:year>/", views.year, name="member_year"),
]
