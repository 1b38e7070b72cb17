"""`manage.py deploy_migrate`: applies migrations once, however many web nodes start at the same moment.

On PostgreSQL the nodes queue on an advisory lock; the first applies the migrations, the others then find nothing
to do. On SQLite (one process on one machine) it is `migrate`.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

# Any fixed number: the lock's name among the database's advisory locks.
MIGRATE_LOCK = 7_305_726_001


class Command(BaseCommand):
    help = "Apply migrations under a database lock, so that web nodes starting together migrate once."

    def handle(self, *args, **options):
        verbosity = options["verbosity"]
        if connection.vendor != "postgresql":
            call_command("migrate", interactive=False, verbosity=verbosity)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [MIGRATE_LOCK])
            try:
                call_command("migrate", interactive=False, verbosity=verbosity)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [MIGRATE_LOCK])
