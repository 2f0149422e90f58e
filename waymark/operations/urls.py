from django.urls import path

from waymark.operations import views

app_name = "operations"
urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/<uuid:result_id>/run-again/", views.rerun, name="rerun"),
    path("jobs/<uuid:result_id>/set-aside/", views.dismiss, name="dismiss"),
]
