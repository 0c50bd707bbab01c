"""``build_communes`` rebuilds the committed extract from the npm package (here a small package
made by the test, in the layout of @etalab/decoupage-administratif)."""

import json
import tarfile

import pytest
from django.core.management import CommandError, call_command

from territory import extract

PACKAGE_JSON = {"name": "@etalab/decoupage-administratif", "version": "9.9.9", "license": "MIT"}
DEPARTEMENTS = [{"code": code, "nom": f"Département {code}", "region": "75"}
                for code in extract.REGION_DEPARTEMENTS] + [
    {"code": "31", "nom": "Haute-Garonne", "region": "76"}]
COMMUNES = [
    {"code": "33318", "nom": "Pessac", "type": "commune-actuelle", "departement": "33",
     "codesPostaux": ["33600"], "population": 66760},
    {"code": "33063", "nom": "Bordeaux", "type": "commune-actuelle", "departement": "33",
     "codesPostaux": ["33800", "33000"], "population": 267991},
    {"code": "31555", "nom": "Toulouse", "type": "commune-actuelle", "departement": "31",
     "codesPostaux": ["31000"], "population": 511684},
    {"code": "16010", "nom": "Ambleville", "type": "commune-deleguee", "departement": "16",
     "chefLieu": "16186"},
    {"code": "16186", "nom": "Lignières-Ambleville", "type": "commune-actuelle",
     "departement": "16", "codesPostaux": ["16130"], "population": 600},
    {"code": "16186", "nom": "Lignières-Ambleville", "type": "commune-deleguee",
     "departement": "16", "chefLieu": "16186"},
]


def _package(tmp_path, **overrides):
    root = tmp_path / "package"
    (root / "data").mkdir(parents=True)
    files = {"package.json": PACKAGE_JSON, "data/communes.json": COMMUNES,
             "data/departements.json": DEPARTEMENTS, **overrides}
    for name, content in files.items():
        (root / name).write_text(json.dumps(content), encoding="utf-8")
    tarball = tmp_path / "etalab-decoupage-administratif-9.9.9.tgz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(root, arcname="package")
    return tarball


def test_builds_the_extract_of_the_region_with_its_source(tmp_path):
    output = tmp_path / "communes.json"
    call_command("build_communes", source=_package(tmp_path), output=output)
    data = json.loads(output.read_text(encoding="utf-8"))
    assert data["source"]["package"] == "@etalab/decoupage-administratif"
    assert data["source"]["version"] == "9.9.9"
    assert "Licence Ouverte" in data["source"]["licence"]
    assert list(data["departements"]) == list(extract.REGION_DEPARTEMENTS)
    assert data["communes"] == [  # by INSEE code, outside the region left out
        ["16186", "Lignières-Ambleville", "16", ["16130"], 600],
        ["33063", "Bordeaux", "33", ["33000", "33800"], 267991],
        ["33318", "Pessac", "33", ["33600"], 66760],
    ]
    # A former commune under its own name only (not the delegated one of the same name).
    assert data["former_communes"] == [["16010", "Ambleville", "16186"]]


def test_reads_an_unpacked_package_the_same_way(tmp_path):
    _package(tmp_path)
    from_dir, from_tgz = tmp_path / "a.json", tmp_path / "b.json"
    call_command("build_communes", source=tmp_path, output=from_dir)
    call_command("build_communes", source=tmp_path / "etalab-decoupage-administratif-9.9.9.tgz",
                 output=from_tgz)
    assert from_dir.read_text() == from_tgz.read_text()


def test_refuses_another_package_or_a_missing_departement(tmp_path):
    with pytest.raises(CommandError, match="expected the package"):
        call_command("build_communes", output=tmp_path / "x.json",
                     source=_package(tmp_path / "a", **{"package.json": {"name": "codes"}}))
    with pytest.raises(CommandError, match="départements missing from the package: 87"):
        call_command("build_communes", output=tmp_path / "x.json", source=_package(
            tmp_path / "b", **{"data/departements.json": DEPARTEMENTS[:11]}))
    assert not (tmp_path / "x.json").exists()


def test_the_committed_extract_is_what_the_command_writes(tmp_path):
    """Rebuilding from the committed extract's own rows gives the same bytes (the layout is
    stable, so a rebuild shows only real changes in a diff)."""
    committed = json.loads(extract.DATA_FILE.read_text(encoding="utf-8"))
    again = tmp_path / "communes.json"
    extract.write_extract(committed, again)
    assert again.read_text(encoding="utf-8") == extract.DATA_FILE.read_text(encoding="utf-8")
    assert len(committed["communes"]) > 4000
