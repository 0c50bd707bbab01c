from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


def home(request):
    return render(request, "home.html")


def privacy(request):
    return render(request, "privacy.html")


# --- Error pages: French, in the site layout; JSON under /api/ ------------------------------


def _api_error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status,
                        json_dumps_params={"ensure_ascii": False})


def _error(request: HttpRequest, status: int, message: str, template: str,
           context: dict | None = None) -> HttpResponse:
    if request.path_info.startswith(API_PREFIX):
        return _api_error(message, status)
    return render(request, template, {"contact_email": settings.COORDINATION_EMAIL,
                                      **(context or {})}, status=status)


def bad_request(request, exception=None, *, reason: str = ""):
    """The 400 page. ``reason`` (French) is said when the site refuses the request itself;
    Django's own exceptions (English, technical) are never shown."""
    return _error(request, 400, reason or _("Requête invalide."), "400.html", {"reason": reason})


def permission_denied(request, exception=None):
    # PermissionDenied("…") raised by the site's checks carries a French reason; keep it.
    reason = str(exception) if exception and str(exception) else ""
    return _error(request, 403, reason or _("Accès refusé."), "403.html", {"reason": reason})


def page_not_found(request, exception=None):
    return _error(request, 404, _("Adresse inconnue."), "404.html")


def method_not_allowed(request: HttpRequest) -> HttpResponse:
    """The 405 page: this address receives a form and is not a page to open."""
    return _error(request, 405, _("Méthode non autorisée pour cette adresse."), "405.html")


def server_error(request):
    """A 500 must render even when the database or the session is what failed: no context
    processors (they read the user), only the static layout of ``500.html``."""
    if request.path_info.startswith(API_PREFIX):
        return _api_error(_("Erreur du serveur : réessayez dans quelques minutes."), 500)
    page = loader.get_template("500.html").render({"contact_email": settings.COORDINATION_EMAIL})
    return HttpResponse(page, status=500)


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the form's security token was refused (expired session, page
    left open for a long time, cookies blocked)."""
    return _error(request, 403, _("Vérification de sécurité du formulaire refusée."),
                  "403_csrf.html")
