"""Checks of uploaded files, by their content (never the browser's declared type).

- ``screenshot_check(upload) -> str``: a help request's screenshot. PNG or JPEG, at most
  ``HELP_SCREENSHOT_MAX_BYTES`` (5 MB, issue 13); the image is opened and verified by Pillow.
  Returns the MIME type found.
- ``media_file_check(upload) -> str``: a file of the media bank. One of ``MEDIA_TYPES``, at most
  ``MEDIA_BANK_MAX_BYTES``; the content is identified by its signature (puremagic) and must
  agree with the file name's extension. Returns the MIME type to serve.

Both raise ``django.core.exceptions.ValidationError`` with a French message.
"""

from __future__ import annotations

from pathlib import PurePath

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from PIL import Image, UnidentifiedImageError

SCREENSHOT_TYPES = {"PNG": "image/png", "JPEG": "image/jpeg"}

#: Extension -> MIME type served, for the media bank. No HTML, SVG, script or text type:
#: nothing a browser could run, even if a download were ever opened in place.
MEDIA_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".gif": "image/gif",
    ".zip": "application/zip",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
#: Extensions puremagic may report for the same content.
_SAME = {".jpg": {".jpg", ".jpeg", ".jpe", ".jfif"}, ".jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"}}

TYPE_NAMES = {
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP",
    "image/gif": "GIF", "application/zip": "ZIP",
}


def type_name(content_type: str, original_name: str = "") -> str:
    """A short French-readable name of a type (PDF, PNG, DOCX…)."""
    if content_type in TYPE_NAMES:
        return TYPE_NAMES[content_type]
    return PurePath(original_name).suffix.lstrip(".").upper() or _("fichier")


def file_size(size: int) -> str:
    """A size in bytes as French readers expect it: « 820 octets », « 12 Ko », « 5 Mo »,
    « 12,4 Mo » (1 Ko = 1 024 bytes, as file managers count)."""
    if size < 1024:
        return ngettext("%(count)s octet", "%(count)s octets", size) % {"count": size}
    unit, value = ("Ko", size / 1024) if size < 2**20 else ("Mo", size / 2**20)
    decimals = 0 if value >= 100 or value == int(value) else 1
    return f"{number_format(round(value, decimals), decimals)}\xa0{unit}"  # it truncates


def _too_large(upload: UploadedFile[bytes], limit: int) -> ValidationError | None:
    if upload.size is not None and upload.size > limit:
        return ValidationError(
            _("Fichier trop lourd (%(size)s) : la limite est de %(limit)s.")
            % {"size": file_size(upload.size), "limit": file_size(limit)},
            code="too_large")
    if not upload.size:
        return ValidationError(_("Le fichier est vide."), code="empty")
    return None


def screenshot_check(upload: UploadedFile[bytes]) -> str:
    """See the module docstring."""
    error = _too_large(upload, settings.HELP_SCREENSHOT_MAX_BYTES)
    if error:
        raise error
    refused = ValidationError(_("La capture d'écran doit être une image PNG ou JPEG."),
                              code="type")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            found = image.format
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError) as exc:
        raise refused from exc
    finally:
        upload.seek(0)
    if found not in SCREENSHOT_TYPES:
        raise refused
    return SCREENSHOT_TYPES[found]


def media_file_check(upload: UploadedFile[bytes]) -> str:
    """See the module docstring."""
    error = _too_large(upload, settings.MEDIA_BANK_MAX_BYTES)
    if error:
        raise error
    extension = PurePath(upload.name or "").suffix.lower()
    accepted = ", ".join(sorted({type_name(t, f"x{e}") for e, t in MEDIA_TYPES.items()}))
    if extension not in MEDIA_TYPES:
        raise ValidationError(_("Type de fichier non accepté (%(extension)s). Formats acceptés : "
                                "%(accepted)s.")
                              % {"extension": extension or _("sans extension"),
                                 "accepted": accepted}, code="type")
    try:
        upload.seek(0)
        found = {match.extension.lower() for match in puremagic.magic_stream(
            upload.file, filename=upload.name)}
    except (puremagic.PureError, ValueError):
        found = set()
    finally:
        upload.seek(0)
    if not found & _SAME.get(extension, {extension}):
        raise ValidationError(_("Le contenu du fichier ne correspond pas à un fichier %(type)s : "
                                "il n'a pas été accepté.")
                              % {"type": extension.lstrip(".").upper()}, code="content")
    return MEDIA_TYPES[extension]
