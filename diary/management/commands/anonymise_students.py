"""`manage.py anonymise_students --school CODE [--dry-run]`: anonymises the students who left the school before
the retention period (MEKTEP_RETENTION_YEARS), with their guardians who have no other child at the school.

Run by the server's operator (for instance yearly); the administration anonymises one student over the API.
"""

from django.core.management.base import BaseCommand, CommandError

from diary.exceptions import DiaryError
from diary.models import School
from diary.services.privacy_anonymise import anonymisation_candidates, student_anonymise


class Command(BaseCommand):
    help = "Lists (--dry-run) or anonymises the students who left before the retention period."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="the school's code")
        parser.add_argument("--dry-run", action="store_true", help="list the eligible students, change nothing")

    def handle(self, *args, **options):
        school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the code {options['school']!r}.")
        students = list(anonymisation_candidates(school=school))
        for student in students:
            self.stdout.write(f"{student.code}\t{student.full_name}\tleft {student.left_on:%Y-%m-%d}")
        if options["dry_run"]:
            self.stdout.write(
                f"{len(students)} student(s) eligible for anonymisation in {school.code}; nothing changed"
            )
            return
        guardians = 0
        for student in students:
            try:
                guardians += len(student_anonymise(actor=None, student=student).guardians)
            except DiaryError as error:
                raise CommandError(f"{student.code}: {error.message}") from error
        self.stdout.write(f"{len(students)} student(s) and {guardians} guardian(s) anonymised in {school.code}")
