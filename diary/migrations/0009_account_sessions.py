"""Sessions back in Django's own table, with each login session's key noted beside its account (AccountSession).

The sessions open at the change move over with their account and are told the account's backend is Django's
ModelBackend now (a session naming a backend that is no longer configured would be anonymous): nobody is logged
out by it.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


def sessions_move(apps, schema_editor):
    from django.contrib.auth import BACKEND_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    Session = apps.get_model("sessions", "Session")
    LoginSession = apps.get_model("diary", "LoginSession")
    AccountSession = apps.get_model("diary", "AccountSession")
    coder = SessionStore()  # the signature's salt names the class: Django's stores are all "SessionStore"
    sessions, account_sessions = [], []
    for login_session in LoginSession.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        data = coder.decode(login_session.session_data)
        if login_session.account_id is not None and data.get(SESSION_KEY) == str(login_session.account_id):
            data[BACKEND_SESSION_KEY] = MODEL_BACKEND
            account_sessions.append(
                AccountSession(session_key=login_session.session_key, account_id=login_session.account_id)
            )
        sessions.append(
            Session(
                session_key=login_session.session_key,
                session_data=coder.encode(data),
                expire_date=login_session.expire_date,
            )
        )
    Session.objects.bulk_create(sessions, batch_size=500, ignore_conflicts=True)
    AccountSession.objects.bulk_create(account_sessions, batch_size=500, ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0008_login_sessions"),
        ("sessions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AccountSession",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("session_key", models.CharField(max_length=40, unique=True, verbose_name="session key")),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="created at")),
                (
                    "account",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to=settings.AUTH_USER_MODEL
                    ),
                ),
            ],
            options={
                "verbose_name": "login session",
                "verbose_name_plural": "login sessions",
            },
        ),
        migrations.RunPython(sessions_move, migrations.RunPython.noop),
        migrations.DeleteModel(name="LoginSession"),
    ]
