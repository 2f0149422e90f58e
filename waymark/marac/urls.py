"""MARAC URLs, one namespace: referrals and flags, meetings, and reports each keep their own list."""

from waymark.marac.meetings import urls as meeting_urls
from waymark.marac.referrals import urls as referral_urls
from waymark.marac.reports import urls as report_urls

app_name = "marac"
urlpatterns = referral_urls.urlpatterns + meeting_urls.urlpatterns + report_urls.urlpatterns
