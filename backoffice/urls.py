"""The advisors' back-office, under /espace-conseil/ (availability and proposals have their own
prefixes there, served by their domain apps)."""

from django.urls import path

from . import agenda_views, interview_views, matching_views

app_name = "backoffice"

urlpatterns = [
    path("", agenda_views.agenda, name="agenda"),
    path("rendez-vous/<uuid:public_id>/", interview_views.interview, name="interview"),
    path("rendez-vous/<uuid:public_id>/profil/", interview_views.profile_save, name="profile"),
    path("rendez-vous/<uuid:public_id>/presence/", interview_views.attendance_save,
         name="attendance"),
    path("rendez-vous/<uuid:public_id>/notes/", interview_views.note_add, name="note"),
    path("rendez-vous/<uuid:public_id>/suivi/", interview_views.follow_up_save,
         name="follow_up"),
    path("rendez-vous/<uuid:public_id>/relance/", interview_views.follow_up_date_save,
         name="follow_up_date"),
    path("rendez-vous/<uuid:public_id>/programmes/", matching_views.matching_panel,
         name="matching"),
    path("rendez-vous/<uuid:public_id>/programmes/envoyer/", matching_views.matching_send,
         name="matching_send"),
]
