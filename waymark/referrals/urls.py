from django.urls import path

from waymark.referrals import views

app_name = "referrals"
urlpatterns = [
    path("new/", views.intake_start, name="new"),
    path("new/check/", views.intake_check, name="check"),
    path("new/sent/", views.intake_sent, name="sent"),
    path("new/<slug:slug>/", views.intake_step, name="step"),
    path("mine/", views.mine, name="mine"),
    path("queue/", views.queue, name="queue"),
    path("<uuid:referral_id>/", views.detail, name="detail"),
    path("<uuid:referral_id>/status/", views.transition, name="transition"),
    path("<uuid:referral_id>/link/", views.link_subject, name="link"),
]
