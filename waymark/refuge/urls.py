from django.urls import path

from waymark.refuge import views

app_name = "refuge"
urlpatterns = [
    path("services/", views.services, name="services"),
    path("services/<uuid:service_id>/", views.service, name="service"),
    path("services/<uuid:service_id>/houses/new/", views.house_add, name="house_add"),
    path("services/<uuid:service_id>/houses/<uuid:house_id>/", views.house_edit, name="house_edit"),
    path("services/<uuid:service_id>/vacancies/new/", views.vacancy_post, name="vacancy_post"),
    path("vacancies/", views.vacancies, name="vacancies"),
    path("vacancies/<uuid:vacancy_id>/", views.vacancy, name="vacancy"),
    path("vacancies/<uuid:vacancy_id>/withdraw/", views.vacancy_withdraw, name="vacancy_withdraw"),
    path("referrals/", views.referrals, name="referrals"),
    path("refer/<uuid:person_id>/", views.refer, name="refer"),
    path("referrals/<uuid:referral_id>/", views.referral, name="referral"),
    path("referrals/<uuid:referral_id>/<slug:step>/", views.referral_decide, name="referral_decide"),
    path("sanctuary/", views.sanctuaries, name="sanctuaries"),
    path("sanctuary/refer/<uuid:person_id>/", views.sanctuary_refer, name="sanctuary_refer"),
    path("sanctuary/<uuid:sanctuary_id>/", views.sanctuary, name="sanctuary"),
    path("sanctuary/<uuid:sanctuary_id>/<slug:step>/", views.sanctuary_step, name="sanctuary_step"),
    path("annual-return/", views.part4_return, name="part4"),
    path("annual-return/download.<str:fmt>", views.part4_download, name="part4_download"),
]
