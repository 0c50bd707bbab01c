import io
import zipfile
from datetime import date

import pytest
import time_machine
from django.contrib.admin import helpers
from django.core import mail
from django.urls import reverse

from advisors import services
from advisors.models import Advisor, Convention, Structure, StructureStatus
from tests.factories import (
    AdvisorFactory,
    ConventionFactory,
    CoordinatorFactory,
    StructureFactory,
    TrainingAttendanceFactory,
    TrainingSessionFactory,
    UserFactory,
)
from tests.mfa_support import login_with_mfa

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 12)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel("2026-05-12 10:00 +02:00", tick=False):
        yield


@pytest.fixture
def coordinator():
    return CoordinatorFactory(with_totp=True)


@pytest.fixture
def admin_client(client, coordinator):
    login_with_mfa(client, coordinator)
    return client


@pytest.fixture
def network():
    in_force = ConventionFactory(structure__public_name="Info Jeunes Tulle",
                                 structure__departement="19", structure__postal_code="19000")
    notice = ConventionFactory(structure__public_name="Info Jeunes Guéret",
                               structure__departement="23", structure__postal_code="23000",
                               termination_letter_received_on=date(2026, 4, 1))
    unsigned = ConventionFactory(structure__public_name="Info Jeunes Mont-de-Marsan",
                                 structure__status=StructureStatus.CANDIDATE,
                                 signed_on=None, services_start_on=None)
    StructureFactory(public_name="Mairie de Pau", status=StructureStatus.CANDIDATE)
    trained = AdvisorFactory(structure=in_force.structure, user__last_name="Formée")
    TrainingAttendanceFactory(user=trained.user)
    AdvisorFactory(structure=notice.structure, user__last_name="Pasformé")
    return {"in_force": in_force, "notice": notice, "unsigned": unsigned}


def changelist(model: str) -> str:
    return reverse(f"admin:advisors_{model}_changelist")


def run_action(client, model, action, objects, **data):
    return client.post(changelist(model), {
        "action": action,
        helpers.ACTION_CHECKBOX_NAME: [o.pk for o in objects],
        **data,
    })


