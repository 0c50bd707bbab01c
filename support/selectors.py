"""Reads of the support domain, and the permission-aware fetchers of its objects.

- ``help_requests_of(*, user)``: the requests ``user`` sent, newest first.
- ``help_request_get_for_author(*, user, public_id) -> HelpRequest``: one of them; raises
  ``HelpRequest.DoesNotExist`` for anybody else's or an unknown id (indistinguishable).
  Coordinators read requests in admin.
- ``media_items(*, category=None)``, ``media_categories()``: the media bank, for staff.
- ``media_item_get(*, public_id) -> MediaItem``: raises ``MediaItem.DoesNotExist``. Who may
  download is decided by the caller's access rule (signed-in staff).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.db.models import Count, QuerySet

from accounts.models import User

from .models import HelpRequest, MediaCategory, MediaItem


def _uuid(value: object, missing: type[Exception]) -> uuid.UUID:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        raise missing from None


def help_requests_of(*, user: User) -> QuerySet[HelpRequest]:
    return HelpRequest.objects.filter(author=user).order_by("-created_at", "-id")


def help_request_get_for_author(*, user: User, public_id: uuid.UUID | str) -> HelpRequest:
    return help_requests_of(user=user).get(
        public_id=_uuid(public_id, HelpRequest.DoesNotExist))


@dataclass(frozen=True)
class CategoryCount:
    code: str
    label: str
    count: int


def media_categories() -> list[CategoryCount]:
    """Every category with its number of files (0 included), in ``MediaCategory`` order."""
    counts = dict(MediaItem.objects.order_by().values_list("category")
                  .annotate(n=Count("pk")).values_list("category", "n"))
    return [CategoryCount(code=code, label=str(label), count=counts.get(code, 0))
            for code, label in MediaCategory.choices]


def media_items(*, category: str | None = None) -> QuerySet[MediaItem]:
    items = MediaItem.objects.all()
    if category:
        items = items.filter(category=category)
    return items.order_by("category", "-date", "title")


def media_item_get(*, public_id: uuid.UUID | str) -> MediaItem:
    return MediaItem.objects.get(public_id=_uuid(public_id, MediaItem.DoesNotExist))
