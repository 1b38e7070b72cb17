"""W6: a site administrator's own site's editor and administrator accounts: create, correct, move between groups."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction

from cms.permissions import may_manage_site_accounts, site_accounts_managed_by, site_groups_managed_by


def _check_group(*, actor, group: Group) -> None:
    # W6: only the two groups of a site the actor administers; never another site's group or a global one.
    if not may_manage_site_accounts(actor) or not site_groups_managed_by(actor).filter(pk=group.pk).exists():
        raise PermissionDenied


@transaction.atomic
def site_account_create(
    *, actor, username: str, first_name: str, last_name: str, email: str, password: str, group: Group
):
    """A new account in one of the actor's own site groups; never a superuser, never with permissions of its own."""
    _check_group(actor=actor, group=group)
    User = get_user_model()
    account = User(username=username, first_name=first_name, last_name=last_name, email=email, is_active=True)
    validate_password(password, user=account)
    account.set_password(password)
    account.full_clean()
    account.save()
    account.groups.set([group])
    return account


@transaction.atomic
def site_account_update(
    *,
    actor,
    account,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    group: Group,
    password: str = "",
):
    """Name, e-mail, active and the site group of an account the actor manages; a new password when one is given."""
    if not site_accounts_managed_by(actor).filter(pk=account.pk).exists():
        raise PermissionDenied
    _check_group(actor=actor, group=group)
    account.first_name, account.last_name, account.email, account.is_active = first_name, last_name, email, is_active
    if password:
        validate_password(password, user=account)
        account.set_password(password)
    account.full_clean()
    account.save()
    account.groups.set([group])
    return account
