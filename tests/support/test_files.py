"""Upload checks by content: a help request's screenshot (PNG or JPEG, ≤ 5 MB) and the files
of the media bank (allowed types, the extension agreeing with the content)."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from support.files import file_size, media_file_check, screenshot_check

MB5 = 5 * 1024 * 1024


def image(kind: str, name: str | None = None, padding: int = 0) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, kind)
    data = buffer.getvalue() + b"\0" * padding
    return SimpleUploadedFile(name or f"capture.{kind.lower()}", data,
                              content_type="image/png")


def padded_png(total: int) -> SimpleUploadedFile:
    png = image("PNG").read()
    return SimpleUploadedFile("capture.png", png + b"\0" * (total - len(png)))


def zipped(*entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
DOCX = zipped(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"))


def test_screenshots_png_and_jpeg_are_accepted_by_their_content():
    assert screenshot_check(image("PNG")) == "image/png"
    assert screenshot_check(image("JPEG", name="photo.png")) == "image/jpeg"


@pytest.mark.parametrize("upload", [
    SimpleUploadedFile("capture.png", b"<html><script>alert(1)</script></html>",
                       content_type="image/png"),
    SimpleUploadedFile("capture.png", b"\x89PNG\r\n\x1a\n" + b"tronque"),
    SimpleUploadedFile("capture.png", PDF, content_type="image/png"),
], ids=["html", "truncated-png", "pdf"])
def test_screenshots_of_another_type_are_refused(upload):
    with pytest.raises(ValidationError, match="PNG ou JPEG"):
        screenshot_check(upload)


def test_screenshot_gif_is_refused():
    with pytest.raises(ValidationError, match="PNG ou JPEG"):
        screenshot_check(image("GIF"))


def test_screenshot_size_limit_is_five_megabytes():
    assert screenshot_check(padded_png(MB5)) == "image/png"
    with pytest.raises(ValidationError) as refused:
        screenshot_check(padded_png(MB5 + 1))
    assert refused.value.messages == ["Fichier trop lourd (5,0\xa0Mo) : la limite est de "
                                      "5\xa0Mo."]
    with pytest.raises(ValidationError, match="vide"):
        screenshot_check(SimpleUploadedFile("capture.png", b""))


@pytest.mark.parametrize(("name", "content", "expected"), [
    ("affiche.pdf", PDF, "application/pdf"),
    ("logo.PNG", image("PNG").read(), "image/png"),
    ("photo.jpg", image("JPEG").read(), "image/jpeg"),
    ("guide.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml"
                         ".document"),
    ("logos.zip", zipped(("logo.txt", "x")), "application/zip"),
])
def test_media_files_of_allowed_types(name, content, expected):
    assert media_file_check(SimpleUploadedFile(name, content)) == expected


@pytest.mark.parametrize(("name", "content", "message"), [
    ("page.html", b"<!DOCTYPE html><html></html>", "Type de fichier non accepté (.html)"),
    ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "non accepté (.svg)"),
    ("script", b"#!/bin/sh\n", "sans extension"),
    ("affiche.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>",
     "ne correspond pas à un fichier PDF"),
    ("logo.png", PDF, "ne correspond pas à un fichier PNG"),
    ("guide.docx", b"juste du texte", "ne correspond pas à un fichier DOCX"),
])
def test_media_files_of_other_types_or_disguised_are_refused(name, content, message):
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        media_file_check(SimpleUploadedFile(name, content))


def test_sizes_are_written_for_french_readers():
    assert [file_size(n) for n in (1, 820, 1024, 12_500, 5 * 2**20, 13_002_342, 300 * 2**20)
            ] == ["1 octet", "820 octets", "1\xa0Ko", "12,2\xa0Ko", "5\xa0Mo", "12,4\xa0Mo",
                  "300\xa0Mo"]


def test_media_file_size_limit(settings):
    settings.MEDIA_BANK_MAX_BYTES = len(PDF)
    assert media_file_check(SimpleUploadedFile("a.pdf", PDF)) == "application/pdf"
    with pytest.raises(ValidationError, match="trop lourd"):
        media_file_check(SimpleUploadedFile("a.pdf", PDF + b" "))
