from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.search, name="search"),
    path("liste-d-attente/", views.waiting_list, name="waiting_list"),
    path("liste-d-attente/<str:token>/", views.waiting_list_confirm,
         name="waiting_list_confirm"),
    path("mes-rendez-vous/", views.my_appointments, name="my_appointments"),
    path("confirmation/<uuid:public_id>/", views.confirm_code, name="confirm_code"),
    path("reserve/<uuid:public_id>/", views.booked, name="booked"),
    path("confirmer/<str:token>/", views.staff_hold_confirm, name="staff_hold_confirm"),
    path("gerer/<str:token>/", views.appointment_manage, name="appointment_manage"),
    path("gerer/<str:token>/annuler/", views.appointment_cancel, name="appointment_cancel"),
    path("gerer/<str:token>/deplacer/", views.appointment_move, name="appointment_move"),
    path("gerer/<str:token>/rendez-vous.ics", views.appointment_ics, name="appointment_ics"),
    path("<slug:slug>/", views.structure_slots, name="structure_slots"),
    path("<slug:slug>/reserver/", views.book, name="book"),
]
