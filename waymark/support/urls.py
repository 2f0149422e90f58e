"""Pages for a case's plans, interventions, legal orders and children: all under /support/cases/<case>/."""

from django.urls import path

from waymark.support import views

app_name = "support"
urlpatterns = [
    path("cases/<uuid:case_id>/safety-plan/", views.safety_plan, name="safety_plan"),
    path("cases/<uuid:case_id>/safety-plan/review/", views.safety_plan_update, name="safety_plan_update"),
    path(
        "cases/<uuid:case_id>/safety-plan/versions/<int:version>/",
        views.safety_plan_version,
        name="safety_plan_version",
    ),
    path("cases/<uuid:case_id>/support-plan/", views.support_plan, name="support_plan"),
    path("cases/<uuid:case_id>/needs/add/", views.need_add, name="need_add"),
    path("cases/<uuid:case_id>/needs/<uuid:need_id>/", views.need_edit, name="need_edit"),
    path("cases/<uuid:case_id>/needs/<uuid:need_id>/goals/add/", views.goal_add, name="goal_add"),
    path("cases/<uuid:case_id>/goals/<uuid:goal_id>/", views.goal_progress, name="goal_progress"),
    path("cases/<uuid:case_id>/interventions/", views.interventions, name="interventions"),
    path("cases/<uuid:case_id>/interventions/add/", views.intervention_add, name="intervention_add"),
    path(
        "cases/<uuid:case_id>/interventions/<uuid:intervention_id>/",
        views.intervention_update,
        name="intervention_update",
    ),
    path("cases/<uuid:case_id>/orders/", views.orders, name="orders"),
    path("cases/<uuid:case_id>/orders/add/", views.order_add, name="order_add"),
    path("cases/<uuid:case_id>/orders/<uuid:order_id>/", views.order_edit, name="order_edit"),
    path("cases/<uuid:case_id>/children/", views.children, name="children"),
    path("cases/<uuid:case_id>/children/add/", views.child_add, name="child_add"),
    path("cases/<uuid:case_id>/children/link/", views.child_link, name="child_link"),
    path("cases/<uuid:case_id>/children/<uuid:link_id>/", views.child_edit, name="child_edit"),
]
