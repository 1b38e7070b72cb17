"""The login backend: Django's ModelBackend, with the account of every logged-in request read by a compiled query
(cms/prepared.py) instead of a queryset built and compiled each time, together with whether it has a staff record
and, in the same statement, its own students (a family's account then spends no further query on the D15 checks
that ask: every diary page asks for both). A request's own session has usually read all of it already, in the
session's statement (diary/sessions.py)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import OuterRef

from cms.prepared import PreparedPair
from diary.permissions import own_students_known, own_students_query, staff_member_known, staff_record_subquery
from diary.sessions import session_account


def _account_query(pk: int):
    return get_user_model()._default_manager.filter(pk=pk).annotate(staff_pk=staff_record_subquery(OuterRef("pk")))[:1]


_account = PreparedPair(_account_query, own_students_query)


class AccountBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        read = session_account(pk)
        if read is not None:
            # The request's session read its account with itself (diary/sessions.py): no second statement.
            user, staff_pk, own_students = read.account, read.staff_pk, read.own_students
        else:
            accounts, own_students = _account(pk)
            user = next(iter(accounts), None)
            staff_pk = user.staff_pk if user is not None else None
        if user is None or not self.user_can_authenticate(user):
            return None
        if staff_pk is None:
            staff_member_known(user, None)
        own_students_known(user, own_students)
        return user
