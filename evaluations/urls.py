from django.urls import path

from . import views

app_name = "evaluations"

urlpatterns = [
    path("merci/", views.thanks, name="thanks"),
    path("<str:token>/", views.questionnaire, name="questionnaire"),
]
