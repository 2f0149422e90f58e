from django.urls import path

from waymark.dataprotection import views

app_name = "dataprotection"
urlpatterns = [
    path("people/<uuid:person_id>/viewed-by/", views.access_log, name="access_log"),
    path("subject-access/", views.sar_list, name="sar_list"),
    path("subject-access/new/", views.sar_new, name="sar_new"),
    path("subject-access/<uuid:sar_id>/", views.sar_detail, name="sar_detail"),
    path("subject-access/<uuid:sar_id>/bundle/", views.sar_bundle, name="sar_bundle"),
    path("subject-access/<uuid:sar_id>/bundle.zip", views.sar_bundle_zip, name="sar_bundle_zip"),
    path("retention/", views.retention_queue, name="retention_queue"),
]
