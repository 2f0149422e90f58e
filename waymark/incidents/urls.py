from django.urls import path

from waymark.incidents import views

app_name = "incidents"
urlpatterns = [path("people/<uuid:person_id>/new/", views.incident_create, name="create")]
