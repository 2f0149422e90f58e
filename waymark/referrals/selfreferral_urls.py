"""The public self-referral pages: the only pages besides sign-in that need no account."""

from django.urls import path

from waymark.referrals import selfreferral_views as views

app_name = "selfreferral"
urlpatterns = [
    path("", views.start, name="start"),
    path("thank-you/", views.thanks, name="thanks"),
]
