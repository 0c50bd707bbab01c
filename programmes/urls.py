from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<slug:slug>/", views.sheet_detail, name="detail"),
]
