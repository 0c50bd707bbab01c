from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/lire/", views.my_data_read, name="my_data_read"),
    path("mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("supprimer-mon-compte/", views.account_delete, name="account_delete"),
]
