"""Stamping the django-simple-history row that a model's next save writes: who made the
change, why, and when (the project's clock rather than simple-history's own ``now()``).

simple-history reads the private attributes ``_history_user``, ``_change_reason`` and
``_history_date`` of the instance being saved; the models do not declare them, so they are
set here, typed, in one place.
"""

import enum
from datetime import datetime

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models


class _Unset(enum.Enum):
    UNSET = enum.auto()


UNSET = _Unset.UNSET


def history_stamp(instance: models.Model, *, by: AbstractBaseUser | _Unset | None = UNSET,
                  reason: str | None = None, at: datetime | None = None) -> None:
    """Record for the next save of ``instance``: ``by`` (None: nobody, e.g. a scheduled job;
    left to simple-history's request middleware when not given), ``reason`` (the history's
    « motif », not set when None) and ``at`` (aware; simple-history's clock when None)."""
    attributes = instance.__dict__
    if by is not UNSET:
        attributes["_history_user"] = by
    if reason is not None:
        attributes["_change_reason"] = reason
    if at is not None:
        attributes["_history_date"] = at
