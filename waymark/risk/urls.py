from django.urls import path

from waymark.risk import views

app_name = "risk"
urlpatterns = [
    path("due/", views.reassessments_due_list, name="due"),
    path("people/<uuid:person_id>/", views.person_history, name="history"),
    path("people/<uuid:person_id>/new/", views.assessment_record, name="record"),
    path("assessments/<uuid:assessment_id>/", views.assessment_detail, name="detail"),
    path("assessments/<uuid:assessment_id>/archive/", views.assessment_archive, name="archive"),
]
