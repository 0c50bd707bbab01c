"""The advisors' back-office, under /espace-conseil/ (availability and proposals have their own
prefixes there, served by their domain apps)."""

from django.urls import path, re_path

from bookings.calendar_feed import TOKEN_PATTERN

from . import (
    agenda_views,
    booking_views,
    calendar_views,
    evaluation_views,
    interview_views,
    matching_views,
    statistics_views,
    support_views,
)

app_name = "backoffice"

urlpatterns = [
    path("", agenda_views.agenda, name="agenda"),
    path("reserver/", booking_views.book_for_youth, name="book_for_youth"),
    path("reserver/jeune/", booking_views.book_for_youth_form, name="book_for_youth_form"),
    path("reservations/<uuid:public_id>/", booking_views.hold, name="hold"),
    path("reservations/<uuid:public_id>/code/", booking_views.hold_code, name="hold_code"),
    path("reservations/<uuid:public_id>/renvoyer/", booking_views.hold_resend,
         name="hold_resend"),
    path("reservations/<uuid:public_id>/annuler/", booking_views.hold_cancel,
         name="hold_cancel"),
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
    path("calendrier/", calendar_views.calendar_page, name="calendar"),
    path("calendrier/regenerer/", calendar_views.calendar_regenerate,
         name="calendar_regenerate"),
    path("calendrier/desactiver/", calendar_views.calendar_revoke, name="calendar_revoke"),
    re_path(rf"^calendrier/(?P<token>{TOKEN_PATTERN})\.ics$", calendar_views.calendar_feed,
            name="calendar_feed"),
    path("aide/", support_views.help_page, name="help"),
    path("aide/<uuid:public_id>/", support_views.help_detail, name="help_detail"),
    path("aide/<uuid:public_id>/capture/", support_views.help_screenshot,
         name="help_screenshot"),
    path("mediatheque/", support_views.media_page, name="media"),
    path("mediatheque/<uuid:public_id>/telecharger/", support_views.media_download,
         name="media_download"),
    path("avis/", evaluation_views.evaluations_page, name="evaluations"),
    path("statistiques/", statistics_views.statistics_page, name="statistics"),
    path("statistiques/graphiques/<slug:chart>.svg", statistics_views.statistics_chart,
         name="statistics_chart"),
    path("statistiques/export.csv", statistics_views.statistics_csv, name="statistics_csv"),
]
