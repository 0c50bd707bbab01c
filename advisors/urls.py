from django.urls import path

from . import views

app_name = "advisors"

urlpatterns = [
    path("", views.directory, name="directory"),
    path("<slug:slug>/", views.structure_detail, name="structure_detail"),
]
