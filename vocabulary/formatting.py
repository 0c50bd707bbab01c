"""French formatting of dates, numbers, amounts and durations, as plain strings (independent of
the active language: the matching engine and the sheets' pages show the same words)."""

from datetime import date
from decimal import Decimal

_MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre")


def format_date(value: date) -> str:
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {_MONTHS[value.month - 1]} {value.year}"


def format_int(value: int) -> str:
    """1700 → « 1 700 » (a plain space as thousands separator, everywhere)."""
    return f"{value:,}".replace(",", " ")


def format_count(count: int, singular: str, plural: str | None = None) -> str:
    """« 1 structure », « 2 structures », « 0 semaine »: the number (``format_int``) and the
    noun, plural from 2 on (French rule: 0 and 1 take the singular; tester t9b F5 saw
    « (1 structures) »). ``plural`` defaults to ``singular`` + « s »."""
    noun = singular if abs(count) < 2 else (plural or singular + "s")
    return f"{format_int(count)} {noun}"


def format_eur(value: int) -> str:
    return f"{format_int(value)} €"


def format_weeks(value: Decimal) -> str:
    """A stored number of weeks as written in the field (« 52,2 »), for the coordinators."""
    text = f"{value.normalize():f}" if value != value.to_integral() else str(int(value))
    return text.replace(".", ",")


def format_weeks_range(low: Decimal | None, high: Decimal | None) -> str:
    """A duration range in weeks said as people say it (see format_duration_range)."""
    return format_duration_range(low, high)


# --- Durations -----------------------------------------------------------------------------
#: The exchange format's convention: one month is 4.35 weeks (52.2 weeks a year).
WEEKS_PER_MONTH = 4.35
#: Durations closer than this (in weeks) are the same duration: 52 weeks is 12 months.
SAME_DURATION_WEEKS = 1.0
#: From two months up, people count in months; below, in weeks (and days under two weeks).
_MONTHS_FROM_WEEKS = 2 * WEEKS_PER_MONTH - 0.005


def _duration_parts(weeks: float) -> tuple[str, str]:
    """(number, rest): « 12 », « mois » ; « 4 », « mois et demi » ; « 10 », « jours »."""
    if weeks >= _MONTHS_FROM_WEEKS:
        halves = round(weeks / WEEKS_PER_MONTH * 2)
        whole, half = divmod(halves, 2)
        about = abs(weeks - halves / 2 * WEEKS_PER_MONTH) >= SAME_DURATION_WEEKS
        return (("environ " if about else "") + str(whole),
                "mois et demi" if half else "mois")
    whole_weeks = round(weeks)
    if weeks >= 2 or (whole_weeks >= 1 and abs(weeks - whole_weeks) * 7 < 0.5):
        return str(whole_weeks), "semaine" if whole_weeks == 1 else "semaines"
    days = max(1, round(weeks * 7))
    return str(days), "jour" if days == 1 else "jours"


def format_duration(weeks: float | Decimal) -> str:
    """A duration in weeks said as people say it: days under two weeks (« 10 jours »), weeks
    under two months (« 4 semaines »), months from two months (« 12 mois », « 4 mois et
    demi ») with 4.35 weeks a month."""
    number, rest = _duration_parts(float(weeks))
    return f"{number} {rest}"


def format_duration_range(low: float | Decimal | None, high: float | Decimal | None,
                          ) -> str:
    """« de 2 semaines à 12 mois », « de 2 à 12 mois », « 12 mois », « à partir de 3 mois »,
    « jusqu'à 24 mois » or « libre » (both ends open); ends in weeks, ``None`` is open."""
    if low is None:
        return "libre" if high is None else f"jusqu'à {format_duration(high)}"
    if high is None:
        return f"à partir de {format_duration(low)}"
    low_parts, high_parts = _duration_parts(float(low)), _duration_parts(float(high))
    if low_parts == high_parts:
        return f"{high_parts[0]} {high_parts[1]}"
    high_text = f"{high_parts[0]} {high_parts[1]}"
    if low_parts[1] == high_parts[1] or (low_parts[1], high_parts[1]) == ("semaine",
                                                                          "semaines"):
        return f"de {low_parts[0]} à {high_text}"
    return f"de {low_parts[0]} {low_parts[1]} à {high_text}"
