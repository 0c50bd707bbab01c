from django.urls import path

from . import api

app_name = "api"

urlpatterns = [
    path("structures/", api.structures, name="structures"),
    path("structures/<slug:slug>/slots/", api.structure_slots, name="structure_slots"),
]
