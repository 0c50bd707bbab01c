"""The take-away PDF: the programmes an advisor selected, why they fit, what is missing and
how to apply (A4, black and white, WeasyPrint)."""

from datetime import date

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ProgrammeRecommendation


def recommendation_pdf(recommendation: ProgrammeRecommendation) -> bytes:
    # WeasyPrint is slow to import: load it only when a PDF is asked for.
    from weasyprint import HTML

    items = [item | {"deadline": date.fromisoformat(item["application_deadline"])
                     if item.get("application_deadline") else None}
             for item in recommendation.items]
    html = render_to_string("matching/recommendation_pdf.html", {
        "recommendation": recommendation,
        "youth": recommendation.youth,
        "items": items,
        "contact": recommendation.advisor_contact,
        "sent_on": timezone.localtime(recommendation.created_at).date(),
        "site_url": settings.SITE_URL,
    })
    return HTML(string=html).write_pdf()
