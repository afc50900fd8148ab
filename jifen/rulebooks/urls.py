from django.urls import URLPattern, URLResolver, path

from jifen.rulebooks import adopt_views, diff_views, views

app_name = "rulebooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rulebooks/", views.library, name="library"),
    path("rulebooks/applies/", adopt_views.applies, name="applies"),
    path("rulebooks/builtin/<str:rulebook_id>/", views.builtin, name="builtin"),
    path("rulebooks/diff/", diff_views.diff, name="diff"),
    path("orgs/<int:org_id>/rulebook/<int:year>/", adopt_views.applied, name="applied"),
    path("orgs/<int:org_id>/rulebook/adopt/", adopt_views.adopt, name="adopt"),
    path("orgs/<int:org_id>/rulebook/allow/", adopt_views.allow, name="allow"),
]