class TestAccess:
    @pytest.mark.parametrize("user_kwargs", [{"role": "youth"}, {"role": "advisor"}])
    def test_other_roles_refused(self, client, user_kwargs):
        client.force_login(UserFactory(**user_kwargs))
        assert client.get(changelist("structure"), follow=True).status_code == 403

    def test_coordinator_without_totp_refused(self, client):
        client.force_login(CoordinatorFactory())
        response = client.get(changelist("structure"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("accounts:mfa_required")


class TestStructureAdmin:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", {"Info Jeunes Tulle", "Info Jeunes Guéret", "Info Jeunes Mont-de-Marsan",
                  "Mairie de Pau"}),
            ("?departement__exact=19", {"Info Jeunes Tulle"}),
            ("?status__exact=candidate", {"Info Jeunes Mont-de-Marsan", "Mairie de Pau"}),
            ("?kind__exact=info_jeunes", {"Info Jeunes Tulle", "Info Jeunes Guéret",
                                          "Info Jeunes Mont-de-Marsan", "Mairie de Pau"}),
            ("?etat_convention=in_force", {"Info Jeunes Tulle"}),
            ("?etat_convention=notice_running", {"Info Jeunes Guéret"}),
            ("?etat_convention=not_signed", {"Info Jeunes Mont-de-Marsan"}),
            ("?etat_convention=none", {"Mairie de Pau"}),
            ("?q=Gu%C3%A9ret", {"Info Jeunes Guéret"}),
        ],
    )
    def test_changelist_filters(self, admin_client, network, query, expected):
        response = admin_client.get(changelist("structure") + query)
        assert response.status_code == 200
        shown = {s.public_name for s in response.context["cl"].result_list}
        assert shown == expected

    def test_changelist_shows_convention_state_in_few_queries(
        self, admin_client, network, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(12):
            response = admin_client.get(changelist("structure"))
        content = response.content.decode()
        assert "En préavis de résiliation" in content
        assert "Aucune convention" in content

    def test_change_page_and_history(self, admin_client, network):
        structure = network["in_force"].structure
        url = reverse("admin:advisors_structure_change", args=[structure.pk])
        assert admin_client.get(url).status_code == 200
        history = reverse("admin:advisors_structure_history", args=[structure.pk])
        assert admin_client.get(history).status_code == 200

    def test_add_registers_a_candidate(self, admin_client, coordinator):
        response = admin_client.post(reverse("admin:advisors_structure_add"), {
            "public_name": "Info Jeunes Niort", "legal_name": "Association IJ Niort",
            "slug": "info-jeunes-niort", "kind": "info_jeunes", "siret": "73282932000074",
            "address": "3 rue Fictive", "postal_code": "79000", "commune": "Niort",
            "departement": "79", "phone": "05 49 00 00 00", "email": "ij@niort.test",
            "description": "", "latitude": "", "longitude": "",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
            "advisors-TOTAL_FORMS": "0", "advisors-INITIAL_FORMS": "0",
        })
        assert response.status_code == 302, response.context["adminform"].errors
        structure = Structure.objects.get(slug="info-jeunes-niort")
        assert structure.status == StructureStatus.CANDIDATE
        assert structure.status_changes.get().changed_on == TODAY
        assert structure.history.first().history_user == coordinator

    def test_invalid_siret_and_departement_are_refused(self, admin_client):
        response = admin_client.post(reverse("admin:advisors_structure_add"), {
            "public_name": "X", "legal_name": "X", "slug": "x", "kind": "info_jeunes",
            "siret": "73282932000075", "address": "1 rue", "postal_code": "75001",
            "commune": "Paris", "departement": "75", "phone": "0549000000",
            "email": "x@x.test",
            "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
            "advisors-TOTAL_FORMS": "0", "advisors-INITIAL_FORMS": "0",
        })
        assert response.status_code == 200
        errors = response.context["adminform"].errors
        assert "Numéro SIRET invalide" in str(errors["siret"])
        assert "departement" in errors

    def test_change_status_action(self, admin_client, network):
        structure = network["unsigned"].structure
        page = run_action(admin_client, "structure", "change_status", [structure])
        assert page.status_code == 200
        assert "Nouveau statut" in page.content.decode()
        response = run_action(admin_client, "structure", "change_status", [structure],
                              apply="1", status="accepted", on="2026-05-10", note="Comité")
        assert response.status_code == 302
        structure.refresh_from_db()
        assert structure.status == StructureStatus.ACCEPTED

    def test_refused_status_change_is_a_message(self, admin_client, network):
        structure = network["unsigned"].structure
        response = run_action(admin_client, "structure", "change_status", [structure],
                              apply="1", status="active", on="2026-05-10", note="")
        assert response.status_code == 302
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("l'étape suivante est « Acceptée »" in m for m in messages)
        structure.refresh_from_db()
        assert structure.status == StructureStatus.CANDIDATE


class TestConventionAdmin:
    def test_changelist_with_computed_columns_and_filter(self, admin_client, network):
        response = admin_client.get(changelist("convention"))
        assert response.status_code == 200
        content = response.content.decode()
        assert "fin après préavis de deux mois le 01/06/2026" in content
        filtered = admin_client.get(changelist("convention") + "?etat_convention=notice_running")
        assert list(filtered.context["cl"].result_list) == [network["notice"]]

    def test_change_page_shows_computed_state(self, admin_client, network):
        url = reverse("admin:advisors_convention_change", args=[network["notice"].pk])
        content = admin_client.get(url).content.decode()
        assert "En préavis de résiliation" in content
        assert "courrier reçu le 01/04/2026" in content

    def test_print_one_gives_a_pdf(self, admin_client, network):
        response = run_action(admin_client, "convention", "print_pdf", [network["in_force"]])
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF-")
        assert "attachment" in response["Content-Disposition"]

    def test_print_several_gives_a_zip(self, admin_client, network):
        response = run_action(admin_client, "convention", "print_pdf",
                              [network["in_force"], network["notice"]])
        assert response["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert len(names) == 2 and all(n.endswith(".pdf") for n in names)

    def test_record_formal_notice_through_intermediate_page(self, admin_client, network):
        convention = network["in_force"]
        page = run_action(admin_client, "convention", "record_formal_notice", [convention])
        assert page.status_code == 200
        assert "Date de réception" in page.content.decode()
        response = run_action(admin_client, "convention", "record_formal_notice", [convention],
                              apply="1", received_on="2026-05-04")
        assert response.status_code == 302
        convention.refresh_from_db()
        assert convention.formal_notice_received_on == date(2026, 5, 4)

    def test_invalid_date_redisplays_the_form(self, admin_client, network):
        response = run_action(admin_client, "convention", "record_formal_notice",
                              [network["in_force"]], apply="1", received_on="pas une date")
        assert response.status_code == 200
        assert response.context["form"].errors["received_on"]

    def test_record_termination_letter(self, admin_client, network):
        convention = network["in_force"]
        response = run_action(admin_client, "convention", "record_termination_letter",
                              [convention], apply="1", received_on="2026-05-11",
                              requested_end_on="")
        assert response.status_code == 302
        convention.refresh_from_db()
        assert convention.termination_letter_received_on == date(2026, 5, 11)

    def test_service_error_is_shown(self, admin_client, network):
        response = run_action(admin_client, "convention", "record_termination_letter",
                              [network["unsigned"]], apply="1", received_on="2026-05-11")
        messages = [str(m) for m in response.wsgi_request._messages]
        assert any("n'est pas signée" in m for m in messages)

    def test_record_answer(self, admin_client, network):
        convention = network["in_force"]
        Convention.objects.filter(pk=convention.pk).update(
            formal_notice_received_on=date(2026, 5, 1))
        run_action(admin_client, "convention", "record_formal_notice_answer", [convention],
                   apply="1", answered_on="2026-05-11")
        convention.refresh_from_db()
        assert convention.formal_notice_answered_on == date(2026, 5, 11)


class TestAdvisorAdmin:
    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("", {"Formée", "Pasformé"}),
            ("?forme=oui", {"Formée"}),
            ("?forme=non", {"Pasformé"}),
            ("?designation=en_cours", {"Formée", "Pasformé"}),
            ("?designation=retire", set()),
        ],
    )
    def test_changelist_filters(self, admin_client, network, query, expected):
        response = admin_client.get(changelist("advisor") + query)
        assert response.status_code == 200
        assert {a.user.last_name for a in response.context["cl"].result_list} == expected
        assert "Inviter un·e conseiller·ère" in response.content.decode()

    def test_invite_sends_an_email_and_creates_the_advisor(
        self, admin_client, network, django_capture_on_commit_callbacks
    ):
        structure = network["in_force"].structure
        url = reverse("admin:advisors_advisor_invite")
        assert admin_client.get(url).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(url, {
                "email": "Nouvelle.Conseillere@structure.test", "first_name": "Sacha",
                "last_name": "Nouvelle", "structure": structure.pk,
                "designated_on": "2026-05-12",
            })
        assert response.status_code == 302
        advisor = Advisor.objects.get(user__email="nouvelle.conseillere@structure.test")
        assert advisor.structure == structure
        assert len(mail.outbox) == 1
        assert mail.outbox[0].to == ["nouvelle.conseillere@structure.test"]

    def test_invite_error_is_a_message(self, admin_client, network):
        youth = UserFactory(email="jeune@exemple.fr")
        response = admin_client.post(reverse("admin:advisors_advisor_invite"), {
            "email": youth.email, "first_name": "A", "last_name": "B",
            "structure": network["in_force"].structure.pk, "designated_on": "2026-05-12",
        })
        assert response.status_code == 200
        assert "compte d&#x27;un ou d&#x27;une jeune" in response.content.decode()
        assert not mail.outbox

    def test_withdraw_action(self, admin_client, network):
        advisor = Advisor.objects.get(user__last_name="Pasformé")
        response = run_action(admin_client, "advisor", "withdraw", [advisor], apply="1",
                              on="2026-05-11", reason="Départ de la structure")
        assert response.status_code == 302
        advisor.refresh_from_db()
        assert advisor.withdrawn_on == date(2026, 5, 11)
        history = admin_client.get(reverse("admin:advisors_advisor_history", args=[advisor.pk]))
        assert history.status_code == 200


