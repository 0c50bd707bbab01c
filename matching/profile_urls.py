"""The young person's space, under /mon-espace/ (the "Mes données" pages are privacy's)."""

from django.urls import path

from accounts.views import youth_space

from . import profile_views

app_name = "youth"

urlpatterns = [
    path("", youth_space, name="space"),
    path("profil/", profile_views.profile_edit, name="profile"),
]
