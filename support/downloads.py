"""How a private file leaves the site: always an attachment, with the type found at upload,
never sniffed, never run (a sandboxing policy in case a browser opened it in place), and not
kept by shared caches. Used by every view that serves a file of ``support`` (the advisors'
space and admin)."""

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def attachment_response(file: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file as a download named ``filename``. Raises Http404 when no file is stored or the
    stored file is missing."""
    if not file.name:  # an empty file field: nothing stored
        raise Http404(_("Fichier introuvable."))
    try:
        handle = file.storage.open(file.name, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404(_("Fichier introuvable.")) from None
    response = FileResponse(handle, as_attachment=True, filename=filename,
                            content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
