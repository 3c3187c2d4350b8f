"""Links that keep the day a page is shown as of (see ``agencies.asof``)."""

from django import template

register = template.Library()


@register.filter
def keep_as_of(url: str, as_of) -> str:
    """``{{ plan.get_absolute_url|keep_as_of:as_of }}``: the link with the page's day kept."""
    return as_of.link(url) if as_of else url
