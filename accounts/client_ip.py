"""The address of the person behind a request, the same for every use (rate limits, the staff
access log, anything later).

Behind a reverse proxy, ``REMOTE_ADDR`` is the proxy's address, and the first ``X-Forwarded-For``
entry is whatever the client chose to send. One setting says how far to trust the header:

- ``ALLAUTH_TRUSTED_PROXY_COUNT`` (environment ``TRUSTED_PROXY_COUNT``): how many proxies of
  ours append to ``X-Forwarded-For``. The client is the entry that many places from the right
  end, the last one written by a proxy of ours; entries to its left are the client's own words.
- or ``ALLAUTH_TRUSTED_CLIENT_IP_HEADER`` (environment ``TRUSTED_CLIENT_IP_HEADER``): a header
  the proxy sets to the client's address (e.g. ``X-Real-IP``), replacing anything sent.

These are allauth's own settings, so its login, code and password-reset limits read the same
address (``accounts.adapter.AccountAdapter.get_client_ip`` calls ``client_ip``).
"""

import ipaddress
import logging

from allauth import app_settings as allauth_settings
from django.http import HttpRequest

logger = logging.getLogger(__name__)


def _clean(value: str | None) -> str | None:
    """A normalised IP address from a header entry ("203.0.113.7", "203.0.113.7:51000",
    "[2001:db8::1]:443", "2001:db8::1"), or None when it is not one."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1:value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def _from_forwarded_for(request: HttpRequest, count: int) -> str | None:
    header = request.headers.get("x-forwarded-for", "")
    if count <= 0 or not header.strip():
        return None
    hops = [hop.strip() for hop in header.split(",")]
    if len(hops) < count:
        # Fewer entries than proxies: the request skipped the outer ones. The leftmost entry
        # was still written by a proxy of ours, so it is the address that proxy saw.
        return hops[0]
    return hops[-count]


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address (a string such as "203.0.113.7" or "2001:db8::1"), None only
    when the server gave no usable ``REMOTE_ADDR`` either.

    Reads the trusted proxy settings above at each call. Falls back to ``REMOTE_ADDR`` when
    the trusted header is missing or holds no valid address (a request that did not come
    through the proxy, or a misconfigured proxy: logged as a warning). Never raises: a short
    or malformed chain must not turn into a server error.
    """
    header = allauth_settings.TRUSTED_CLIENT_IP_HEADER
    if header:
        candidate = request.headers.get(header)
    else:
        candidate = _from_forwarded_for(request, allauth_settings.TRUSTED_PROXY_COUNT)
    address = _clean(candidate) if candidate else None
    if candidate and address is None:
        logger.warning("Unusable client address %r in the trusted proxy header", candidate[:100])
    return address or _clean(request.META.get("REMOTE_ADDR"))
