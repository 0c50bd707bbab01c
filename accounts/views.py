from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.utils.encoding import force_str
from django.utils.http import urlsafe_base64_decode
from django.utils.translation import gettext as _

from .models import Role, User
from .permissions import has_totp


def _user_from_uid(uidb64: str) -> User | None:
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    return User.objects.filter(pk=pk, role__in=[Role.ADVISOR, Role.COORDINATOR]).first()


def invitation_accept(request, uidb64: str, token: str):
    """An invited advisor chooses their password; the link works once."""
    user = _user_from_uid(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, _("Votre mot de passe est enregistré. Bienvenue dans le réseau So Mobilité !")
        )
        return redirect("home")
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})


@login_required
def mfa_required(request):
    """Explains to a coordinator that admin needs two-factor authentication first."""
    if not request.user.is_coordinator:
        return redirect("home")
    if has_totp(request.user):
        return redirect("admin:index")
    return render(request, "accounts/mfa_required.html")
