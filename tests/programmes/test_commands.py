"""import_programmes / export_programmes / match on files written by hand."""

import json
import re
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.forms.models import model_to_dict

from programmes.models import ProgrammeSheet

PVT_CANADA = {
    "slug": "pvt-canada",
    "title": "Programme vacances-travail Canada",
    "summary": "Un an pour voyager et travailler au Canada.",
    "description": "Texte long, Markdown.",
    "domains": ["working_holiday"],
    "destinations": {"zones": [], "countries": ["CA"]},
    "age": {"min": 18, "max": 35, "reference": "application"},
    "statuses": ["any"],
    "nationalities": ["FR"],
    "education_min": None,
    "languages": [{"language": "en", "level": "B1", "required": False}],
    "duration_weeks": {"min": 1, "max": 104},
    "budget_min_eur": 1700,
    "cost": {"participant_eur": 0, "funding": "Aucun financement."},
    "disability_age_max": None,
    "application": {"deadline": None,
                    "periods": "Tirages au sort de novembre à l'automne suivant."},
    "organiser": "Immigration, Réfugiés et Citoyenneté Canada",
    "url": "https://example.org/pvt-canada",
    "last_reviewed": "2026-10-01",
}
# Minimal sheet: only the required keys, everything else means « no condition ».
PVT_JAPON = {
    "slug": "pvt-japon",
    "title": "Visa vacances-travail Japon",
    "summary": "Un an au Japon.",
    "domains": ["working_holiday"],
    "destinations": {"countries": ["JP"]},
    "age": {"min": 18, "max": 30},
    "duration_weeks": {"min": 4.35, "max": 52},
    "url": "https://example.org/pvt-japon",
}
PROFILE = {
    "birth_date": "1996-04-12",
    "postal_code": "33000",
    "nationality": "FR",
    "status": "employee",
    "education_level": "bac+3",
    "disability": False,
    "languages": [{"language": "en", "level": "B2"}, {"language": "es", "level": "A2"}],
    "budget_eur": 1500,
    "wishes": {
        "domains": ["working_holiday", "job"],
        "zones": ["oceania"],
        "countries": ["CA", "JP"],
        "duration_weeks": {"min": 26, "max": 52},
        "departure": "2027-09-01",
    },
}

pytestmark = pytest.mark.django_db


def write(tmp_path, name, data) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def db_state():
    return [model_to_dict(sheet) | {"updated_at": sheet.updated_at,
                                    "created_at": sheet.created_at}
            for sheet in ProgrammeSheet.objects.order_by("slug")]


def test_import_creates_then_updates_by_slug(tmp_path):
    out = StringIO()
    call_command("import_programmes", write(tmp_path, "a.json", [PVT_CANADA, PVT_JAPON]),
                 stdout=out)
    assert "2 fiche(s) valide(s) — créées : 2, mises à jour : 0, inchangées : 0." in out.getvalue()
    canada = ProgrammeSheet.objects.get(slug="pvt-canada")
    assert canada.publication == "published"
    assert canada.budget_min_eur == 1700
    japon = ProgrammeSheet.objects.get(slug="pvt-japon")
    assert japon.statuses == ["any"]
    assert japon.nationalities is None
    assert japon.duration_min_weeks == Decimal("4.35")
    assert "c:JP" in japon.filter_index

    changed = {**PVT_CANADA, "budget_min_eur": 2000}
    out = StringIO()
    call_command("import_programmes", write(tmp_path, "b.json", [changed, PVT_JAPON]), stdout=out)
    assert "créées : 0, mises à jour : 1, inchangées : 1." in out.getvalue()
    assert ProgrammeSheet.objects.get(slug="pvt-canada").budget_min_eur == 2000


def test_dry_run_writes_nothing(tmp_path):
    out = StringIO()
    call_command("import_programmes", write(tmp_path, "a.json", [PVT_CANADA]), "--dry-run",
                 stdout=out)
    assert "à créer : 1, à mettre à jour : 0, inchangées : 0 (essai" in out.getvalue()
    assert not ProgrammeSheet.objects.exists()


