from django.urls import path

from waymark.people import views

app_name = "people"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("new/", views.person_create, name="create"),
    path("<uuid:person_id>/", views.person_detail, name="detail"),
    path("<uuid:person_id>/edit/", views.person_edit, name="edit"),
    path("<uuid:person_id>/archive/", views.person_archive, name="archive"),
    path("<uuid:person_id>/names/new/", views.name_add, name="name_add"),
    path("<uuid:person_id>/relationships/new/", views.relationship_add, name="relationship_add"),
    path("<uuid:person_id>/contact/", views.person_contact, name="contact"),
    path("<uuid:person_id>/addresses/new/", views.address_add, name="address_add"),
    path("<uuid:person_id>/addresses/<uuid:address_id>/end/", views.address_end, name="address_end"),
    path("<uuid:person_id>/contact-channels/new/", views.channel_add, name="channel_add"),
    path("<uuid:person_id>/contact-channels/<uuid:channel_id>/flags/", views.channel_flags, name="channel_flags"),
    path("<uuid:person_id>/contact-channels/<uuid:channel_id>/end/", views.channel_end, name="channel_end"),
]
