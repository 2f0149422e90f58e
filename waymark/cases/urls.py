from django.urls import path

from waymark.cases import views

app_name = "cases"
urlpatterns = [
    path("<uuid:case_id>/", views.detail, name="detail"),
]
