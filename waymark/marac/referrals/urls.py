"""MARAC referrals and flag and tag (names in the ``marac`` namespace)."""

from django.urls import path

from waymark.marac.referrals import views as referral_views

urlpatterns = [
    path("refer/", referral_views.refer, name="refer"),
    path("referrals/", referral_views.queue, name="referrals"),
    path("referrals/mine/", referral_views.mine, name="mine"),
    path("referrals/<uuid:case_id>/", referral_views.detail, name="referral"),
    path("referrals/<uuid:case_id>/decide/", referral_views.decide, name="decide"),
    path("referrals/<uuid:case_id>/same-person/", referral_views.same_person, name="same-person"),
    path("flags/", referral_views.flags, name="flags"),
    path("flags/<uuid:flag_id>/dismiss/", referral_views.dismiss, name="dismiss-flag"),
]
