"""The advisors' proposals of programme sheets, in their back-office (/espace-conseil/fiches/)."""

from django.urls import path

from . import views

app_name = "programme_proposals"

urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("proposer/", views.proposal_new, name="new"),
    path("<slug:slug>/modifier/", views.proposal_update, name="update"),
]