class TestTrainingSessionAdmin:
    def test_changelist_and_change_page(self, admin_client):
        session = TrainingSessionFactory()
        TrainingAttendanceFactory(session=session)
        TrainingAttendanceFactory(session=session, attended=False)
        response = admin_client.get(changelist("trainingsession"))
        assert response.status_code == 200
        assert response.context["cl"].result_list[0].present_count == 1
        url = reverse("admin:advisors_trainingsession_change", args=[session.pk])
        assert admin_client.get(url).status_code == 200


class TestTypedDatesAtTheCalendarEdges:
    """Tester t9b F9: a date typed near year 1 or 9999 reached the convention rules (next
    1 January, two months' notice, 30 days) and raised; every date typed in the network's
    admin is now read with the plausible-date rule (2000–2099)."""

    @pytest.mark.parametrize("typed", ["01/01/9999", "9999-12-31", "31/12/9999", "0001-01-01",
                                       "1999-12-31", "2100-01-01"])
    def test_state_page_refuses_the_date_and_shows_today(self, admin_client, network, typed):
        response = admin_client.get(reverse("admin:advisors_convention_state"), {"date": typed})
        assert response.status_code == 200
        assert response.context["on"] == TODAY
        assert "Choisissez une date entre 2000 et 2099." in response.content.decode()

    def test_state_page_reads_a_plausible_date(self, admin_client, network):
        response = admin_client.get(reverse("admin:advisors_convention_state"),
                                    {"date": "2099-12-31"})
        assert response.status_code == 200
        assert response.context["on"] == date(2099, 12, 31)

    @pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
    def test_convention_change_form_refuses_the_date(self, admin_client, network, typed):
        convention = network["in_force"]
        url = reverse("admin:advisors_convention_change", args=[convention.pk])
        response = admin_client.post(url, {
            "structure": convention.structure.pk, "signed_on": typed,
            "services_start_on": "2026-01-15", "crij_signatory_name": "A",
            "crij_signatory_title": "B", "partner_signatory_name": "C",
            "partner_signatory_title": "D", "notes": "",
        })
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["signed_on"] == [
            "Choisissez une date entre 2000 et 2099."]
        convention.refresh_from_db()
        assert convention.signed_on != date.fromisoformat(typed)

    @pytest.mark.parametrize(("action", "field"), [
        ("record_termination_letter", "received_on"),
        ("record_formal_notice", "received_on"),
    ])
    def test_letter_actions_refuse_the_date(self, admin_client, network, action, field):
        convention = network["in_force"]
        response = run_action(admin_client, "convention", action, [convention], apply="1",
                              **{field: "9999-12-31"})
        assert response.status_code == 200
        assert "Choisissez une date entre 2000 et 2099." in response.content.decode()
        convention.refresh_from_db()
        assert convention.termination_letter_received_on is None
        assert convention.formal_notice_received_on is None

    def test_training_session_form_refuses_the_date(self, admin_client):
        response = admin_client.post(reverse("admin:advisors_trainingsession_add"), {
            "kind": "initial", "title": "Formation", "date": "9999-12-31", "place": "Bordeaux",
            "attendances-TOTAL_FORMS": "0", "attendances-INITIAL_FORMS": "0",
        })
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["date"] == [
            "Choisissez une date entre 2000 et 2099."]


