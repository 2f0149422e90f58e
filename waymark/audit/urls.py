from django.urls import path

from waymark.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.search, name="search"),
    path("export.csv", views.export_csv, name="export"),
    path("events/<int:sequence>/", views.event_detail, name="event"),
]
