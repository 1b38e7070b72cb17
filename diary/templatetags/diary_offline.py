"""The diary pages' installable-app links and the offline script's settings (diary/views/offline.py)."""

from django import template
from django.templatetags.static import static
from django.urls import reverse
from django.utils.html import format_html, json_script
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from diary.session_length import IDLE_KEY
from diary.views.offline import THEME_COLOR

register = template.Library()


def offline_messages() -> dict[str, str]:
    """The words offline.js shows, translated here: the page has no JavaScript catalogue."""
    return {
        "queued": _(
            "No connection: your unsaved changes (%(n)s) are kept on this device and are sent when the connection "
            "returns."
        ),
        "restored": _("Changes kept on this device are back in the journal: %(n)s. Sending them…"),
        "resent": _("These changes had already been saved. Sending the others…"),
        "conflict": _(
            "Someone else changed these cells meanwhile. Nothing was overwritten: choose which value to keep."
        ),
        "choose": _("Choose, cell by cell, which value to keep."),
        "theirs": _("In the journal now: %(value)s"),
        "mine": _("Yours: %(value)s"),
        "keepTheirs": _("Keep the journal's"),
        "keepMine": _("Keep mine"),
        "empty": _("(empty)"),
        "logout": _(
            "Unsaved changes (%(n)s) are kept only on this device and have not been sent yet. Logging out deletes "
            "them. Log out anyway?"
        ),
    }


@register.simple_tag
def offline_head():
    """The manifest, the icons and the browser's bar colour."""
    return format_html(
        '<link rel="manifest" href="{}">\n  <meta name="theme-color" content="{}">\n'
        '  <link rel="icon" href="{}" sizes="32x32">\n  <link rel="icon" href="{}" type="image/svg+xml">\n'
        '  <link rel="apple-touch-icon" href="{}">',
        reverse("diary:manifest"),
        THEME_COLOR,
        static("diary/icons/favicon.ico"),
        static("diary/icons/favicon.svg"),
        static("diary/icons/apple-touch-icon.png"),
    )


@register.simple_tag(takes_context=True)
def offline_script(context):
    """offline.js with its settings: the service worker's address and scope, its words in the page's language, and
    whether this device may keep anything: not for a student's or a shared computer's session (the ones that end
    after a short idle time, diary/session_length.py), whose pages would stay for the next person."""
    request = context.get("request")
    session = getattr(request, "session", None)
    settings = {
        "worker": reverse("service-worker"),
        "scope": f"/{get_language()}/diary/",
        "keep": not (session is not None and session.get(IDLE_KEY)),
        "messages": offline_messages(),
    }
    return format_html(
        '{}\n  <script src="{}" defer></script>', json_script(settings, "offline-config"), static("diary/offline.js")
    )
