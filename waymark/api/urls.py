"""The REST API under /api/. Every view is ``@api_view_access``; DRF permissions decide."""

from django.urls import path

from waymark.api import views
from waymark.commissioning import api as commissioning_api
from waymark.housing import api as housing_api
from waymark.refuge import api as refuge_api
from waymark.strategy.api import ActionListView
from waymark.training.api import AttendanceCreateView

app_name = "api"

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("people/search/", views.PeopleSearchView.as_view(), name="people-search"),
    path("referrals/", views.ReferralListView.as_view(), name="referrals"),
    path("referrals/<uuid:pk>/", views.ReferralDetailView.as_view(), name="referral"),
    path("risk-assessments/", views.RiskAssessmentListView.as_view(), name="risk-assessments"),
    path("risk-assessments/<uuid:pk>/", views.RiskAssessmentDetailView.as_view(), name="risk-assessment"),
    path("refuge-vacancies/", refuge_api.VacancyListView.as_view(), name="refuge-vacancies"),
    path("refuge-vacancies/<uuid:pk>/", refuge_api.VacancyDetailView.as_view(), name="refuge-vacancy"),
    path("training/attendance/", AttendanceCreateView.as_view(), name="training-attendance"),
    path("strategy/actions/", ActionListView.as_view(), name="strategy-actions"),
    path("housing/applications/", housing_api.ApplicationListView.as_view(), name="housing-applications"),
    path("housing/applications/<uuid:pk>/", housing_api.ApplicationDetailView.as_view(), name="housing-application"),
    path("housing/placements/", housing_api.PlacementListView.as_view(), name="housing-placements"),
    path("housing/panel-cases/", housing_api.PanelCaseListView.as_view(), name="housing-panel-cases"),
    path("housing/panel-cases/<uuid:pk>/", housing_api.PanelCaseDetailView.as_view(), name="housing-panel-case"),
    path("commissioning/outcomes/", commissioning_api.OutcomeFiguresView.as_view(), name="commissioning-outcomes"),
    path("commissioning/needs/", commissioning_api.NeedsFiguresView.as_view(), name="commissioning-needs"),
    path("commissioning/feedback/", commissioning_api.FeedbackFiguresView.as_view(), name="commissioning-feedback"),
]
