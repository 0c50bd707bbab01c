"""The advisor's own availability and absences (/espace-conseil/disponibilites/)."""

from django.urls import path

from . import advisor_views as views

app_name = "advisor_availability"

urlpatterns = [
    path("", views.availability_page, name="page"),
    path("hebdomadaire/", views.recurring_create, name="recurring_create"),
    path("hebdomadaire/<int:pk>/supprimer/", views.recurring_delete, name="recurring_delete"),
    path("hebdomadaire/<int:pk>/arreter/", views.recurring_end, name="recurring_end"),
    path("ponctuelle/", views.one_off_create, name="one_off_create"),
    path("ponctuelle/<int:pk>/supprimer/", views.one_off_delete, name="one_off_delete"),
    path("absence/", views.absence_create, name="absence_create"),
    path("absence/<int:pk>/retirer/", views.absence_withdraw, name="absence_withdraw"),
]
