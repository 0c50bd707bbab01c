"""The young person's space, under /mon-espace/ (the "Mes données" pages are privacy's), and the
PDF of a selection of programmes, under /programmes/selections/ (included at the root)."""

from django.urls import path

from matching import profile_views

from . import views

app_name = "youth"

urlpatterns = [
    path("mon-espace/", views.youth_space, name="space"),
    path("mon-espace/profil/", profile_views.profile_edit, name="profile"),
    path("mon-espace/premier-regard/<slug:slug>/", views.first_look_open,
         name="first_look_open"),
    path("programmes/selections/<uuid:public_id>/pdf/", views.recommendation_pdf_download,
         name="recommendation_pdf"),
]
