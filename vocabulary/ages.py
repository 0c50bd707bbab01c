"""Age in whole years, the one definition every rule uses (booking age limit, programme sheets'
age conditions, the matching engine).

A person born on 29 February turns a year older on 28 February in non-leap years (the last day
of February: circular of the Ministry of the Interior of 25 July 2013 on majority, in line with
article 641 of the code de procédure civile; dateutil's relativedelta gives the same).
"""

from datetime import date


def age_on(birth_date: date, on: date) -> int:
    """Whole years; a 29-February birth counts its anniversary on 28 February (see the module)."""
    years = on.year - birth_date.year
    month_day = (birth_date.month, birth_date.day)
    if month_day == (2, 29) and not _is_leap(on.year):
        month_day = (2, 28)
    if (on.month, on.day) < month_day:
        years -= 1
    return years


def _is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


