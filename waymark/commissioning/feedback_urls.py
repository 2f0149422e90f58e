"""The survivor's feedback pages: public, reached only through a one-time link a worker gives."""

from django.urls import path

from waymark.commissioning import feedback_views as views

app_name = "feedback"
urlpatterns = [
    path("thank-you/", views.thanks, name="thanks"),
    path("<str:token>/", views.survey, name="survey"),
]
