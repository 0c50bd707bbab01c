"""Template filters for programme sheets."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4", "blockquote",
                "code"}


@register.filter
def markdown(text: str) -> str:
    """Markdown written by coordinators, rendered then sanitised (no raw HTML, safe links)."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"])
    return mark_safe(nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href"}},
                               url_schemes={"http", "https", "mailto"}))
