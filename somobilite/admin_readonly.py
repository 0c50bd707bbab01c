"""Admin permissions for rows that only the application writes (domain-free, usable by every
app's admin): coordinators may look at them in admin, never add or edit them by hand."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class ViewOnlyAdminMixin:
    """No « Ajouter », no editable form: the rows are written by a service or a task (the
    outbox, the monthly review digest). Works for a ModelAdmin and for an inline."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RecordAdminMixin(ViewOnlyAdminMixin):
    """A record kept as evidence (the staff access log, the convention watch's events): not
    deleted by hand either; retention jobs remove what must go."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
