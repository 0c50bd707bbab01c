"""What each page costs a real gunicorn worker, from the files ``benchmarks/gunicorn_profile.py``
writes (``python -m benchmarks --profil DIR``): ``python -m benchmarks.profiling DIR`` prints,
per method and path, the number of requests and the median CPU (ms) inside Django and in
gunicorn around it; the cProfiles of the workers (``worker-*.prof``) are read with ``pstats``.
"""

from __future__ import annotations

import re
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path

_IDS = re.compile(r"/(?:[0-9a-f]{8}-[0-9a-f-]{27}|\d+|[0-9A-Za-z_-]{20,}:[0-9A-Za-z:_-]+)(?=/|$)")


def normalised_path(path: str) -> str:
    """``path`` with its ids (UUIDs, numbers, signed tokens) replaced by ``/<id>``, so that the
    requests of one page group together."""
    return _IDS.sub("/<id>", path)


@dataclass
class PageCost:
    page: str
    requests: int
    django_ms: float
    gunicorn_ms: float


def page_costs(directory: Path) -> list[PageCost]:
    """Median CPU per request of each page (method and normalised path) over every
    ``requests-*.tsv`` of ``directory``, most requested first."""
    rows: dict[str, list[tuple[float, float]]] = {}
    for tsv in sorted(directory.glob("requests-*.tsv")):
        for line in tsv.read_text().splitlines():
            method, path, inside, outside = line.split("\t")
            rows.setdefault(f"{method} {path}", []).append((float(inside), float(outside)))
    costs = [PageCost(page, len(values), statistics.median(v[0] for v in values),
                      statistics.median(v[1] for v in values))
             for page, values in rows.items()]
    return sorted(costs, key=lambda cost: -cost.requests)


def main(argv: list[str]) -> int:
    directory = Path(argv[0])
    print(f"{'page':<60} {'requêtes':>9} {'Django':>8} {'gunicorn':>9}  (CPU médian, ms)")
    for cost in page_costs(directory):
        print(f"{cost.page:<60} {cost.requests:>9} {cost.django_ms:>8.2f} "
              f"{cost.gunicorn_ms:>9.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
