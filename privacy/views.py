import json

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.decorators import youth_required

from .forms import AccountDeletionForm
from .readable import code_labels, readable_export
from .services import PrivacyError, user_data_export, user_erase


@youth_required
def my_data(request):
    """Explains what is held and offers the download."""
    return render(request, "privacy/my_data.html")


@youth_required
def my_data_read(request):
    """The same data as the download, as a page to read (and print)."""
    now = timezone.now()
    return render(request, "privacy/my_data_read.html", {
        "sections": readable_export(user_data_export(user=request.user, now=now),
                                   code_labels=code_labels()),
        "generated_at": now,
    })


@youth_required
def my_data_download(request):
    now = timezone.now()
    payload = json.dumps(
        user_data_export(user=request.user, now=now), ensure_ascii=False, indent=2, default=str
    )
    response = HttpResponse(payload, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="so-mobilite-mes-donnees-{now:%Y-%m-%d}.json"'
    )
    return response


@youth_required
@require_http_methods(["GET", "POST"])
def account_delete(request):
    form = AccountDeletionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            user_erase(user=request.user, now=timezone.now())
        except PrivacyError as exc:
            form.add_error(None, str(exc))
        else:
            logout(request)
            messages.success(
                request,
                _(
                    "Votre compte et vos données personnelles ont été "
                    "supprimés. Vos rendez-vous à venir sont annulés."
                ),
            )
            return redirect("home")
    return render(request, "privacy/account_delete.html", {"form": form})
