"""The coordinators' pages outside admin, under /coordination/."""

from django.urls import path

from . import views

app_name = "coordination"

urlpatterns = [
    path("statistiques/", views.statistics_page, name="statistics"),
    path("statistiques/graphique/<slug:slug>/", views.statistics_chart,
         name="statistics_chart"),
    path("statistiques/csv/<slug:slug>/", views.statistics_csv, name="statistics_csv"),
    path("conformite/", views.compliance_page, name="compliance"),
]
