"""Files asked for at the site root by browsers and crawlers."""

import pytest


@pytest.mark.django_db
def test_favicon_is_served_at_the_root_and_linked_from_every_page(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in {"image/x-icon", "image/vnd.microsoft.icon"}
    body = b"".join(response.streaming_content)
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in page
