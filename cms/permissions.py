"""W6: who may manage which website accounts and read which school's admin rows, answered in one place.

A school site has two groups, its editors and its site administrators (`group_names`). Membership of a site's group
is what ties an account to that site. Neither group holds a global user permission: a site administrator manages
accounts only through `site_accounts_managed_by`, never through Wagtail's own user editor.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Q, QuerySet
from wagtail.models import Site

from diary.models import Guardian, StaffMember, Student


def group_names(site: Site) -> tuple[str, str]:
    """The names of a site's two groups: its editors and its site administrators."""
    return f"{site.hostname}: editors", f"{site.hostname}: site administrators"


def _sites_by_group(user, *, administrators_only: bool) -> QuerySet[Site]:
    if not (user.is_authenticated and user.is_active):
        return Site.objects.none()
    if user.is_superuser:
        return Site.objects.all()
    held = set(user.groups.values_list("name", flat=True))
    site_ids = [
        site.pk
        for site in Site.objects.all()
        if held.intersection(group_names(site)[1:] if administrators_only else group_names(site))
    ]
    return Site.objects.filter(pk__in=site_ids)


def sites_edited_by(user) -> QuerySet[Site]:
    """W6: the sites whose editors or site administrators this account is among (every site for a superuser)."""
    return _sites_by_group(user, administrators_only=False)


def sites_administered_by(user) -> QuerySet[Site]:
    """W6: the sites whose site administrators this account is among (every site for a superuser)."""
    return _sites_by_group(user, administrators_only=True)


def site_groups_managed_by(user) -> QuerySet[Group]:
    """W6: the groups a site administrator may put an account in: their own sites' editors and site administrators."""
    names = [name for site in sites_administered_by(user) for name in group_names(site)]
    return Group.objects.filter(name__in=names).order_by("name")


def diary_account_ids() -> Q:
    """The accounts of diary persons (staff, students, guardians): managed only by the diary's own flows."""
    return (
        Q(pk__in=StaffMember.objects.filter(user__isnull=False).values("user_id"))
        | Q(pk__in=Student.objects.filter(user__isnull=False).values("user_id"))
        | Q(pk__in=Guardian.objects.filter(user__isnull=False).values("user_id"))
    )


def site_accounts_managed_by(user) -> QuerySet:
    """W6: the editor and site administrator accounts of the sites this account administers.

    Never a superuser, never an account of a diary person, never one holding permissions of its own, and never one
    that also belongs to a group this administrator does not manage (another site's, or a global one)."""
    User = get_user_model()
    managed = site_groups_managed_by(user)
    if not managed.exists():
        return User.objects.none()
    return (
        User.objects.filter(groups__in=managed)
        .exclude(is_superuser=True)
        .exclude(diary_account_ids())
        .exclude(user_permissions__isnull=False)
        .exclude(groups__in=Group.objects.exclude(pk__in=managed.values("pk")))
        .distinct()
        .order_by("username")
    )


def may_manage_site_accounts(user) -> bool:
    """W6: a site administrator (and only one) has the scoped account screen."""
    return (
        bool(user.is_authenticated and user.is_active and not user.is_superuser)
        and site_groups_managed_by(user).exists()
    )


def questions_visible_to(user, queryset: QuerySet) -> QuerySet:
    """W6: the visitors' questions of the sites this account edits; a superuser sees every site's."""
    if user.is_superuser:
        return queryset
    return queryset.filter(site__in=sites_edited_by(user))
