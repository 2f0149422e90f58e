from django.urls import path

from waymark.perpetrators import views

app_name = "perpetrators"
urlpatterns = [
    path("", views.enrolment_list, name="list"),
    path("referrals/new/", views.referral_create, name="refer"),
    path("refer/", views.programme_referral, name="programme_referral"),
    path("flags/", views.flag_list, name="flags"),
    path("register/", views.register_today, name="register_today"),
    path("register/<str:on>/", views.register, name="register"),
    path("<uuid:enrolment_id>/", views.enrolment_detail, name="detail"),
    path("<uuid:enrolment_id>/assessment/", views.enrolment_assess, name="assess"),
    path("<uuid:enrolment_id>/enrol/", views.enrolment_enrol, name="enrol"),
    path("<uuid:enrolment_id>/end/", views.enrolment_end, name="end"),
    path("<uuid:enrolment_id>/outcomes/<str:point>/", views.outcome_record, name="outcome"),
    path("<uuid:enrolment_id>/flags/new/", views.flag_raise, name="flag_raise"),
    path("<uuid:enrolment_id>/victims/new/", views.victim_link, name="victim_link"),
]
