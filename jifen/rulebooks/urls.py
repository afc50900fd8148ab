from django.urls import URLPattern, URLResolver, path

from jifen.rulebooks import adopt_views, diff_views, draft_rule_views, views
from jifen.rulebooks import draft_views as drafts

app_name = "rulebooks"

urlpatterns: list[URLPattern | URLResolver] = [
    path("rulebooks/", views.library, name="library"),
    path("rulebooks/applies/", adopt_views.applies, name="applies"),
    path("rulebooks/builtin/<str:rulebook_id>/", views.builtin, name="builtin"),
    path("rulebooks/diff/", diff_views.diff, name="diff"),
    path("orgs/<int:org_id>/rulebook/<int:year>/", adopt_views.applied, name="applied"),
    path("orgs/<int:org_id>/rulebook/adopt/", adopt_views.adopt, name="adopt"),
    path("orgs/<int:org_id>/rulebook/allow/", adopt_views.allow, name="allow"),
    path("rulebooks/drafts/new/", drafts.draft_new, name="draft_new"),
    path("rulebooks/drafts/<int:draft_id>/", drafts.draft_show, name="draft"),
    path(
        "rulebooks/drafts/<int:draft_id>/v<int:number>/yaml/", drafts.draft_yaml, name="draft_yaml"
    ),
    path("rulebooks/drafts/<int:draft_id>/upload/", drafts.draft_upload, name="draft_upload"),
    path(
        "rulebooks/drafts/<int:draft_id>/items/<str:code>/",
        drafts.draft_edit,
        {"what": "item"},
        name="draft_item",
    ),
    path("rulebooks/drafts/<int:draft_id>/add/", drafts.draft_item_add, name="draft_item_add"),
    path(
        "rulebooks/drafts/<int:draft_id>/items/<str:code>/remove/",
        drafts.draft_item_remove,
        name="draft_item_remove",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/categories/<str:code>/",
        drafts.draft_edit,
        {"what": "category"},
        name="draft_category",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/stars/",
        drafts.draft_edit,
        {"what": "stars"},
        name="draft_stars",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/stars/set/",
        draft_rule_views.draft_stars_set,
        name="draft_stars_set",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/stars/remove/",
        draft_rule_views.draft_stars_remove,
        name="draft_stars_remove",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/bands/add/",
        draft_rule_views.draft_band_add,
        name="draft_band_add",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/bands/<str:code>/remove/",
        draft_rule_views.draft_band_remove,
        name="draft_band_remove",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/bands/<str:code>/",
        drafts.draft_edit,
        {"what": "band"},
        name="draft_band",
    ),
    path(
        "rulebooks/drafts/<int:draft_id>/notice/",
        drafts.draft_edit,
        {"what": "notice"},
        name="draft_notice",
    ),
]
