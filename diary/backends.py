"""The login backend: Django's ModelBackend, with the account of every logged-in request read by a compiled query
(cms/prepared.py) instead of a queryset built and compiled each time, together with whether it has a staff record
and, in the same statement, its own students (a family's account then spends no further query on the D15 checks
that ask: every diary page asks for both)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef, Subquery

from cms.prepared import PreparedPair
from diary.models import StaffMember
from diary.permissions import own_students_known, own_students_query, staff_member_known


def _account_query(pk: int):
    staff = StaffMember.objects.filter(user=OuterRef("pk"), archived_at__isnull=True).values("pk")[:1]
    return get_user_model()._default_manager.filter(pk=pk).annotate(staff_pk=Subquery(staff))[:1]


_account = PreparedPair(_account_query, own_students_query)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        accounts, own_students = _account(pk)
        user = next(iter(accounts), None)
        if user is None or not self.user_can_authenticate(user):
            return None
        if user.staff_pk is None:
            staff_member_known(user, None)
        own_students_known(user, own_students)
        return user
