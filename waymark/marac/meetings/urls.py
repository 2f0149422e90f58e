"""MARAC meetings: the schedule, agendas, research, meeting mode, minutes, print views and actions."""

from django.urls import path

from waymark.marac.meetings import views

M = "meetings/<uuid:meeting_id>"

urlpatterns = [
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/schedule/", views.meeting_schedule, name="meeting-schedule"),
    path("meetings/emergency/", views.meeting_emergency, name="meeting-emergency"),
    path("meetings/actions/", views.action_list, name="actions"),
    path("meetings/actions/<uuid:action_id>/", views.action_update, name="action"),
    path(f"{M}/", views.meeting_detail, name="meeting"),
    path(f"{M}/agencies/", views.meeting_agencies, name="meeting-agencies"),
    path(f"{M}/move/", views.meeting_move, name="meeting-move"),
    path(f"{M}/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path(f"{M}/agenda/", views.agenda_build, name="agenda"),
    path(f"{M}/agenda/add/", views.agenda_add, name="agenda-add"),
    path(f"{M}/agenda/<uuid:case_id>/move/", views.agenda_move, name="agenda-move"),
    path(f"{M}/agenda/<uuid:case_id>/remove/", views.agenda_remove, name="agenda-remove"),
    path(f"{M}/agenda/print/", views.agenda_print, name="agenda-print"),
    path(f"{M}/cases/<uuid:case_id>/research/", views.research, name="research"),
    path(f"{M}/open/", views.meeting_open, name="meeting-open"),
    path(f"{M}/run/", views.meeting_run, name="meeting-run"),
    path(f"{M}/run/attendance/", views.meeting_attendance, name="meeting-attendance"),
    path(f"{M}/run/attendees/", views.attendee_add, name="attendee-add"),
    path(f"{M}/run/attendees/<uuid:attendee_id>/agree/", views.attendee_agree, name="attendee-agree"),
    path(f"{M}/run/attendees/<uuid:attendee_id>/remove/", views.attendee_remove, name="attendee-remove"),
    path(f"{M}/run/cases/<uuid:case_id>/", views.meeting_case, name="meeting-case"),
    path(f"{M}/run/cases/<uuid:case_id>/actions/", views.action_add, name="action-add"),
    path(f"{M}/run/cases/<uuid:case_id>/heard/", views.case_hear, name="case-heard"),
    path(f"{M}/run/actions/<uuid:action_id>/review/", views.action_review, name="action-review"),
    path(f"{M}/run/complete/", views.meeting_complete, name="meeting-complete"),
    path(f"{M}/minutes/", views.minutes, name="minutes"),
    path(f"{M}/minutes/print/", views.minutes_print, name="minutes-print"),
]
