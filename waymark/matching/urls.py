from django.urls import path

from waymark.matching import views

app_name = "matching"
urlpatterns = [
    path("", views.find, name="find"),
    path("candidates/", views.candidates, name="candidates"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<uuid:alert_id>/", views.alert_review, name="alert"),
]
