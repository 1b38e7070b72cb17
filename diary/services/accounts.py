"""Accounts of the school's people: the administration's access to the Wagtail admin's diary screens."""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMINISTRATION_GROUP = "School administration"
# What the administration may correct in the admin (D1): the school's reference data, never marks directly.
ADMINISTRATION_PERMISSIONS = [
    ("wagtailadmin", "access_admin"),
    *[
        ("diary", f"{action}_{model}")
        for model in ("school", "period", "holiday", "subject", "staffmember", "schoolclass", "student", "guardian")
        for action in ("view", "change")
    ],
    *[("diary", f"view_{model}") for model in ("journal", "substitution", "auditentry")],
]


@transaction.atomic
def administration_group_ensure() -> Group:
    group, _created = Group.objects.get_or_create(name=ADMINISTRATION_GROUP)
    wanted = Permission.objects.none()
    for app_label, codename in ADMINISTRATION_PERMISSIONS:
        wanted = wanted | Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    group.permissions.add(*wanted)
    return group


def administration_access_grant(user) -> None:
    """Gives a member of a school's administration the admin screens for their school's data."""
    user.groups.add(administration_group_ensure())
