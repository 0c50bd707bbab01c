"""A young person's browser over HTTP, as the production app sees it behind its TLS proxy: the
proxy's headers (``X-Forwarded-Proto: https``, the client's address in ``X-Forwarded-For``),
cookies kept by hand (the production cookies are ``Secure`` and the loopback is plain HTTP),
the CSRF token read from the form. Redirects are followed by the caller."""

from __future__ import annotations

import html
import re
from http.cookies import SimpleCookie

import httpx

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class Browser:
    def __init__(self, port: int, *, client_ip: str, timeout: float = 60) -> None:
        self.origin = "https://127.0.0.1"  # as the proxy presents the site (Host header)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=timeout,
                                 follow_redirects=False)
        self.client_ip = client_ip
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.http.close()

    def _headers(self, referer: str | None = None) -> dict[str, str]:
        headers = {"Host": "127.0.0.1", "X-Forwarded-Proto": "https",
                   "X-Forwarded-For": self.client_ip, "Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if referer is not None:
            headers["Origin"] = self.origin
            headers["Referer"] = f"{self.origin}{referer}"
        return headers

    def _keep_cookies(self, response: httpx.Response) -> None:
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, url: str) -> httpx.Response:
        response = self.http.get(url, headers=self._headers())
        self._keep_cookies(response)
        return response

    def post(self, url: str, data: dict, *, form_page: str | None = None) -> httpx.Response:
        """POST ``data`` to ``url`` with the CSRF token of the form at ``form_page`` (default:
        ``url``), fetched first when this browser has none."""
        token = self.csrf_token or self._token_from(form_page or url)
        response = self.http.post(url, data={**data, "csrfmiddlewaretoken": token},
                                  headers=self._headers(referer=url))
        self._keep_cookies(response)
        return response

    @property
    def csrf_token(self) -> str | None:
        return self._form_token

    _form_token: str | None = None

    def _token_from(self, url: str) -> str:
        page = self.get(url)
        match = CSRF_INPUT.search(page.text)
        if match is None:
            raise AssertionError(f"no form at {url} ({page.status_code})")
        self._form_token = match.group(1)
        return self._form_token


def page_text(response: httpx.Response) -> str:
    """The page as text (entities decoded), for assertions that read like the page."""
    return html.unescape(response.text)
