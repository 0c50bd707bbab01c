"""Stamping the django-simple-history row that a model's next save writes: who made the
change, why, and when (the project's clock rather than simple-history's own ``now()``).

simple-history reads the private attributes ``_history_user``, ``_change_reason`` and
``_history_date`` of the instance being saved; the models do not declare them, so they are
set here, typed, in one place.

``reuse_history_manager_classes()`` (called once at start-up) keeps simple-history from
building a new manager class at every ``instance.history``.
"""

import enum
import functools
from datetime import datetime
from typing import Any

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


@functools.cache
def _history_manager_class(manager_class: type, queryset_class: type) -> type:
    return manager_class.from_queryset(queryset_class)  # type: ignore[attr-defined, no-any-return]


def reuse_history_manager_classes() -> None:
    """Make simple-history's ``HistoryDescriptor`` (``instance.history``, ``Model.history``)
    build its manager class once per (manager, queryset) class pair instead of at every access.

    simple-history 3.13 calls ``Manager.from_queryset`` (a new class, with every queryset
    method copied onto it) each time the descriptor is read, and writing a history row reads it
    (``create_historical_record``): a third of the CPU of a history row, ~0.7 ms (issue 17:
    the confirmation of a booking writes two). The class depends only on the two classes, so
    the manager returned is the same as before, for the same model and instance."""
    from simple_history.manager import HistoryDescriptor

    def __get__(descriptor: Any, instance: Any, owner: Any) -> Any:
        manager_class = _history_manager_class(descriptor.manager_class,
                                               descriptor.queryset_class)
        return manager_class(descriptor.model, instance)

    HistoryDescriptor.__get__ = __get__
