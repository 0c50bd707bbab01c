"""The email that brings the selected programmes (with the PDF) to the young person, through
the outbox (``outbox.delivery.email_queue``: sent after commit, retried with backoff)."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from outbox.delivery import email_queue

from .models import ProgrammeRecommendation
from .pdf import recommendation_pdf


def recommendation_email_send(*, recommendation_id: int, now: datetime) -> bool:
    """Queue the email once: the row is locked and ``emailed_at`` marks it decided (a retry
    does nothing); the outbox row written in the same transaction sends it."""
    with transaction.atomic():
        recommendation = (ProgrammeRecommendation.objects.select_for_update()
                          .select_related("youth").get(pk=recommendation_id))
        if recommendation.emailed_at is not None:
            return False
        context = {
            "recommendation": recommendation,
            "pdf_url": settings.SITE_URL + reverse("youth:recommendation_pdf",
                                                   kwargs={"public_id": recommendation.public_id}),
        }
        email = EmailMultiAlternatives(
            subject="Les programmes choisis avec votre conseiller·ère",
            body=render_to_string("matching/email/recommendation.txt", context),
            to=[recommendation.youth.email],
        )
        email.attach_alternative(render_to_string("matching/email/recommendation.html", context),
                                 "text/html")
        email.attach(f"so-mobilite-programmes-{recommendation.created_at:%Y-%m-%d}.pdf",
                     recommendation_pdf(recommendation), "application/pdf")
        email_queue(message=email, kind="matching.recommendation", now=now)
        recommendation.emailed_at = now
        recommendation.save(update_fields=["emailed_at"])
    return True
