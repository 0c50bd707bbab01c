from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse

from .models import ProgrammeRecommendation
from .pdf import recommendation_pdf
from .selectors import recommendation_get_for_user


@login_required
def recommendation_pdf_download(request, public_id):
    try:
        recommendation = recommendation_get_for_user(user=request.user, public_id=public_id)
    except ProgrammeRecommendation.DoesNotExist as exc:
        raise Http404("Sélection introuvable.") from exc
    response = HttpResponse(recommendation_pdf(recommendation), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="so-mobilite-programmes-{recommendation.created_at:%Y-%m-%d}.pdf"')
    return response