BAD_CASES = [
    pytest.param({**PVT_CANADA, "colour": "red"}, "pvt-canada: colour: clé inconnue",
                 id="unknown-key"),
    pytest.param({**PVT_CANADA, "age": {"min": 18, "max": 35, "ref": "x"}},
                 "pvt-canada: age.ref: clé inconnue", id="unknown-nested-key"),
    pytest.param({**PVT_CANADA, "domains": ["surf"]},
                 "pvt-canada: domains: domaine inconnu(s) : surf", id="unknown-domain"),
    pytest.param({**PVT_CANADA, "destinations": {"zones": ["mars"], "countries": []}},
                 "pvt-canada: destinations.zones: zone inconnu(s) : mars", id="unknown-zone"),
    pytest.param({**PVT_CANADA, "destinations": {"countries": ["XX"]}},
                 "pvt-canada: destinations.countries: code pays inconnu(s) : XX",
                 id="unknown-country"),
    pytest.param({**PVT_CANADA, "age": {"min": 36, "max": 35}},
                 "pvt-canada: age: le minimum dépasse le maximum", id="age-range"),
    pytest.param({**PVT_CANADA, "age": {"min": "18"}},
                 "pvt-canada: age.min: entier positif ou null attendu", id="age-type"),
    pytest.param({**PVT_CANADA, "statuses": ["any", "student"]},
                 "pvt-canada: statuses: « any » ne se combine pas avec d'autres statuts",
                 id="any-with-status"),
    pytest.param({**PVT_CANADA, "nationalities": ["EU", "ZZ"]},
                 "pvt-canada: nationalities: nationalité inconnu(s) : ZZ", id="nationality"),
    pytest.param({**PVT_CANADA, "education_min": "master"},
                 "pvt-canada: education_min: niveau inconnu : master", id="education"),
    pytest.param({**PVT_CANADA, "languages": [{"language": "en", "level": "B3",
                                               "required": True}]},
                 "pvt-canada: languages: niveau inconnu : B3 (A1 à C2)", id="cefr-level"),
    pytest.param({**PVT_CANADA, "duration_weeks": {"min": 10, "max": 2}},
                 "pvt-canada: duration_weeks: le minimum dépasse le maximum", id="duration"),
    pytest.param({**PVT_CANADA, "application": {"deadline": "01/03/2027", "periods": ""}},
                 "pvt-canada: application.deadline: date attendue au format AAAA-MM-JJ",
                 id="deadline-format"),
    pytest.param({**PVT_CANADA, "url": "pas une adresse"},
                 "pvt-canada: url: adresse web http(s) invalide", id="url"),
    pytest.param({**PVT_CANADA, "publication": "online"},
                 "pvt-canada: publication: « published », « draft » ou « archived » attendu",
                 id="publication"),
    pytest.param({key: value for key, value in PVT_CANADA.items() if key != "title"},
                 "pvt-canada: title: clé obligatoire manquante", id="missing-title"),
    pytest.param({**PVT_CANADA, "slug": "PVT Canada"},
                 "PVT Canada: slug: minuscules, chiffres et tirets attendus (100 caractères au "
                 "plus)", id="bad-slug"),
    pytest.param({**PVT_CANADA, "disability_age_max": 30},
                 "pvt-canada: disability_age_max: ne peut pas être inférieur à age.max",
                 id="disability-below-max"),
    pytest.param({**PVT_CANADA, "residence": {"departements": ["33", "99"]}},
                 "pvt-canada: residence.departements: département inconnu(s) : 99",
                 id="unknown-departement"),
    pytest.param({**PVT_CANADA, "residence": {"departements": []}},
                 "pvt-canada: residence.departements: ne doit pas être vide",
                 id="empty-residence"),
    pytest.param({**PVT_CANADA, "residence": {}},
                 "pvt-canada: residence.departements: clé obligatoire manquante",
                 id="residence-without-departements"),
    pytest.param({**PVT_CANADA, "residence": {"departements": ["33"], "communes": []}},
                 "pvt-canada: residence.communes: clé inconnue", id="residence-unknown-key"),
    pytest.param({**PVT_CANADA, "verification": {"status": "to_verify", "note": " "}},
                 "pvt-canada: verification.note: dites ce qui reste à vérifier",
                 id="to-verify-without-note"),
    pytest.param({**PVT_CANADA, "verification": {"status": "verified", "note": "le quota"}},
                 "pvt-canada: verification.note: une fiche vérifiée n'a pas de note : "
                 "« status » doit valoir « to_verify »", id="verified-with-note"),
    pytest.param({**PVT_CANADA, "verification": {"status": "maybe"}},
                 "pvt-canada: verification.status: « verified » ou « to_verify » attendu",
                 id="unknown-verification"),
]


