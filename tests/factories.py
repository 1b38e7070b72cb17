"""factory_boy factories for the diary's data; each builds a valid row of one school."""

import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from diary import models


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct horse battery staple")


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.School

    code = factory.Sequence(lambda n: f"school{n}")
    name = factory.Sequence(lambda n: f"№ {n} мектеп")
    name_ky = factory.SelfAttribute("name")
    name_ru = factory.Sequence(lambda n: f"Школа № {n}")
    no_marks_grades = factory.LazyFunction(lambda: [1])


class AcademicYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.AcademicYear

    school = factory.SubFactory(SchoolFactory)
    start = dt.date(2026, 9, 1)
    end = dt.date(2027, 5, 31)


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Period

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    kind = models.Period.Kind.QUARTER
    number = 1
    start = dt.date(2026, 9, 1)
    end = dt.date(2026, 10, 31)


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subject

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"subject{n}")
    name = factory.Sequence(lambda n: f"Сабак {n}")
    name_ky = factory.SelfAttribute("name")
    name_ru = factory.Sequence(lambda n: f"Предмет {n}")


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.StaffMember

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"T{n:03d}")
    last_name = factory.Sequence(lambda n: f"Асанов{n}")
    first_name = "Бакыт"
    roles = factory.LazyFunction(lambda: ["teacher"])
    user = factory.SubFactory(UserFactory)
    # L1: the public profile in both languages, as the staff page shows it.
    post_ky, post_ru = "Мугалим", "Учитель"
    education_ky, education_ru = "Жогорку", "Высшее"
    specialty_ky, specialty_ru = "Математика", "Математика"
    qualification_ky, qualification_ru = "Биринчи категория", "Первая категория"
    # W4: checked for the website (the checklist confirmed), as staff already shown are.
    public_checked_at = factory.LazyFunction(timezone.now)


class SchoolClassFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SchoolClass

    year = factory.SubFactory(AcademicYearFactory)
    school = factory.SelfAttribute("year.school")
    code = factory.Sequence(lambda n: f"{5 + n % 6}{'АБВГ'[n % 4]}{n}")
    grade = 5
    homeroom_teacher = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))


class StudentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Student

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"S{n:04d}")
    last_name = factory.Sequence(lambda n: f"Токтогулова{n}")
    first_name = "Айгүл"


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Enrolment

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    student = factory.SubFactory(StudentFactory, school=factory.SelfAttribute("..school"))
    date_from = dt.date(2026, 9, 1)


class JournalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Journal

    school_class = factory.SubFactory(SchoolClassFactory)
    school = factory.SelfAttribute("school_class.school")
    subject = factory.SubFactory(SubjectFactory, school=factory.SelfAttribute("..school"))
    teacher = factory.SubFactory(StaffMemberFactory, school=factory.SelfAttribute("..school"))


class LessonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Lesson

    journal = factory.SubFactory(JournalFactory)
    school = factory.SelfAttribute("journal.school")
    date = dt.date(2026, 9, 7)
    lesson_no = factory.Sequence(lambda n: 1 + n % 7)


class GuardianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Guardian

    school = factory.SubFactory(SchoolFactory)
    code = factory.Sequence(lambda n: f"G{n:04d}")
    last_name = factory.Sequence(lambda n: f"Токтогулов{n}")
    first_name = "Асан"
