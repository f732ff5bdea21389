"""Template tags for report layout."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def page_of(pages: dict, key: str, placeholder: bool = False):
    """The page number of an anchor: known from the chapter layout, a placeholder of the same
    width while the front matter is measured, or CSS `target-counter()` in a single-pass layout."""
    if pages and key in pages:
        return pages[key]
    if placeholder:
        return "000"
    return format_html('<a class="pg" href="#{}"></a>', key)


@register.filter
def css_string(value) -> str:
    """A CSS string literal's body: every character but letters, digits and CJK is written as a
    CSS hex escape, so no text can close the string or the rule."""
    out = []
    for char in str(value):
        if char.isalnum():
            out.append(char)
        else:
            out.append(f"\\{ord(char):06x}")
    return "".join(out)
