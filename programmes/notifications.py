"""Emails of the programmes app: the outcome of an advisor's proposal, and the monthly list of
sheets to review sent to the coordination. Both are decided once, whatever the retries: the
row that records the decision is locked, checked and written in the same transaction as the
outbox row (``outbox.delivery.email_queue``), which sends it after commit and retries it."""

from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from outbox.delivery import email_queue

from .models import ProgrammeProposal, ProposalStatus, Publication, ReviewDigest
from .selectors import sheets_to_review


def _queue(*, kind: str, subject: str, template: str, context: dict, to: list[str],
           now: datetime) -> None:
    email = EmailMultiAlternatives(subject=subject,
                                   body=render_to_string(f"{template}.txt", context), to=to)
    email.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    email_queue(message=email, kind=kind, now=now)


def proposal_outcome_email_send(*, proposal_id: int, now: datetime) -> bool:
    """Tell the advisor whether their proposal was accepted or refused (once)."""
    with transaction.atomic():
        proposal = (ProgrammeProposal.objects.select_for_update(of=("self",))
                    .select_related("proposer", "sheet").get(pk=proposal_id))
        if (proposal.notified_at is not None or proposal.status == ProposalStatus.SUBMITTED
                or proposal.proposer is None):
            return False
        accepted = proposal.status == ProposalStatus.ACCEPTED
        sheet = proposal.sheet  # set when accepted (the sheet created or changed)
        context = {
            "proposal": proposal,
            "accepted": accepted,
            "sheet_url": (settings.SITE_URL + reverse("programmes:detail",
                                                      kwargs={"slug": sheet.slug})
                          if accepted and sheet is not None else ""),
            "proposals_url": settings.SITE_URL + reverse("programme_proposals:list"),
        }
        subject = ("Votre proposition de fiche est acceptée" if accepted
                   else "Votre proposition de fiche n'a pas été retenue")
        _queue(kind="programmes.proposal_outcome", subject=subject,
               template="programmes/email/proposal_outcome", context=context,
               to=[proposal.proposer.email], now=now)
        proposal.notified_at = now
        proposal.save(update_fields=["notified_at"])
    return True


def review_digest_recipients() -> list[str]:
    """The coordination's address and every active coordinator's, without duplicates."""
    emails = [settings.COORDINATION_EMAIL, *User.objects.filter(
        role=Role.COORDINATOR, is_active=True, anonymised_at__isnull=True,
    ).order_by("email").values_list("email", flat=True)]
    return list(dict.fromkeys(email.lower() for email in emails if email))


def review_digest_send(*, now: datetime) -> bool:
    """The monthly list of sheets (published or draft) not reviewed for
    PROGRAMME_REVIEW_MONTHS: nothing when none is due, and at most once a month."""
    today = timezone.localdate(now)
    sheets = list(sheets_to_review(on=today).exclude(publication=Publication.ARCHIVED)
                  .order_by("last_reviewed", "title").only("slug", "title", "last_reviewed",
                                                          "publication"))
    if not sheets:
        return False
    with transaction.atomic():
        _digest, created = ReviewDigest.objects.get_or_create(
            month=today.replace(day=1), defaults={"sent_at": now, "sheet_count": len(sheets)})
        if not created:
            return False
        context = {
            "sheets": sheets, "months": settings.PROGRAMME_REVIEW_MONTHS,
            "admin_url": settings.SITE_URL
            + reverse("admin:programmes_programmesheet_changelist") + "?a_revoir=1",
        }
        _queue(kind="programmes.review_digest",
               subject=f"{len(sheets)} fiche(s) dispositif à revoir",
               template="programmes/email/review_digest", context=context,
               to=review_digest_recipients(), now=now)
    return True
