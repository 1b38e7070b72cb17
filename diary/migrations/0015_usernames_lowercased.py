"""Usernames are stored lowercased (login is case-insensitive, cms/auth.py). Existing accounts are lowercased where
no other account has the same name in another case; colliding accounts keep their names (login still finds each by
its exact spelling) and are listed in the log for the school to sort out."""

import logging

from django.conf import settings
from django.db import migrations

logger = logging.getLogger("diary.access")


def usernames_lowercase(apps, schema_editor):
    app_label, model_name = settings.AUTH_USER_MODEL.split(".")
    User = apps.get_model(app_label, model_name)
    by_lower: dict[str, list] = {}
    for pk, username in User.objects.values_list("pk", "username").iterator(chunk_size=1000):
        by_lower.setdefault(username.lower(), []).append((pk, username))
    for lowered, accounts in by_lower.items():
        if len(accounts) > 1:
            logger.warning("Usernames differing only by case left as they are: %s", ", ".join(n for _, n in accounts))
            continue
        pk, username = accounts[0]
        if username != lowered:
            User.objects.filter(pk=pk).update(username=lowered)


class Migration(migrations.Migration):
    dependencies = [
        ("diary", "0014_school_rules_fixed"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(usernames_lowercase, migrations.RunPython.noop)]
