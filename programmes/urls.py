from django.urls import path

from matching.views import recommendation_pdf_download

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    # Before <slug>/ so the word is never taken for a sheet.
    path("selections/<uuid:public_id>/pdf/", recommendation_pdf_download,
         name="recommendation_pdf"),
    path("<slug:slug>/", views.sheet_detail, name="detail"),
]
