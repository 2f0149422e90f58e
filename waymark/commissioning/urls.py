from django.urls import path

from waymark.commissioning import views

app_name = "commissioning"

urlpatterns = [
    path("", views.provision, name="provision"),
    path("contracts/<uuid:pk>/", views.contract, name="contract"),
    path("directory.json", views.directory_export, name="directory"),
    path("outcomes/", views.outcomes_by, name="outcomes"),
    path("outcomes/download/", views.outcomes_download, name="outcomes_download"),
    path("board-packs/", views.board_packs, name="board_packs"),
    path("board-packs/<uuid:pk>/", views.board_pack, name="board_pack"),
    path("board-packs/<uuid:pk>/download/", views.board_pack_download, name="board_pack_download"),
]
