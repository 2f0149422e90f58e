from django.urls import path

from waymark.housing import views

app_name = "housing"
urlpatterns = [
    path("", views.caseload, name="caseload"),
    path("extract.csv", views.extract, name="extract"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/<uuid:application_id>/", views.application_detail, name="application"),
    path("applications/<uuid:application_id>/household/", views.household_add, name="household_add"),
    path("applications/<uuid:application_id>/assess/", views.assess, name="assess"),
    path("applications/<uuid:application_id>/duties/<uuid:duty_id>/end/", views.duty_end, name="duty_end"),
    path("applications/<uuid:application_id>/placements/new/", views.placement_new, name="placement_new"),
    path(
        "applications/<uuid:application_id>/placements/<uuid:placement_id>/end/",
        views.placement_end,
        name="placement_end",
    ),
    path("tenancy-panel/", views.panel_list, name="panel_list"),
    path("tenancy-panel/refer/", views.panel_refer, name="panel_refer"),
    path("tenancy-panel/meetings/new/", views.panel_meeting_new, name="panel_meeting_new"),
    path("tenancy-panel/<uuid:case_id>/", views.panel_case, name="panel_case"),
    path("tenancy-panel/<uuid:case_id>/intelligence/", views.panel_intelligence_add, name="panel_intelligence"),
    path("tenancy-panel/<uuid:case_id>/decision/", views.panel_decision, name="panel_decision"),
    path("tenancy-panel/<uuid:case_id>/review/", views.panel_review, name="panel_review"),
    path("tenancy-panel/<uuid:case_id>/legal-step/", views.panel_legal_step, name="panel_legal_step"),
    path("tenancy-panel/<uuid:case_id>/close/", views.panel_close, name="panel_close"),
    path("tenancy-panel/<uuid:case_id>/people/", views.panel_people, name="panel_people"),
    path("tenancy-panel/<uuid:case_id>/safety-plan/", views.safety_confirm, name="safety_confirm"),
    path("tenancy-panel/for-idva/", views.idva_panel_cases, name="idva_panel_cases"),
]
