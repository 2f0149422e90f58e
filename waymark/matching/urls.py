from django.urls import path

from waymark.matching import merge_views, views

app_name = "matching"
urlpatterns = [
    path("", views.find, name="find"),
    path("candidates/", views.candidates, name="candidates"),
    path("alerts/", views.alerts, name="alerts"),
    path("alerts/<uuid:alert_id>/", views.alert_review, name="alert"),
    # Identity resolution: batch-dedupe clusters for review, merging and undoing a merge.
    path("duplicates/", merge_views.duplicates, name="duplicates"),
    path("duplicates/<uuid:cluster_id>/", merge_views.cluster, name="cluster"),
    path("duplicates/<uuid:cluster_id>/merge/", merge_views.cluster_merge, name="cluster_merge"),
    path("duplicates/<uuid:cluster_id>/not-the-same/", merge_views.cluster_reject, name="cluster_reject"),
    path("merges/<uuid:merge_id>/undo/", merge_views.unmerge, name="unmerge"),
]
