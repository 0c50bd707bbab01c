from allauth.account.utils import perform_login
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.contrib.auth.tokens import default_token_generator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_str
from django.utils.http import urlencode, urlsafe_base64_decode
from django.utils.translation import gettext as _

from .models import Role, User
from .permissions import has_coordinator_powers, has_totp


def _invited_user(uidb64: str) -> User | None:
    """The staff account an invitation link names, if it may still use one: active and
    without a usable password (an invitation never replaces a password already chosen)."""
    try:
        pk = int(force_str(urlsafe_base64_decode(uidb64)))
    except (TypeError, ValueError, OverflowError):
        return None
    if not 0 < pk < 2**63:
        return None
    user = User.objects.filter(pk=pk, role__in=[Role.ADVISOR, Role.COORDINATOR],
                               is_active=True).first()
    if user is None or user.has_usable_password():
        return None
    return user


def invitation_accept(request, uidb64: str, token: str):
    """An invited advisor chooses their password; the link works once (the token is bound to
    the password, which it changes), and only for an account that has none yet.

    The person is then logged in through allauth's login stages, so an account that has
    two-factor authentication is asked for its code like at any other login.
    """
    user = _invited_user(uidb64)
    if user is None or not default_token_generator.check_token(user, token):
        return render(request, "accounts/invitation_invalid.html", status=400)
    form = SetPasswordForm(user, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(
            request, _("Votre mot de passe est enregistré. Bienvenue dans le réseau So Mobilité !")
        )
        return perform_login(request, user, redirect_url=reverse("home"))
    return render(request, "accounts/invitation_accept.html", {"form": form, "invited": user})


@login_required
def mfa_required(request):
    """Explains to a coordinator that admin needs two-factor authentication first: to activate
    it when the account has none, or to type a code when this session has not done so."""
    if not request.user.is_coordinator:
        return redirect("home")
    if has_coordinator_powers(request):
        return redirect("admin:index")
    if has_totp(request.user):
        query = urlencode({"next": reverse("admin:index")})
        return redirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return render(request, "accounts/mfa_required.html")
