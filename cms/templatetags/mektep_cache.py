"""What the public templates key their cached fragments with (`{% cache %}`)."""

from django import template

from cms.cache import pages_version

register = template.Library()


@register.simple_tag(takes_context=True)
def public_pages_version(context) -> int:
    """Raised by every publish, unpublish, move and settings change (cms/cache.py): a fragment keyed by it shows
    each change at once."""
    return pages_version(context.get("request"))