@pytest.mark.parametrize(("bad_sheet", "message"), BAD_CASES)
def test_any_invalid_sheet_rejects_the_whole_file(tmp_path, bad_sheet, message):
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_programmes", write(tmp_path, "bad.json", [PVT_JAPON, bad_sheet]),
                     stderr=err)
    assert message in err.getvalue().splitlines()
    assert not ProgrammeSheet.objects.exists()


def test_every_error_is_listed(tmp_path):
    second = {**PVT_JAPON, "colour": "red", "age": {"min": 40, "max": 30}}
    err = StringIO()
    with pytest.raises(CommandError, match="10 erreur"):
        call_command("import_programmes",
                     write(tmp_path, "bad.json", [{**PVT_CANADA, "domains": []}, second,
                                                  PVT_JAPON, {"title": 3}]), stderr=err)
    assert err.getvalue().splitlines() == [
        "pvt-canada: domains: ne doit pas être vide",
        "pvt-japon: colour: clé inconnue",
        "pvt-japon: age: le minimum dépasse le maximum",
        "pvt-japon: slug: en double (déjà en position 2)",
        "#4: slug: clé obligatoire manquante",
        "#4: summary: clé obligatoire manquante",
        "#4: domains: clé obligatoire manquante",
        "#4: destinations: clé obligatoire manquante",
        "#4: url: clé obligatoire manquante",
        "#4: title: texte attendu",
    ]


