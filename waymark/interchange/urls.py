from django.urls import path

from waymark.interchange import views

app_name = "interchange"
urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/<uuid:job_id>/", views.import_detail, name="import_detail"),
    path("imports/<uuid:job_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<uuid:job_id>/import/", views.import_confirm, name="import_confirm"),
    path("imports/<uuid:job_id>/run-again/", views.import_retry, name="import_retry"),
    path("imports/<uuid:job_id>/discard/", views.import_discard, name="import_discard"),
    path("exports/", views.exports, name="exports"),
    path("exports/<uuid:job_id>/approve/", views.export_approve, name="export_approve"),
    path("exports/<uuid:job_id>/refuse/", views.export_refuse, name="export_refuse"),
    path("exports/<uuid:job_id>/download/", views.export_download, name="export_download"),
]
