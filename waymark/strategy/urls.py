from django.urls import path

from waymark.strategy import views

app_name = "strategy"

urlpatterns = [
    path("", views.strategy_list, name="list"),
    path("<uuid:strategy_id>/", views.strategy_detail, name="detail"),
    path("<uuid:strategy_id>/rating/", views.rag_definition_edit, name="rag_definition"),
    path("<uuid:strategy_id>/exception-reports/new/", views.exception_report_create, name="report_create"),
    path("<uuid:strategy_id>/actions/new/", views.action_add, name="action_add"),
    path("actions/<uuid:action_id>/", views.action_detail, name="action"),
    path("actions/<uuid:action_id>/edit/", views.action_edit, name="action_edit"),
    path("actions/<uuid:action_id>/update/", views.action_update, name="action_update"),
    path("exception-reports/<uuid:report_id>/", views.exception_report_detail, name="report"),
    path("exception-reports/<uuid:report_id>/print/", views.exception_report_print, name="report_print"),
    path("exception-reports/<uuid:report_id>/download.xlsx", views.exception_report_xlsx, name="report_xlsx"),
    path("timelines/<uuid:project_id>/", views.timeline_detail, name="timeline"),
]
