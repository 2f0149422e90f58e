from django.urls import path

from waymark.outcomes import views

app_name = "outcomes"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("definitions/", views.definition, name="definition"),
    path("download/", views.download, name="download"),
    path("kpis/<slug:key>/records/", views.kpi_records, name="kpi_records"),
    path("cases/<uuid:case_id>/record/", views.record, name="record"),
]
