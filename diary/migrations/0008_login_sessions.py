"""Login sessions with their account in a column (diary/sessions.py); the sessions open at the change move over, so
nobody is logged out by it."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def sessions_move(apps, schema_editor):
    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    Session = apps.get_model("sessions", "Session")
    LoginSession = apps.get_model("diary", "LoginSession")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    decoder = SessionStore()  # the signature's salt names the class: Django's stores are all "SessionStore"
    open_sessions = Session.objects.filter(expire_date__gt=timezone.now())
    batch = []
    for session in open_sessions.iterator(chunk_size=500):
        try:
            account_id = int(decoder.decode(session.session_data).get(SESSION_KEY))
        except (TypeError, ValueError):
            account_id = None
        batch.append(LoginSession(session_key=session.session_key, session_data=session.session_data,
                                  expire_date=session.expire_date, account_id=account_id))  # fmt: skip
    accounts = set(
        User.objects.filter(pk__in={s.account_id for s in batch if s.account_id}).values_list("pk", flat=True)
    )
    for session in batch:
        if session.account_id not in accounts:
            session.account_id = None
    LoginSession.objects.bulk_create(batch, batch_size=500)
    open_sessions.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0007_data_versions"),
        ("sessions", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="LoginSession",
            fields=[
                (
                    "session_key",
                    models.CharField(max_length=40, primary_key=True, serialize=False, verbose_name="session key"),
                ),
                ("session_data", models.TextField(verbose_name="session data")),
                ("expire_date", models.DateTimeField(db_index=True, verbose_name="expire date")),
                (
                    "account",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "login session",
                "verbose_name_plural": "login sessions",
            },
        ),
        migrations.RunPython(sessions_move, migrations.RunPython.noop),
    ]
