from django.urls import path

from waymark.journey import views

app_name = "journey"
urlpatterns = [
    path("<uuid:person_id>/", views.person_journey, name="person"),
]
