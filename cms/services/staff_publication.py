"""W4, W5: diary-sourced staff and leadership data first appear on the public site after a site administrator
confirmed the prohibited-content checklist for them."""

from collections.abc import Mapping, Sequence

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Site

from cms.models.workflow import checklist_confirmed
from cms.services.disclosure import group_names
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import StaffMember


def is_site_administrator(*, user, site: Site) -> bool:
    if user is None or not user.is_authenticated:
        return False
    _editors, administrators = group_names(site)
    return user.is_superuser or Group.objects.filter(name=administrators, user=user).exists()


def staff_awaiting_check(*, site: Site) -> list[StaffMember]:
    """The site's school staff not yet shown on the site (W4: they wait for the checklist)."""
    return list(StaffMember.objects.filter(school__site=site, archived_at__isnull=True, public_checked_at__isnull=True))


@transaction.atomic
def staff_public_check(*, actor, site: Site, staff_ids: Sequence[int], confirmations: Mapping) -> list[StaffMember]:
    """W4, W5: a site administrator confirms the checklist for staff of the site's school, who then appear on the
    staff and leadership pages. Anyone else, no one chosen or the checklist unconfirmed: refused, nothing changes."""
    if not is_site_administrator(user=actor, site=site):
        raise DiaryPermissionDenied(code="not_a_site_administrator")
    if not checklist_confirmed(confirmations):
        raise DiaryValidationError(
            _("To publish, confirm every point of the prohibited-content checklist."), code="checklist_not_confirmed"
        )
    chosen = [member for member in staff_awaiting_check(site=site) if member.pk in set(staff_ids)]
    if not chosen:
        raise DiaryValidationError(_("Choose whom to show on the website."), code="nobody_chosen")
    now = timezone.now()
    for member in chosen:
        member.public_checked_at, member.public_checked_by = now, actor
        member.save(update_fields=["public_checked_at", "public_checked_by"])
        log(instance=member, action="wagtail.publish", user=actor, data={"checklist": "W5"})
    return chosen
