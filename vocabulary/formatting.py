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


def format_eur(value: int) -> str:
    return f"{format_int(value)} €"


def format_weeks(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value != value.to_integral() else str(int(value))
    return text.replace(".", ",")


def format_weeks_range(low: Decimal | None, high: Decimal | None) -> str:
    if low is None and high is None:
        return "libre"
    if high is None:
        return f"à partir de {format_weeks(low)} semaines"
    if low is None:
        return f"jusqu'à {format_weeks(high)} semaines"
    if low == high:
        return f"{format_weeks(low)} semaines"
    return f"de {format_weeks(low)} à {format_weeks(high)} semaines"


