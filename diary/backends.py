"""The login backend: Django's ModelBackend, with the account of every logged-in request read by a compiled query
(cms/prepared.py) instead of a queryset built and compiled each time, together with whether it has a staff record
(a family's account then spends no query on the D15 checks that ask, as with an API token)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from cms.prepared import PreparedQuery
from diary.models import StaffMember
from diary.permissions import staff_member_known


def _account_query(pk: int):
    staff = StaffMember.objects.filter(user=OuterRef("pk"), archived_at__isnull=True).values("pk")[:1]
    return get_user_model()._default_manager.filter(pk=pk).annotate(staff_pk=Subquery(staff))[:1]


_account = PreparedQuery(_account_query)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        user = next(iter(_account(pk)), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        if user.staff_pk is None:
            staff_member_known(user, None)
        return user
