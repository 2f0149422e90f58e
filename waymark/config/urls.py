"""Every URL Waymark serves. Each view declares its access rule (waymark/core/access.py)."""

from django.contrib import admin
from django.urls import include, path

from waymark.web import views as web_views

urlpatterns = [
    path("", web_views.home_page, name="home"),
    path("health/", web_views.health, name="health"),
    path("accounts/", include("allauth.urls")),
    path("audit/", include("waymark.audit.urls")),
    path("people/", include("waymark.people.urls")),
    path("find-a-person/", include("waymark.matching.urls")),
    path("risk/", include("waymark.risk.urls")),
    path("incidents/", include("waymark.incidents.urls")),
    path("referrals/", include("waymark.referrals.urls")),
    path("cases/", include("waymark.cases.urls")),
    path("support/", include("waymark.support.urls")),
    path("housing/", include("waymark.housing.urls")),
    path("outcomes/", include("waymark.outcomes.urls")),
    path("perpetrator-programme/", include("waymark.perpetrators.urls")),
    path("journey/", include("waymark.journey.urls")),
    path("marac/", include("waymark.marac.urls")),
    path("commissioning/", include("waymark.commissioning.urls")),
    path("training/", include("waymark.training.urls")),
    path("strategy/", include("waymark.strategy.urls")),
    path("safe-accommodation/", include("waymark.refuge.urls")),
    path("self-referral/", include("waymark.referrals.selfreferral_urls")),
    path("feedback/", include("waymark.commissioning.feedback_urls")),
    path("api/", include("waymark.api.urls")),
    path("emergency-access/", include("waymark.breakglass.urls")),
    path("data-protection/", include("waymark.dataprotection.urls")),
    path("operations/", include("waymark.operations.urls")),
    path("data/", include("waymark.interchange.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "waymark.web.errors.bad_request"
handler403 = "waymark.web.errors.permission_denied"
handler404 = "waymark.web.errors.page_not_found"
handler500 = "waymark.web.errors.server_error"
