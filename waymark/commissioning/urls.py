from django.urls import path

from waymark.commissioning import feedback_views, views

app_name = "commissioning"

urlpatterns = [
    path("", views.provision, name="provision"),
    path("contracts/<uuid:pk>/", views.contract, name="contract"),
    path("directory.json", views.directory_export, name="directory"),
    path("outcomes/", views.outcomes_by, name="outcomes"),
    path("outcomes/download/", views.outcomes_download, name="outcomes_download"),
    path("feedback/download/", views.feedback_download, name="feedback_download"),
    path("feedback-link/case/<uuid:case_id>/", feedback_views.case_link, name="feedback_case"),
    path("feedback-link/sanctuary/<uuid:sanctuary_id>/", feedback_views.sanctuary_link, name="feedback_sanctuary"),
    path("board-packs/", views.board_packs, name="board_packs"),
    path("board-packs/<uuid:pk>/", views.board_pack, name="board_pack"),
    path("board-packs/<uuid:pk>/download/", views.board_pack_download, name="board_pack_download"),
]
