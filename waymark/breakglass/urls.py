from django.urls import path

from waymark.breakglass import views

app_name = "breakglass"
urlpatterns = [
    path("", views.open_access, name="open"),
    path("<uuid:grant_id>/end/", views.end_access, name="end"),
    path("review/", views.queue, name="queue"),
    path("review/<uuid:grant_id>/", views.review, name="review"),
]
