"""Build the committed extract of communes (``territory/data/communes.json``) from the npm
package ``@etalab/decoupage-administratif``.

The package publishes the Code officiel géographique of INSEE with La Poste's postal codes
(data: Licence Ouverte / Open Licence 2.0 of Etalab; package code: MIT). We keep the 12
départements of Nouvelle-Aquitaine: their current communes (name, INSEE code, postal codes,
population) and the former communes merged into them (communes déléguées and associées), whose
names people still use for where they live.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

PACKAGE = "@etalab/decoupage-administratif"
DEFAULT_VERSION = "6.0.0"
LICENCE = ("Données : Licence Ouverte / Open Licence 2.0 (Etalab) ; code du paquet : MIT")
ORIGIN = ("Code officiel géographique de l'INSEE et base officielle des codes postaux de "
          "La Poste, publiés par Etalab dans le paquet npm " + PACKAGE)
REGION_DEPARTEMENTS = ("16", "17", "19", "23", "24", "33", "40", "47", "64", "79", "86", "87")
DATA_FILE = Path(__file__).resolve().parent / "data" / "communes.json"


class ExtractError(Exception):
    """The package could not be fetched or does not hold what we expect (message in English,
    for the person running the command)."""


def fetch_package(version: str, workdir: Path) -> Path:
    """Download the package tarball with ``npm pack`` (the npm registry) into ``workdir``;
    return the path of the ``.tgz``. Raises ExtractError when npm is missing or fails."""
    npm = shutil.which("npm")
    if npm is None:
        raise ExtractError("npm is not installed: install it (apt-get install npm) or pass "
                           "--source with a downloaded package")
    completed = subprocess.run(
        [npm, "pack", f"{PACKAGE}@{version}", "--silent"], cwd=workdir, capture_output=True,
        text=True, check=False)
    if completed.returncode != 0:
        raise ExtractError(f"npm pack {PACKAGE}@{version} failed: {completed.stderr.strip()}")
    tarballs = sorted(workdir.glob("*.tgz"))
    if not tarballs:
        raise ExtractError("npm pack wrote no tarball")
    return tarballs[-1]


def read_package(source: Path,
                 ) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]:
    """(package.json, communes.json, departements.json) of a package tarball or unpacked
    directory (the one holding ``package.json``)."""
    if source.is_dir():
        root = source / "package" if (source / "package" / "package.json").exists() else source
        package, communes, departements = (
            _load(root / name)
            for name in ("package.json", "data/communes.json", "data/departements.json"))
        return package, communes, departements
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(source) as archive:
        archive.extractall(tmp, filter="data")
        return read_package(Path(tmp))


def _load(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ExtractError(f"{path.name} is missing from the package") from exc


def build_extract(package: dict[str, Any], communes: list[dict[str, Any]],
                  departements: list[dict[str, Any]],
                  wanted: Iterable[str] = REGION_DEPARTEMENTS) -> dict[str, Any]:
    """The extract as a dict (see ``write_extract`` for the layout). Raises ExtractError when
    the package is not the expected one or lacks a wanted département."""
    if package.get("name") != PACKAGE:
        raise ExtractError(f"expected the package {PACKAGE}, got {package.get('name')!r}")
    wanted = tuple(wanted)
    names = {item["code"]: item["nom"] for item in departements if item["code"] in wanted}
    missing = sorted(set(wanted) - set(names))
    if missing:
        raise ExtractError(f"départements missing from the package: {', '.join(missing)}")
    current = sorted(
        (item for item in communes
         if item.get("type") == "commune-actuelle" and item.get("departement") in wanted),
        key=lambda item: item["code"])
    current_codes = {item["code"]: item["nom"] for item in current}
    former = sorted(
        (item for item in communes
         if item.get("type") in ("commune-deleguee", "commune-associee")
         and item.get("departement") in wanted and item.get("chefLieu") in current_codes
         and item["nom"] != current_codes[item["chefLieu"]]),
        key=lambda item: (item["code"], item["nom"]))
    return {
        "source": {
            "package": PACKAGE,
            "version": package.get("version", ""),
            "licence": LICENCE,
            "origin": ORIGIN,
            "files": ["data/communes.json", "data/departements.json"],
            "rebuild": ("python manage.py build_communes --package-version "
                        f"{package.get('version', '')}"),
        },
        "departements": names,
        "communes": [
            [item["code"], item["nom"], item["departement"],
             sorted(item.get("codesPostaux") or []), int(item.get("population") or 0)]
            for item in current
        ],
        "former_communes": [[item["code"], item["nom"], item["chefLieu"]] for item in former],
    }


def write_extract(extract: dict[str, Any], path: Path = DATA_FILE) -> None:
    """Write the extract as JSON, one commune per line (readable diffs when it is rebuilt):
    ``communes`` rows are ``[insee, name, département, [postal codes], population]``,
    ``former_communes`` rows ``[insee, name, insee of the current commune]``."""
    dump = json.dumps
    lines = ["{",
             f'"source": {dump(extract["source"], ensure_ascii=False)},',
             f'"departements": {dump(extract["departements"], ensure_ascii=False)},',
             '"communes": [']
    lines += [dump(row, ensure_ascii=False) + ("," if i < len(extract["communes"]) - 1 else "")
              for i, row in enumerate(extract["communes"])]
    lines += ["],", '"former_communes": [']
    lines += [dump(row, ensure_ascii=False)
              + ("," if i < len(extract["former_communes"]) - 1 else "")
              for i, row in enumerate(extract["former_communes"])]
    lines += ["]", "}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
