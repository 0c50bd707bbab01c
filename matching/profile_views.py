"""The young person's "Préparer mon entretien" page (their mobility profile)."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import youth_required
from accounts.http import AuthenticatedHttpRequest

from .forms import profile_cleaned_data, profile_forms
from .models import MobilityProfile
from .services import MatchingError, profile_get_or_create_for, profile_update


@youth_required
@require_http_methods(["GET", "POST"])
def profile_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    profile = MobilityProfile.objects.filter(user=request.user).first()
    if request.method == "POST":
        form, formset = profile_forms(data=request.POST, profile=profile)
        if form.is_valid() and formset.is_valid():
            try:
                now = timezone.now()
                profile_update(profile=profile_get_or_create_for(youth=request.user, now=now),
                               data=profile_cleaned_data(form, formset), by=request.user,
                               now=now, reason=_("Complété par le ou la jeune"))
            except MatchingError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Votre profil est enregistré. Merci ! Votre "
                                            "conseiller·ère le lira pour préparer l'entretien."))
                return redirect("youth:space")
    else:
        form, formset = profile_forms(profile=profile)
    return render(request, "matching/profile_form.html", {
        "form": form, "formset": formset,
        "retention_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
    })
