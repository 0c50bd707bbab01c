"""The questionnaire's link: works without logging in, once, until it expires.

The token is the evaluation's random ``public_id`` signed with the site's key (salted), so a
link cannot be guessed or forged. Whether it may still be used is decided from the database
at the moment it is used (``answered_at``, ``expires_at``), never from the token.
"""

import uuid

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import Evaluation

SALT = "evaluations.questionnaire"


def evaluation_token(evaluation: Evaluation) -> str:
    """The signed token of an evaluation's link (URL-safe string)."""
    return signing.dumps(str(evaluation.public_id), salt=SALT)


def evaluation_url(evaluation: Evaluation) -> str:
    """The absolute address of the questionnaire (``SITE_URL`` + path), for the email."""
    path = reverse("evaluations:questionnaire", kwargs={"token": evaluation_token(evaluation)})
    return f"{settings.SITE_URL}{path}"


def public_id_from_token(token: str) -> uuid.UUID | None:
    """The public id a token names, or None when it is forged, damaged or truncated."""
    try:
        return uuid.UUID(signing.loads(token, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        return None
