"""`manage.py issue_code --school CODE --person-kind staff|student|guardian --person-code X`: a fresh access code (D4).

How the first administrator of a newly imported school gets in: the server's operator issues their code.
"""

from django.core.management.base import BaseCommand, CommandError

from diary.exceptions import DiaryError
from diary.models import Guardian, School, StaffMember, Student
from diary.services.access import access_code_issue

MODELS = {"staff": StaffMember, "student": Student, "guardian": Guardian}


class Command(BaseCommand):
    help = "Prints a fresh single-use access code for one person of a school (D4)."

    def add_arguments(self, parser):
        parser.add_argument("--school", required=True, help="the school's code")
        parser.add_argument("--person-kind", required=True, choices=list(MODELS))
        parser.add_argument("--person-code", required=True)

    def handle(self, *args, **options):
        school = School.objects.filter(code=options["school"]).first()
        if school is None:
            raise CommandError(f"No school with the code {options['school']!r}.")
        person = MODELS[options["person_kind"]].objects.filter(school=school, code=options["person_code"]).first()
        if person is None:
            raise CommandError(
                f"No {options['person_kind']} with the code {options['person_code']!r} in {school.code}."
            )
        try:
            issued = access_code_issue(actor=None, person=person)
        except DiaryError as error:
            raise CommandError(str(error.message)) from error
        self.stdout.write(issued.code)
        self.stdout.write(f"for {person.full_name}, valid until {issued.access_code.expires_at:%Y-%m-%d %H:%M}")
