from django.urls import URLPattern, URLResolver, path

from jifen.rulebooks import views

app_name = "rulebooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rulebooks/", views.library, name="library"),
    path("rulebooks/applies/", views.applies, name="applies"),
    path("rulebooks/builtin/<str:rulebook_id>/", views.builtin, name="builtin"),
    path("orgs/<int:org_id>/rulebook/<int:year>/", views.applied, name="applied"),
    path("orgs/<int:org_id>/rulebook/adopt/", views.adopt, name="adopt"),
]
