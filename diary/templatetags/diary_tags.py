from django import template

from diary.menu import diary_menu

register = template.Library()


@register.inclusion_tag("diary/includes/menu.html", takes_context=True)
def diary_nav(context, current: str = ""):
    request = context["request"]
    items = diary_menu(request.user) if request.user.is_authenticated else []
    return {"items": items, "current": current, "request": request}
