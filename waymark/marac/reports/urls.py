"""MARAC reports (names in the ``marac`` namespace): aggregates only."""

from django.urls import path

from waymark.marac.reports import views as report_views

urlpatterns = [
    path("reports/", report_views.reports, name="reports"),
    path("reports/download/<slug:table>.<slug:fmt>", report_views.download, name="report-download"),
]