def _structure_form(**changes) -> dict:
    return {
        "public_name": "Info Jeunes Niort", "legal_name": "Association IJ Niort",
        "slug": "info-jeunes-niort", "kind": "info_jeunes", "siret": "73282932000074",
        "address": "3 rue Fictive", "postal_code": "79000", "commune": "Niort",
        "departement": "79", "phone": "05 49 00 00 00", "email": "ij@niort.test",
        "description": "", "latitude": "46.3237", "longitude": "-0.4588",
        "status_changes-TOTAL_FORMS": "0", "status_changes-INITIAL_FORMS": "0",
        "advisors-TOTAL_FORMS": "0", "advisors-INITIAL_FORMS": "0", **changes,
    }


class TestStructureAddressAndMapPoint:
    """Tester t9b F10 and F11: the coordinates are those of a point of the region, the postal
    code that of a commune of the chosen département, and each refusal says what to type."""

    def _errors(self, admin_client, **changes):
        response = admin_client.post(reverse("admin:advisors_structure_add"),
                                     _structure_form(**changes))
        assert response.status_code == 200
        assert not Structure.objects.filter(slug="info-jeunes-niort").exists()
        return {field: [str(e) for e in errors]
                for field, errors in response.context["adminform"].form.errors.items()}

    @pytest.mark.parametrize(("latitude", "longitude"), [
        ("999", "-999"), ("90", "0"), ("-45.6", "0.15"), ("48.85", "2.35"), ("43.6", "3.9"),
    ])
    def test_a_point_outside_the_region_is_refused(self, admin_client, latitude, longitude):
        errors = self._errors(admin_client, latitude=latitude, longitude=longitude)
        assert "latitude" in errors or "longitude" in errors
        assert all("Nouvelle-Aquitaine" in m or "chiffres" in m
                   for messages_ in errors.values() for m in messages_), errors

    def test_latitude_999_gets_the_region_message(self, admin_client):
        errors = self._errors(admin_client, latitude="999", longitude="-999")
        assert errors["latitude"] == [
            "La latitude doit être entre 42,5 et 47,45 (degrés décimaux, par exemple 44,8378 "
            "pour Bordeaux) : la structure est en Nouvelle-Aquitaine."]
        assert errors["longitude"][0].startswith("La longitude doit être entre -2,05 et 2,85")

    @pytest.mark.parametrize("typed", ["NaN", "inf", "-Infinity", "sNaN", "1e400"])
    def test_not_a_number_is_refused_not_emptied(self, admin_client, typed):
        errors = self._errors(admin_client, latitude=typed)
        assert errors["latitude"]

    def test_the_coordinates_are_typed_as_text_so_the_browser_sends_them(self, admin_client):
        page = admin_client.get(reverse("admin:advisors_structure_add")).content.decode()
        assert 'name="latitude"' in page
        assert 'type="number"' not in page.split('name="latitude"')[0].rsplit("<input", 1)[1]

    def test_french_decimal_comma_and_region_edges_are_accepted(self, admin_client):
        response = admin_client.post(reverse("admin:advisors_structure_add"),
                                     _structure_form(latitude="46,3237", longitude="-0,4588"))
        assert response.status_code == 302
        structure = Structure.objects.get(slug="info-jeunes-niort")
        assert str(structure.latitude) == "46.323700"

    @pytest.mark.parametrize(("postal_code", "departement", "expected"), [
        ("ABCDE", "79", "Le code postal a 5 chiffres (par exemple 33000)."),
        ("7900", "79", "Le code postal a 5 chiffres (par exemple 33000)."),
        ("75001", "33", "Le département 75 n'est pas en Nouvelle-Aquitaine"),
        ("33999", "33", "ne correspond à aucune commune de Nouvelle-Aquitaine"),
        ("87000", "33", "Le code postal 87000 ne dessert aucune commune du département choisi "
                        "(33) mais : Haute-Vienne (87)."),
        ("79000", "86", "ne dessert aucune commune du département choisi (86)"),
    ])
    def test_postal_code_of_the_departement(self, admin_client, postal_code, departement,
                                            expected):
        errors = self._errors(admin_client, postal_code=postal_code, departement=departement)
        assert any(expected in message for message in errors["postal_code"]), errors
        assert not any("contrainte" in m for ms in errors.values() for m in ms), errors

    @pytest.mark.parametrize(("postal_code", "departement"), [("33220", "24"), ("33220", "33")])
    def test_a_postal_code_shared_by_two_departements_fits_both(self, admin_client, postal_code,
                                                                departement):
        response = admin_client.post(reverse("admin:advisors_structure_add"), _structure_form(
            postal_code=postal_code, departement=departement, commune="Port-Sainte-Foy"))
        assert response.status_code == 302, response.context["adminform"].form.errors

    def test_change_keeps_what_was_saved_when_refused(self, admin_client, network):
        structure = network["in_force"].structure
        url = reverse("admin:advisors_structure_change", args=[structure.pk])
        data = _structure_form(slug=structure.slug, postal_code="19000", departement="19",
                               latitude="999", longitude="-999", siret=structure.siret)
        response = admin_client.post(url, data)
        assert response.status_code == 200
        structure.refresh_from_db()
        assert structure.latitude is None and structure.postal_code == "19000"


