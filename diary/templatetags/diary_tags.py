from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from diary.menu import diary_menu

register = template.Library()


@register.inclusion_tag("diary/includes/menu.html", takes_context=True)
def diary_nav(context, current: str = ""):
    request = context["request"]
    items = diary_menu(request.user) if request.user.is_authenticated else []
    return {"items": items, "current": current, "request": request}


@register.simple_tag(takes_context=True)
def grade_detail(context, entry):
    """A grade that opens, by touch or keyboard, to what a parent asks about it: its lesson's date and topic, whether
    it is the lesson's first or second grade, the teacher's comment. A week shows about thirty: built here, with the
    labels translated and each day's date formatted once per page, instead of an included template per grade."""
    page = context.render_context.setdefault("diary_grade_detail", {})
    if not page:
        page.update(
            about=_("about this mark"), date=_("Date"), topic=_("Lesson topic"), kind=capfirst(_("kind")),
            first=_("grade of the lesson"), second=_("second grade of the lesson"), comment=_("Comment"), dates={},
        )  # fmt: skip
    day = page["dates"].get(entry.date)
    if day is None:
        day = page["dates"][entry.date] = "{}, {}".format(
            date_format(entry.date, "l"), date_format(entry.date, "MONTH_DAY_FORMAT")
        )
    comment = format_html("<dt>{}</dt><dd>{}</dd>", page["comment"], entry.comment) if entry.comment else ""
    return format_html(
        '<details class="mark-info"><summary><span class="grade g{grade}" data-grade="{grade}">{grade}</span>'
        '<span class="visually-hidden"> — {about}</span></summary><dl class="mark-detail" data-mark-date="{iso}">'
        "<dt>{date_label}</dt><dd>{day}</dd><dt>{topic_label}</dt><dd data-mark-topic>{topic}</dd>"
        '<dt>{kind_label}</dt><dd data-mark-kind="{kind}">{kind_text}</dd>{comment}</dl></details>',
        grade=entry.grade, about=page["about"], iso=entry.date.isoformat(), date_label=page["date"], day=day,
        topic_label=page["topic"], topic=entry.topic or "—", kind_label=page["kind"], kind=entry.kind,
        kind_text=page["second"] if entry.kind == "second" else page["first"], comment=comment,
    )  # fmt: skip
