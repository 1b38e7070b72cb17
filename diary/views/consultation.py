"""D17 (seed 004 §8.1): the right to timely consultation: a help page for each diary role, in ky and ru, with a
way to write to the school's diary administrator through the internal mail (D13)."""

from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from diary.menu import menu_roles
from diary.models import StaffMember, StaffRole
from diary.views.base import DiaryView

HELP_ROLES = {
    "teacher": gettext_lazy("Teacher"),
    "homeroom": gettext_lazy("Homeroom teacher"),
    "administration": gettext_lazy("Administration"),
    "parent": gettext_lazy("Parent"),
    "student": gettext_lazy("Student"),
}


def help_roles_of(user) -> list[str]:
    """The help pages of the person's own roles, their first role first (the menu links the first)."""
    roles = menu_roles(user)
    own = {
        "administration": roles["administration"],
        "teacher": roles["staff"],
        "homeroom": roles["homeroom"],
        "parent": bool(roles["child"]),
        "student": bool(roles["student"]),
    }
    return [role for role in ("administration", "teacher", "homeroom", "parent", "student") if own[role]]


def diary_administrator_accounts(school) -> list[int]:
    """D17: the accounts of the school's diary administrators, whom anyone of the school may write to (D13)."""
    if school is None:
        return []
    staff = StaffMember.objects.filter(school=school, archived_at__isnull=True, user__is_active=True)
    return [member.user_id for member in staff if member.has_role(StaffRole.ADMIN)]


class HelpView(DiaryView):
    def get(self, request, role: str | None = None):
        own = help_roles_of(request.user)
        if role is None:
            return redirect("diary:help_role", role=own[0] if own else "student")
        if role not in HELP_ROLES:
            raise Http404
        administrators = diary_administrator_accounts(self.school)
        write_url = None
        if administrators:
            query = urlencode([*(("to", pk) for pk in administrators), ("subject", _("Question about the diary"))])
            write_url = f"{reverse('diary:compose')}?{query}"
        return render(
            request,
            "diary/help.html",
            {
                "role": role,
                "role_label": HELP_ROLES[role],
                "roles": [(key, HELP_ROLES[key], key in own) for key in HELP_ROLES],
                "write_url": write_url,
            },
        )


urlpatterns = [
    path("help/", HelpView.as_view(), name="help"),
    path("help/<slug:role>/", HelpView.as_view(), name="help_role"),
]
