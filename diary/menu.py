"""The diary menu: which screens a person has, by role (D1, D15). Screens not installed are left out."""

from dataclasses import dataclass

from django.core.cache import cache
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from diary.permissions import children_of, staff_member_of, student_of


@dataclass(frozen=True)
class MenuItem:
    key: str
    label: str
    url: str


def _item(key: str, label, url_name: str, *args) -> MenuItem | None:
    try:
        return MenuItem(key, str(label), reverse(url_name, args=args))
    except NoReverseMatch:
        return None


MENU_CACHE_SECONDS = 300


def menu_roles(user) -> dict:
    """What the menu needs to know about an account. A family's account is answered from what the page already
    read (no staff record, its own students); a staff member's is kept in the cache for a few minutes, so that
    pages spend no query on their menu. Only the menu lags a change of role, never a permission check."""
    staff = staff_member_of(user)  # already read by every diary page (DiaryView)
    if staff is None:
        return _roles_read(user, None)
    key = f"diary-menu:{user.pk}"
    roles = cache.get(key)
    if roles is None:
        roles = _roles_read(user, staff)
        cache.set(key, roles, MENU_CACHE_SECONDS)
    return roles


def menu_forget(user) -> None:
    """The account's roles changed here (a code linked a child to a teacher's account): its menu shows them now."""
    cache.delete(f"diary-menu:{user.pk}")


def _roles_read(user, staff) -> dict:
    student = student_of(user)
    children = children_of(user)
    return {
        "staff": staff is not None,
        "administration": bool(staff and staff.is_administration),
        "homeroom": bool(staff and staff.homeroom_classes.exists()),
        "student": student.pk if student else None,
        "child": children[0].pk if children else None,
    }


def diary_menu(user) -> list[MenuItem]:
    """The first item is the person's start page."""
    roles = menu_roles(user)
    candidates = []
    if roles["administration"]:
        candidates.append(_item("administration", _("Administration"), "diary:administration"))
    if roles["staff"]:
        candidates += [
            _item("today", _("Today"), "diary:today"),
            _item("journals", _("Journals"), "diary:journals"),
        ]
        if roles["homeroom"]:
            candidates.append(_item("class", _("My class"), "diary:my_class"))
        candidates.append(_item("reports", _("Reports"), "diary:reports"))
    if roles["student"]:
        candidates.append(_item("diary", _("My diary"), "diary:student_week", roles["student"]))
    if roles["child"]:
        candidates.append(_item("children", _("Children's diary"), "diary:student_week", roles["child"]))
    candidates.append(_item("mail", _("Mail"), "diary:mail"))
    candidates.append(_item("code_link", _("Add a child or link a code"), "diary:code_link"))
    candidates.append(_item("password", _("Change the password"), "diary:password_change"))
    candidates.append(_item("help", _("Help"), "diary:help"))  # D17
    return [item for item in candidates if item is not None]