def _convention_form(structure, **overrides):
    return {"structure": structure.pk, "signed_on": "", "services_start_on": "",
            "crij_signatory_name": "A", "crij_signatory_title": "B",
            "partner_signatory_name": "C", "partner_signatory_title": "D", "notes": "",
            **overrides}


class TestConventionDates:
    """Tester t9b F13: admin → Conventions → Ajouter keeps to the convention's date rules and
    to one convention at a time per structure (today is 12/05/2026)."""

    def _add(self, admin_client, structure, **dates):
        return admin_client.post(reverse("admin:advisors_convention_add"),
                                 _convention_form(structure, **dates))

    def test_a_first_convention_is_added(self, admin_client):
        structure = StructureFactory()
        response = self._add(admin_client, structure, signed_on="2026-05-12",
                             services_start_on="2026-06-01")
        assert response.status_code == 302
        convention = Convention.objects.get(structure=structure)
        assert convention.history.first().history_change_reason == "Convention ajoutée"

    def test_services_before_the_signature_are_refused(self, admin_client):
        structure = StructureFactory()
        response = self._add(admin_client, structure, signed_on="2026-05-01",
                             services_start_on="2026-01-01")
        assert response.status_code == 200
        assert response.context["adminform"].form.errors["services_start_on"] == [
            "Les services ne peuvent pas commencer (01/01/2026) avant la signature de la "
            "convention (01/05/2026) : indiquez le jour de la signature ou un jour suivant."]
        assert not Convention.objects.exists()

    @pytest.mark.parametrize("signed_on", ["2026-05-13", "2027-01-01", "2099-12-31"])
    def test_a_signature_in_the_future_is_refused(self, admin_client, signed_on):
        response = self._add(admin_client, StructureFactory(), signed_on=signed_on)
        assert response.status_code == 200
        [error] = response.context["adminform"].form.errors["signed_on"]
        assert "est dans le futur" in error
        assert not Convention.objects.exists()

    def test_a_second_convention_in_force_is_refused_naming_the_first(self, admin_client,
                                                                      network):
        structure = network["in_force"].structure
        response = self._add(admin_client, structure, signed_on="2026-05-01")
        assert response.status_code == 200
        [error] = response.context["adminform"].form.errors["signed_on"]
        assert "déjà une convention signée le 01/03/2024, toujours en vigueur" in error
        assert structure.conventions.count() == 1

    def test_after_the_notice_a_new_convention_may_follow(self, admin_client):
        ended = ConventionFactory(termination_letter_received_on=date(2026, 1, 10))
        structure = ended.structure  # last day in force: 10/03/2026
        refused = self._add(admin_client, structure, signed_on="2026-03-10")
        assert "en vigueur jusqu&#x27;au 10/03/2026" in refused.content.decode()
        response = self._add(admin_client, structure, signed_on="2026-03-11",
                             services_start_on="2026-06-15")
        assert response.status_code == 302
        assert structure.conventions.count() == 2

    def test_a_change_keeps_what_was_saved_when_refused(self, admin_client, network):
        convention = network["in_force"]
        url = reverse("admin:advisors_convention_change", args=[convention.pk])
        response = admin_client.post(url, _convention_form(
            convention.structure, signed_on="2024-03-01", services_start_on="2024-02-01"))
        assert response.status_code == 200
        convention.refresh_from_db()
        assert convention.services_start_on == date(2024, 3, 21)

    def test_a_concurrent_save_is_a_message_not_a_500(self, admin_client, monkeypatch):
        structure = StructureFactory()

        def refuse(**kwargs):
            raise services.NetworkError("Une autre convention vient d'être enregistrée.")

        monkeypatch.setattr(services, "convention_save", refuse)
        response = self._add(admin_client, structure, signed_on="2026-05-12")
        assert response.status_code == 302
        assert response.url == reverse("admin:advisors_convention_add")
        assert not Convention.objects.exists()
        page = admin_client.get(response.url)
        assert "Une autre convention vient d" in page.content.decode()

    def test_a_signed_convention_not_started_says_from_when(self, admin_client):
        ConventionFactory(structure__public_name="Info Jeunes Agen",
                          signed_on=date(2026, 5, 4), services_start_on=date(2026, 6, 1))
        for url in (changelist("convention"), reverse("admin:advisors_convention_state"),
                    changelist("structure")):
            page = admin_client.get(url).content.decode()
            assert "Signée, services à partir du 01/06/2026" in page, url
            assert ">Non signée</td>" not in page, url


