from django.urls import path

from waymark.dataprotection import views

app_name = "dataprotection"
urlpatterns = [path("people/<uuid:person_id>/viewed-by/", views.access_log, name="access_log")]
