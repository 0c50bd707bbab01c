"""Writes on accounts that are not allauth's own flows.

Public names: ``email_address_prove(*, user) -> EmailAddress``.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.db import IntegrityError, transaction

from .models import User


def email_address_prove(*, user: User) -> EmailAddress:
    """Record that ``user`` proved their address ``user.email`` (a code sent to it was typed
    back: the booking pages' login by code), before allauth's ``finish`` marks it verified.

    allauth marks an address verified only if it has a record of it (``EmailAddress``). An
    existing record is returned as it is (allauth's verification then runs on it). A missing
    one is created primary and verified at once — what allauth's ``verify_email`` writes for a
    new account's only address, in one ``INSERT`` instead of an ``INSERT``, three look-ups
    and an ``UPDATE`` (issue 17: the confirmation of a booking) — unless the database refuses
    it: ``unique_verified_email`` (another account has this address verified) or a record
    created meanwhile. Then the record is created (or read) unverified, as before, and
    allauth's verification decides and says why it refuses.

    The record is handed to allauth's per-user cache (``fill_cache_for_user``): its
    verification and its login look it up without reading it again. Queries: one look-up,
    then one ``INSERT`` (with ``BEGIN``/``COMMIT`` in autocommit) when it is new."""
    email = user.email
    address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
    if address is None:
        try:
            with transaction.atomic():
                address = EmailAddress.objects.create(user=user, email=email, primary=True,
                                                      verified=True)
        except IntegrityError:
            address, _created = EmailAddress.objects.get_or_create(
                user=user, email__iexact=email,
                defaults={"email": email, "primary": True, "verified": False})
    EmailAddress.objects.fill_cache_for_user(user, [address])
    return address
