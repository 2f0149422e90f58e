from django.urls import path

from waymark.training import views

app_name = "training"

urlpatterns = [
    path("", views.session_list, name="index"),
    path("courses/new/", views.course_create, name="course_create"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<uuid:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<uuid:session_id>/", views.session_detail, name="session"),
    path("sessions/<uuid:session_id>/attendance/new/", views.attendance_add, name="attendance_add"),
    path("bookings/<uuid:booking_id>/", views.booking_edit, name="booking"),
    path("bookings/<uuid:booking_id>/champion/", views.champion_add, name="champion_add"),
    path("import/", views.register_import, name="import"),
    path("figures/", views.figures, name="figures"),
    path("champions/", views.champion_directory, name="champions"),
    path("champions/<uuid:champion_id>/", views.champion_edit, name="champion"),
    path("peer-supporters/", views.peer_list, name="peers"),
    path("peer-supporters/new/", views.peer_add, name="peer_add"),
    path("peer-supporters/<uuid:peer_id>/", views.peer_detail, name="peer"),
    path("peer-supporters/<uuid:peer_id>/edit/", views.peer_edit, name="peer_edit"),
]
