from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from operations.views import health

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("confidentialite/", views.privacy, name="privacy"),
    path("sante/", health, name="health"),
    path("admin/", admin.site.urls),
    path("compte/", include("allauth.urls")),
    path("compte/", include("accounts.urls")),
    path("structures/", include("bookings.directory_urls")),
    # The young person's space (/mon-espace/) and a selection's PDF (/programmes/selections/…),
    # before programmes' own pages so "selections" is never taken for a sheet.
    path("", include("youth.urls")),
    path("programmes/", include("programmes.urls")),
    path("espace-conseil/fiches/", include("programmes.advisor_urls")),
    path("espace-conseil/disponibilites/", include("bookings.advisor_urls")),
    path("espace-conseil/", include("backoffice.urls")),
    path("coordination/", include("coordination.urls")),
    path("rendez-vous/", include("bookings.urls")),
    path("evaluation/", include("evaluations.urls")),
    path("api/v1/", include("bookings.api_urls")),
    path("mon-espace/", include("privacy.urls")),
]

handler400 = "somobilite.views.bad_request"
handler403 = "somobilite.views.permission_denied"
handler404 = "somobilite.views.page_not_found"
handler500 = "somobilite.views.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
