"""W3: the head (director) approves how often each disclosure section is updated; every change is audited."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log
from wagtail.models import Site

from cms.models import SECTION_MODELS, SectionUpdateFrequency
from diary.exceptions import DiaryPermissionDenied, DiaryValidationError
from diary.models import StaffMember, StaffRole

SECTION_SLUGS = [model.section_slug for model in SECTION_MODELS]
MIN_MONTHS, MAX_MONTHS = 1, 60


def is_head_of_site(*, user, site: Site) -> bool:
    """W3 (seed 000 §1): the head of the school whose site it is approves the update frequency and reads the
    site-operation report."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    staff = StaffMember.objects.filter(user=user, school__site=site, archived_at__isnull=True)
    return any(member.has_role(StaffRole.DIRECTOR) for member in staff)


def sites_headed_by(user) -> list[Site]:
    return [site for site in Site.objects.order_by("hostname") if is_head_of_site(user=user, site=site)]


@transaction.atomic
def update_frequency_set(*, actor, site: Site, months: dict[str, int]) -> SectionUpdateFrequency:
    """W3: the head sets the months between updates per section (1–60); the change is logged with old and new
    values, who and when (Wagtail's audit log). Anyone else, or a value out of range, is refused and nothing
    changes."""
    if not is_head_of_site(user=actor, site=site):
        raise DiaryPermissionDenied(
            _("Only the head of the school approves the update frequency."), code="not_the_head"
        )
    errors = {}
    for section, value in months.items():
        if section not in SECTION_SLUGS:
            errors[section] = [_("Unknown section.")]
        elif not isinstance(value, int) or isinstance(value, bool) or not MIN_MONTHS <= value <= MAX_MONTHS:
            errors[section] = [_("Enter a number of months from 1 to 60.")]
    if errors:
        raise DiaryValidationError(fields=errors, code="invalid_update_frequency")
    setting = SectionUpdateFrequency.for_site(site)
    old = {section: setting.months_for(section) for section in SECTION_SLUGS}
    new = {**old, **months}
    if new == old and setting.approved_at is not None:
        return setting
    setting.months = new
    setting.approved_by = actor
    setting.approved_at = timezone.now()
    setting.full_clean()
    setting.save()
    changes = {
        section: {"old": old[section], "new": new[section]} for section in SECTION_SLUGS if old[section] != new[section]
    }
    log(instance=setting, action="wagtail.edit", user=actor, data={"update_frequency": changes})
    return setting
