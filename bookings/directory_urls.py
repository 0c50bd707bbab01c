"""The public directory, under /structures/."""

from django.urls import path

from . import directory_views

app_name = "directory"

urlpatterns = [
    path("", directory_views.directory, name="index"),
    path("<slug:slug>/", directory_views.structure_detail, name="structure_detail"),
]