@pytest.mark.parametrize(("content", "message"), [
    pytest.param("{not json", "JSON invalide", id="bad-json"),
    pytest.param('{"slug": "x"}', "une liste JSON de fiches est attendue", id="not-a-list"),
])
def test_bad_files_give_a_clear_error(tmp_path, content, message):
    path = tmp_path / "f.json"
    path.write_text(content, encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_programmes", str(path), stderr=err)
    assert message in str(raised.value) + err.getvalue()


# Texts that no stored text may hold (tester t9b F1): NUL (PostgreSQL cannot store it), other
# control characters, lone surrogates; in any key of any depth, reported by path, nothing written.
@pytest.mark.parametrize(("sheet", "message"), [
    pytest.param({**PVT_CANADA, "title": "a\u0000b"}, "pvt-canada: title: caractère nul interdit",
                 id="nul-title"),
    pytest.param({**PVT_CANADA, "description": "ligne\u0007"},
                 "pvt-canada: description: caractère de contrôle U+0007 interdit", id="bell"),
    pytest.param({**PVT_CANADA, "cost": {"participant_eur": 0, "funding": "x\u001b[31m"}},
                 "pvt-canada: cost.funding: caractère de contrôle U+001B interdit",
                 id="nested-escape"),
    pytest.param({**PVT_CANADA, "domains": ["job\u0000"]},
                 "pvt-canada: domains[0]: caractère nul interdit", id="nul-in-a-code"),
    pytest.param({**PVT_CANADA, "verification": {"status": "to_verify", "note": "\ud800"}},
                 "pvt-canada: verification.note: caractère invalide U+D800 (moitié de paire "
                 "UTF-16)", id="lone-surrogate"),
    pytest.param({**PVT_CANADA, "slug": "pvt\u0000"}, "#2: slug: caractère nul interdit",
                 id="nul-in-the-slug"),
    pytest.param({**PVT_CANADA, "ti\u0000tle": "x"},
                 "pvt-canada: (racine): nom de clé : caractère nul interdit", id="nul-in-a-key"),
    # Invisible characters (tester t9d #3): zero-width space, byte-order mark, line separator,
    # a direction override, a noncharacter.
    *(pytest.param({**PVT_CANADA, "title": f"PVT{character}Canada"},
                   f"pvt-canada: title: caractère invisible U+{ord(character):04X} interdit",
                   id=f"invisible-{ord(character):04X}")
      for character in "\u200b\ufeff\u2028\u202e\uffff"),
])
def test_forbidden_characters_are_refused_per_field(tmp_path, sheet, message):
    path = tmp_path / "bad.json"
    # Written with JSON escapes (« \\u0000 »), as the tester's file.
    path.write_text(json.dumps([PVT_JAPON, sheet]), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_programmes", str(path), stderr=err)
    assert err.getvalue().splitlines() == [message]
    assert not ProgrammeSheet.objects.exists()


def test_tab_and_line_breaks_are_kept(tmp_path):
    sheet = {**PVT_CANADA, "description": "Ligne 1\r\n\tLigne 2\nFin"}
    call_command("import_programmes", write(tmp_path, "ok.json", [sheet]), stdout=StringIO())
    assert ProgrammeSheet.objects.get().description == "Ligne 1\r\n\tLigne 2\nFin"


def test_the_joiners_and_the_soft_hyphen_that_scripts_and_emoji_need_are_kept(tmp_path):
    description = "co\u00adopération · می\u200cخواهم · 👩\u200d💻 · 🫨"
    sheet = {**PVT_CANADA, "description": description}
    call_command("import_programmes", write(tmp_path, "ok.json", [sheet]), stdout=StringIO())
    assert ProgrammeSheet.objects.get().description == description


# Hostile files (tester t9b F2): every decoder failure is one French line, no traceback.
@pytest.mark.parametrize(("content", "message"), [
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "JSON trop imbriqué", id="deep-list"),
    pytest.param(b'{"a":' * 100_000 + b"1" + b"}" * 100_000, "JSON trop imbriqué",
                 id="deep-object"),
    pytest.param(b"[" + b"9" * 5000 + b"]", "JSON illisible : un nombre a plus de 4300 chiffres",
                 id="huge-integer"),
    pytest.param("[]".encode("utf-16"), "pas en UTF-8 (octet de début invalide, octet 1)",
                 id="utf-16"),
    pytest.param("[\"é\"]".encode("latin-1"), "pas en UTF-8 (octet de suite invalide, octet 3)",
                 id="latin-1"),
    pytest.param(b"", "JSON invalide, ligne 1, colonne 1 : valeur attendue", id="empty"),
    pytest.param(b"[1,\n2,]", "JSON invalide, ligne 2, colonne 3 : valeur attendue",
                 id="trailing-comma"),
    pytest.param(b'[{"a": 1,}]', "nom de clé entre guillemets droits attendu", id="object-comma"),
    pytest.param(b'["a\x01"]', "caractère de contrôle dans un texte", id="raw-control"),
    pytest.param(b'["a\\q"]', "séquence d'échappement invalide", id="bad-escape"),
    pytest.param(b'["\\u12"]', "séquence \\u invalide", id="bad-u-escape"),
    pytest.param(b"[] []", "du contenu suit la fin du document JSON", id="extra-data"),
    pytest.param(b'["a', "texte sans guillemet fermant", id="unterminated"),
])
def test_hostile_files_give_one_french_line(tmp_path, content, message):
    path = tmp_path / "f.json"
    path.write_bytes(content)
    for command in ("import_programmes", "match"):
        with pytest.raises(CommandError) as raised:
            call_command(command, str(path), stdout=StringIO(), stderr=StringIO())
        assert message in str(raised.value)
        assert "\n" not in str(raised.value)
        assert not re.search(r"Expect|Invalid|Unexpected|Exceeds|byte|sys\.", str(raised.value))


def test_a_utf8_bom_is_harmless(tmp_path):
    """Some Windows editors write a byte order mark first: it holds no data (tester t9c #8)."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([PVT_JAPON]).encode())
    call_command("import_programmes", str(path), stdout=StringIO())
    assert ProgrammeSheet.objects.get().slug == "pvt-japon"


@pytest.mark.parametrize("character", ["\u0080", "\u0085", "\u009f"])
def test_c1_control_characters_are_refused(tmp_path, character):
    path = tmp_path / "c1.json"
    path.write_text(json.dumps([{**PVT_CANADA, "title": f"a{character}b"}]), encoding="utf-8")
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_programmes", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        f"pvt-canada: title: caractère de contrôle U+{ord(character):04X} interdit"]


@pytest.mark.parametrize("where", ["budget_min_eur", "cost.participant_eur"])
@pytest.mark.parametrize("amount", [10**20, 2**31, 9223372036854775807, 1_000_001])
def test_amounts_have_the_formats_bound(tmp_path, where, amount):
    sheet = ({**PVT_CANADA, "budget_min_eur": amount} if where == "budget_min_eur"
             else {**PVT_CANADA, "cost": {"participant_eur": amount}})
    err = StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_programmes", write(tmp_path, "big.json", [sheet]), stderr=err)
    assert err.getvalue().splitlines() == [f"pvt-canada: {where}: 1 000 000 au plus"]


def test_the_largest_amount_is_kept(tmp_path):
    sheet = {**PVT_CANADA, "budget_min_eur": 1_000_000, "cost": {"participant_eur": 1_000_000}}
    call_command("import_programmes", write(tmp_path, "ok.json", [sheet]), stdout=StringIO())
    assert ProgrammeSheet.objects.get().cost_participant_eur == 1_000_000


def test_match_refuses_forbidden_characters(tmp_path):
    path = tmp_path / "p.json"
    path.write_text(json.dumps({**PROFILE, "status": "employee\u0000"}), encoding="utf-8")
    with pytest.raises(CommandError) as raised:
        call_command("match", str(path), stdout=StringIO())
    assert "status : caractère nul interdit" in str(raised.value)


def test_missing_file(tmp_path):
    with pytest.raises(CommandError, match="Fichier introuvable"):
        call_command("import_programmes", str(tmp_path / "absent.json"))


def test_export_then_import_changes_nothing(tmp_path):
    draft = {**PVT_JAPON, "slug": "brouillon", "publication": "draft"}
    call_command("import_programmes", write(tmp_path, "in.json", [PVT_CANADA, PVT_JAPON, draft]),
                 stdout=StringIO())
    first = tmp_path / "export1.json"
    call_command("export_programmes", str(first), stdout=StringIO())
    exported = json.loads(first.read_text(encoding="utf-8"))
    assert [item["slug"] for item in exported] == ["pvt-canada", "pvt-japon"]
    assert exported[0] == {**PVT_CANADA, "publication": "published", "residence": None,
                           "verification": {"status": "verified", "note": ""}}
    assert exported[1]["duration_weeks"] == {"min": 4.35, "max": 52}

    before = db_state()
    history_before = ProgrammeSheet.history.count()
    out = StringIO()
    call_command("import_programmes", str(first), stdout=out)
    assert "créées : 0, mises à jour : 0, inchangées : 2." in out.getvalue()
    assert db_state() == before
    assert ProgrammeSheet.history.count() == history_before
    second = tmp_path / "export2.json"
    call_command("export_programmes", str(second), stdout=StringIO())
    assert second.read_bytes() == first.read_bytes()


def test_residence_and_verification_round_trip(tmp_path):
    local = {**PVT_JAPON, "slug": "bourse-gironde", "residence": {"departements": ["33", "2A"]},
             "verification": {"status": "to_verify", "note": "le montant de l'année."}}
    call_command("import_programmes", write(tmp_path, "in.json", [local]), stdout=StringIO())
    sheet = ProgrammeSheet.objects.get(slug="bourse-gironde")
    assert sheet.residence_departements == ["33", "2A"]
    assert (sheet.verification, sheet.verification_note) == ("to_verify",
                                                             "le montant de l'année.")
    exported = tmp_path / "out.json"
    call_command("export_programmes", str(exported), stdout=StringIO())
    element = json.loads(exported.read_text(encoding="utf-8"))[0]
    assert element["residence"] == {"departements": ["33", "2A"]}
    assert element["verification"] == {"status": "to_verify", "note": "le montant de l'année."}
    out = StringIO()
    call_command("import_programmes", str(exported), stdout=out)
    assert "inchangées : 1." in out.getvalue()


# --- match ---------------------------------------------------------------------------------

def test_match_prints_the_format(tmp_path):
    call_command("import_programmes", write(tmp_path, "in.json", [PVT_CANADA, PVT_JAPON]),
                 stdout=StringIO())
    out = StringIO()
    call_command("match", write(tmp_path, "profile.json", PROFILE), "--date", "2027-05-01",
                 stdout=out)
    data = json.loads(out.getvalue())
    assert data == {
        "date": "2027-05-01",
        "results": [{
            "slug": "pvt-canada",
            "rank": 1,
            # Every wish met; open to any status (0.5 × 0.06); a budget 12 % short of the
            # minimum (0.8 × 1500 / 1700 × 0.10): 0.26 + 0.24 + 0.14 + 0.08 + 0.03 + 0.0706
            # + 0.08 + 0.04 = 0.9406.
            "score": 0.94,
            "reason": "Destination : Canada, comme souhaité",
            "met": [
                "Âge : 31 ans, accepté de 18 à 35 ans",
                "Nationalité : France, acceptée",
                "Domaine : vacances-travail (PVT), comme souhaité",
                "Destination : Canada, comme souhaité",
                "Durée : de 1 semaine à 24 mois, couvre votre souhait (de 6 à 12 mois)",
                "Niveau d'anglais B1 conseillé : vous indiquez B2",
            ],
            "missing": ["Budget conseillé 1 700 € : vous indiquez 1 500 €"],
            "components": {"domains": 1.0, "destination": 1.0, "duration": 1.0, "timing": 1.0,
                           "status": 0.5, "budget": 0.71, "languages": 1.0,
                           "certainty": 1.0},
        }],
        "near_misses": [{"slug": "pvt-japon", "blocking": ["Âge : 31 ans, limite 30 ans"]}],
    }


def test_match_ignores_unpublished_sheets_and_limits(tmp_path):
    sheets = [{**PVT_CANADA, "slug": f"pvt-{n}"} for n in range(3)]
    sheets.append({**PVT_CANADA, "slug": "archive", "publication": "archived"})
    call_command("import_programmes", write(tmp_path, "in.json", sheets), stdout=StringIO())
    out = StringIO()
    call_command("match", write(tmp_path, "p.json", PROFILE), "--date", "2026-11-23",
                 "--limit", "2", stdout=out)
    assert [item["slug"] for item in json.loads(out.getvalue())["results"]] == ["pvt-0", "pvt-1"]


@pytest.mark.parametrize(("profile", "args", "message"), [
    pytest.param({**PROFILE, "hair": "brown"}, [], "hair : clé inconnue", id="unknown-key"),
    pytest.param({**PROFILE, "wishes": {"zones": ["moon"]}}, [],
                 "wishes.zones : code(s) inconnu(s) : moon", id="unknown-zone"),
    pytest.param({**PROFILE, "birth_date": "12/04/1996"}, [],
                 "birth_date : date attendue au format AAAA-MM-JJ", id="bad-date"),
    pytest.param({k: v for k, v in PROFILE.items() if k != "birth_date"}, [],
                 "birth_date : clé obligatoire manquante", id="missing-birth-date"),
    pytest.param(["not", "an", "object"], [], "un objet JSON est attendu", id="not-object"),
    pytest.param(PROFILE, ["--date", "2026-13-01"], "--date", id="bad-date-option"),
    pytest.param(PROFILE, ["--limit", "zero"], "--limit", id="bad-limit"),
])
def test_match_bad_input_is_a_command_error(tmp_path, profile, args, message):
    with pytest.raises(CommandError) as raised:
        call_command("match", write(tmp_path, "p.json", profile), *args, stdout=StringIO())
    assert message in str(raised.value)


# --- Kosovo (XK): read, written, shown and matched like any country ---------------------------

ESC_KOSOVO = {**PVT_JAPON, "slug": "esc-kosovo", "title": "Corps européen de solidarité",
              "domains": ["volunteering"], "destinations": {"zones": [], "countries": ["XK"]},
              "age": {"min": 18, "max": 30}, "nationalities": ["XK", "EU"]}


def test_kosovo_is_read_written_shown_and_matched_in_europe(tmp_path):
    from vocabulary import codes

    call_command("import_programmes", write(tmp_path, "in.json", [ESC_KOSOVO]),
                 stdout=StringIO())
    sheet = ProgrammeSheet.objects.get(slug="esc-kosovo")
    assert sheet.destination_countries == ["XK"]
    exported = tmp_path / "out.json"
    call_command("export_programmes", str(exported), stdout=StringIO())
    assert json.loads(exported.read_text(encoding="utf-8"))[0]["destinations"]["countries"] == [
        "XK"]
    assert codes.country_name("XK") == "Kosovo"
    assert "europe" in codes.country_zones()["XK"]
    wishes_europe = {**PROFILE, "birth_date": "2002-04-12", "nationality": "XK",
                     "wishes": {"domains": ["volunteering"], "zones": ["europe"]}}
    out = StringIO()
    call_command("match", write(tmp_path, "p.json", wishes_europe), "--date", "2027-05-01",
                 stdout=out)
    (result,) = json.loads(out.getvalue())["results"]
    assert result["slug"] == "esc-kosovo"
    assert "Destination : Europe, comme souhaité (Kosovo)" in result["met"]
    assert "Nationalité : Kosovo, acceptée" in result["met"]


def test_kosovo_is_offered_in_the_forms():
    from matching.forms import ProfileForm
    from programmes.forms import CatalogueFilterForm, ProposalForm

    profile = ProfileForm()
    for field in (profile.fields["wish_countries"], profile.fields["nationality"],
                  ProposalForm().fields["destination_countries"],
                  CatalogueFilterForm().fields["country"]):
        assert dict(field.choices)["XK"] == "Kosovo"
