"""Rich text is stored clean, whoever writes it.

Wagtail's editor only ever produces whitelisted HTML, but rich text also arrives by other ways (the demo content,
imports, a shell, a revision restored from JSON). Every page's rich text fields are cleaned before they are saved, so
that no script, event handler or `javascript:` link is ever stored, rendered or served by the API. Wagtail's own
markup (`<a linktype=…>`, `<embed embedtype=…>`) is kept.
"""

import re

from bs4 import BeautifulSoup
from wagtail.fields import RichTextField

# Elements removed with everything inside them.
DROPPED = ["script", "style", "iframe", "frame", "frameset", "object", "applet", "form", "input", "button",
           "textarea", "select", "meta", "link", "base", "svg", "math", "template", "noscript"]  # fmt: skip
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background", "poster", "srcset"}
UNSAFE_URL = re.compile(r"^\s*(javascript|vbscript|data|livescript)\s*:", re.IGNORECASE)
CONTROL = re.compile(r"[\x00-\x20]+")


def rich_text_clean(html: str) -> str:
    """The same HTML without scripts, event handlers, dangerous URLs or embedded objects; unchanged if it had none."""
    if not html or "<" not in html:
        return html
    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for tag in soup.find_all(True):
        if tag.decomposed:
            continue
        if tag.name in DROPPED or (tag.name == "embed" and not tag.get("embedtype")):
            tag.decompose()
            changed = True
            continue
        for attribute in list(tag.attrs):
            value = tag.attrs[attribute]
            text = " ".join(value) if isinstance(value, list) else str(value)
            if (
                attribute.lower().startswith("on")
                or attribute.lower() == "style"
                or (attribute.lower() in URL_ATTRIBUTES and UNSAFE_URL.match(CONTROL.sub("", text)))
            ):
                del tag.attrs[attribute]
                changed = True
    return str(soup) if changed else html


def page_rich_text_clean(sender, instance, **kwargs) -> None:
    """pre_save: cleans every rich text field of a model that has any (pages and their translated copies)."""
    for field in instance._meta.concrete_fields:
        if isinstance(field, RichTextField):
            value = getattr(instance, field.attname)
            if isinstance(value, str):
                setattr(instance, field.attname, rich_text_clean(value))
