"""MARAC URLs, one namespace: referrals and flags, meetings, and reports each keep their own list."""

from waymark.marac import meeting_urls, referral_urls, report_urls

app_name = "marac"
urlpatterns = referral_urls.urlpatterns + meeting_urls.urlpatterns + report_urls.urlpatterns
