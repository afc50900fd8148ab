from django.contrib import admin
from django.urls import include, path

from jifen.api.urls import api_urls

urlpatterns = [
    path("", include("jifen.core.urls")),
    path("", include("jifen.orgs.urls")),
    path("", include("jifen.audit.urls")),
    path("", include("jifen.roster.urls")),
    path("", include("jifen.ledger.urls")),
    path("", include("jifen.recording.urls")),
    path("", include("jifen.periods.urls")),
    path("", include("jifen.ratings.urls")),
    path("", include("jifen.reports.urls")),
    path("", include("jifen.assessments.urls")),
    path("", include("jifen.rulebooks.urls")),
    path("", include("jifen.api.urls")),
    *api_urls,
    path("", include("jifen.inbox.urls")),
    path("accounts/", include("jifen.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

# A refused or missing page in Jifen's layout and the reader's language (403, 400, 500 and a
# CSRF failure use Django's handlers with the templates of the same names in jifen/core).
handler404 = "jifen.core.error_pages.not_found"