class TestInviteOnlyAdvisorAccounts:
    """Tester t9b F14: only an advisor account is designated, on a day at most a year ahead;
    a refusal says why and what to do, and writes or sends nothing."""

    def _invite(self, admin_client, structure, **overrides):
        return admin_client.post(reverse("admin:advisors_advisor_invite"), {
            "email": "nouvelle@structure.test", "first_name": "Sacha", "last_name": "Nouvelle",
            "structure": structure.pk, "designated_on": "2026-05-12", **overrides})

    @pytest.mark.parametrize(("role", "message"), [
        ("coordinator", "compte de coordination (CRIJ) : ce compte ne peut pas proposer"),
        ("youth", "compte d&#x27;un ou d&#x27;une jeune"),
    ])
    def test_an_account_that_is_not_an_advisors_is_refused(self, admin_client, network, role,
                                                          message):
        account = UserFactory(email="Compte@Exemple.fr", role=role)
        response = self._invite(admin_client, network["in_force"].structure,
                                email="compte@exemple.FR")
        assert response.status_code == 200
        assert message in response.content.decode()
        assert "Invitez la personne avec" in response.content.decode()
        assert not Advisor.objects.filter(user=account).exists()
        assert not mail.outbox

    def test_the_coordinators_own_address_is_refused(self, admin_client, network, coordinator):
        response = self._invite(admin_client, network["in_force"].structure,
                                email=coordinator.email)
        assert "compte de coordination" in response.content.decode()
        assert not Advisor.objects.filter(user=coordinator).exists()

    @pytest.mark.parametrize(("typed", "message"), [
        ("9999-12-31", "Choisissez une date entre 2000 et 2099."),
        ("2099-12-31", "au plus tard le 12/05/2027"),
        ("2027-05-13", "au plus tard le 12/05/2027"),
    ])
    def test_a_designation_too_far_ahead_is_refused(self, admin_client, network, typed, message):
        response = self._invite(admin_client, network["in_force"].structure,
                                designated_on=typed)
        assert response.status_code == 200
        [error] = response.context["form"].errors["designated_on"]
        assert message in error
        assert not Advisor.objects.filter(user__email="nouvelle@structure.test").exists()
        assert not mail.outbox

    def test_a_designation_a_year_ahead_is_accepted(self, admin_client, network,
                                                   django_capture_on_commit_callbacks):
        with django_capture_on_commit_callbacks(execute=True):
            response = self._invite(admin_client, network["in_force"].structure,
                                    designated_on="2027-05-12")
        assert response.status_code == 302
        assert Advisor.objects.get(user__email="nouvelle@structure.test").designated_on == (
            date(2027, 5, 12))

    def test_the_change_form_refuses_a_date_too_far_ahead(self, admin_client, network):
        advisor = Advisor.objects.get(user__last_name="Formée")
        url = reverse("admin:advisors_advisor_change", args=[advisor.pk])
        response = admin_client.post(url, {"structure": advisor.structure.pk,
                                           "designated_on": "2030-01-01"})
        assert response.status_code == 200
        assert "au plus tard le 12/05/2027" in response.content.decode()
        advisor.refresh_from_db()
        assert advisor.designated_on == date(2024, 3, 1)
