from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("invitation/<str:uidb64>/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("double-authentification-requise/", views.mfa_required, name="mfa_required"),
]
