from django.urls import path

from waymark.cases import views

app_name = "cases"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("team/", views.team, name="team"),
    path("person/<uuid:person_id>/", views.for_person, name="for_person"),
    path("<uuid:case_id>/", views.detail, name="detail"),
    path("<uuid:case_id>/allocate/", views.allocate, name="allocate"),
    path("<uuid:case_id>/contact/", views.contact, name="contact"),
    path("<uuid:case_id>/status/", views.status, name="status"),
    path("<uuid:case_id>/close/", views.closure_request, name="closure_request"),
    path("<uuid:case_id>/closure/", views.closure_decision, name="closure_decision"),
    path("<uuid:case_id>/notes/new/", views.note_add, name="note_add"),
    path("<uuid:case_id>/tasks/new/", views.task_add, name="task_add"),
    path("<uuid:case_id>/tasks/<uuid:task_id>/done/", views.task_done, name="task_done"),
]
